"""Story: PostgreSQL restarts (every connection cut) in the middle of a mixed write load on
three servers. Writes fail while it is down and succeed again after; nothing
acknowledged is lost, and every server's stream is handed every event exactly once.
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


def test_a_database_restart_mid_load_loses_nothing_acknowledged(tmp_path: Path) -> None:
    with cluster(tmp_path) as world:
        customer = customer_token(world.database_url)
        staff = customer_token(world.database_url, role="agent")
        streams = [Recorder(server.url, world.url, staff) for server in world.instances]
        load = MixedLoad(world.url, customer, staff)
        try:
            wait_until(lambda: len(load.created) >= 30)
            world.postgres.restart()
            before = len(load.created)
            wait_until(lambda: len(load.created) >= before + 30, timeout=120)
        finally:
            load.stop()
        for _ in world.instances:  # every instance commits once more after the restart
            file_ticket(world.url, customer)
        check_streams_heard_everything(streams, world.database_url, load.created)
