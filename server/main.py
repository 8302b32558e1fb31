"""The ASGI entry point uvicorn imports in each worker: the app built from the environment."""

from server.config import Settings
from server.http.app import create_app
from server.serving.parent import die_with_parent

die_with_parent()  # a worker of `serve --workers N` must not outlive its supervisor
app = create_app(Settings.from_env())
