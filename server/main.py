"""The ASGI entry point uvicorn imports in each worker: the app built from the environment."""

from server.app import create_app
from server.config import Settings

app = create_app(Settings.from_env())
