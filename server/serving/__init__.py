"""How ``padcom-server serve`` runs: uvicorn's configuration, connection limits, process lifecycle.

``limits`` holds the settings; ``protocol`` bounds how long a request head may
take and how many connections a worker holds; ``files`` raises the open-file
limit; ``parent`` ties workers to their supervisor; ``shutdown_gate`` and
``farewell`` end in-flight requests and event streams cleanly on SIGTERM;
``run`` puts them together.
"""
