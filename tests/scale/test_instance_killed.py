"""Story: one of three servers is killed (SIGKILL) while customers file tickets and staff
reply through the balancer, and a staff member watches the live stream on each server.

Nothing the cluster acknowledged is lost, and every stream, including the one whose
server died (it resumes through the balancer with Last-Event-ID), is handed every
event exactly once, in order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.seed import customer_token
from tests.scale.cluster import cluster
from tests.scale.load import MixedLoad
from tests.scale.recorder import Recorder, check_streams_heard_everything
from tests.scale.support import file_ticket, wait_until

pytestmark = pytest.mark.postgres


def test_killing_one_instance_loses_nothing_and_no_stream_misses_or_repeats(
    tmp_path: Path,
) -> None:
    with cluster(tmp_path) as world:
        customer = customer_token(world.database_url)
        staff = customer_token(world.database_url, role="agent")
        streams = [Recorder(server.url, world.url, staff) for server in world.instances]
        load = MixedLoad(world.url, customer, staff)
        try:
            wait_until(lambda: len(load.created) >= 30)
            world.instances[-1].kill()
            before = len(load.created)
            wait_until(lambda: len(load.created) >= before + 60)
        finally:
            load.stop()
        file_ticket(world.url, customer)  # a last event, after the load
        check_streams_heard_everything(streams, world.database_url, load.created)
        assert streams[-1].reconnects >= 1  # the killed server's stream resumed elsewhere
