"""padcom-admin: the support staff's Textual app. It reaches the server only through
``padcom_cli.client.api``; every piece of server text passes ``padcom_cli.client.sanitize.clean``."""
