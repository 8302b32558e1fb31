"""Layer: serving (outermost). How ``padcom-server serve`` runs: uvicorn's configuration, connection limits, process lifecycle.

``limits`` holds the settings; ``protocol`` bounds how long a request head may
take and how many connections a worker holds; ``files`` raises the open-file
limit; ``parent`` ties workers to their supervisor; ``farewell`` ends event
streams cleanly on SIGTERM (``server.http.shutdown_gate`` ends requests);
``transport`` refuses cleartext binds off loopback; ``run`` puts them together.
"""
