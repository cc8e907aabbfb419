"""`connector serve`: the connector as an HTTP API for drag-and-drop workflow platforms.

`create_app` builds the Starlette application over a loaded Connector and named server-side
connections; `serving` runs it with uvicorn in a background thread. See docs/service.md.
"""

from connector.service.app import create_app
from connector.service.server import serving

__all__ = ["create_app", "serving"]
