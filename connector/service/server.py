"""Running the service with uvicorn in a background thread, for the CLI, tests and benchmarks.

The socket is bound here, before the thread starts, so that a port in use is an ordinary
OSError for the caller and port 0 gives a free port whose number is known.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

STARTUP_SECONDS = 10


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port), for uvicorn to listen on.

    Its protocol is named (IPPROTO_TCP, not 0): asyncio turns Nagle's algorithm off only on
    connections accepted from such a socket, and with it on every keep-alive answer waited
    about 40 ms for the client's delayed ACK.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


@contextmanager
def serving(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `app` until the block ends; yields the base URL (e.g. http://127.0.0.1:41234)."""
    sock = listening_socket(host, port)
    config = uvicorn.Config(app, host=host, port=sock.getsockname()[1], log_level="warning",
                            lifespan="off", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name="connector-service", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the service did not start on {host}:{port}")
            time.sleep(0.01)
        shown = f"[{host}]" if sock.family == socket.AF_INET6 else host
        yield f"http://{shown}:{config.port}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()
