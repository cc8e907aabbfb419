"""HTTP front of the sandbox: a ThreadingHTTPServer serving the gateway path, optionally over
TLS, and ``running_sandbox`` which runs one in a background thread for tests and tools."""

from __future__ import annotations

import logging
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from . import errors
from .config import GATEWAY_PATH, SandboxConfig
from .faults import Faults
from .pipeline import Pipeline, Reply, Stats
from .seed import load_seed
from .store import Store
from .wire import Control, control_failure

log = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    server: SandboxHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "IntacctSandbox/1.0"
    timeout = 60  # idle keep-alive connections end instead of pinning a thread
    disable_nagle_algorithm = True  # headers and body go out separately: avoid 40 ms stalls

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()  # here, not in the accept loop
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def _send(self, reply: Reply) -> None:
        self.server.stats.count_request(reply.status)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def do_GET(self) -> None:
        # The real gateway blocks GET since 15 January 2023 (doc 001); 405 says "use POST".
        body = control_failure(
            Control(), [errors.malformed_request("HTTP GET is not supported; use POST")]
        )
        self._send(Reply(405, body, headers={"Allow": "POST"}))

    def do_POST(self) -> None:
        if urlsplit(self.path).path != GATEWAY_PATH:
            self._send(Reply(404, b"Not found\n", "text/plain"))
            return
        pipeline = self.server.pipeline
        length_text = self.headers.get("Content-Length")
        if length_text is None or not length_text.isdigit():
            body = control_failure(Control(), [errors.malformed_request("Content-Length needed")])
            self.close_connection = True
            self._send(Reply(411, body))
            return
        length = int(length_text)
        if length > pipeline.config.max_request_bytes:
            body = control_failure(
                Control(),
                [
                    errors.malformed_request(
                        f"request larger than {pipeline.config.max_request_bytes} bytes"
                    )
                ],
            )
            self.close_connection = True
            self._send(Reply(413, body))
            return
        try:
            reply = pipeline.handle_post(self.rfile.read(length))
        except Exception:
            log.exception("gateway failed outside any function")
            reply = Reply(200, control_failure(Control(), [errors.internal_error("gateway error")]))
        if reply.drop:
            self.server.stats.count_request(0)
            self.close_connection = True
            with suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(reply)


class SandboxHTTPServer(ThreadingHTTPServer):
    """Tracks open connections so shutdown can end keep-alive handlers and join them."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], pipeline: Pipeline, stats: Stats) -> None:
        self.pipeline = pipeline
        self.stats = stats
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection from %s ended with an error", client_address, exc_info=True)

    def close_connections(self) -> None:
        """Shut down every open client connection so their handler threads finish."""
        with self._open_lock:
            for conn in list(self._open):
                with suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


class Sandbox:
    """A running sandbox: its URL, a ready connection, the store, faults and counters."""

    def __init__(self, server: SandboxHTTPServer, config: SandboxConfig, store: Store) -> None:
        self._server = server
        self.config = config
        self.store = store
        self.faults: Faults = config.faults
        self.stats: Stats = server.stats
        host, port = server.server_address[:2]
        scheme = "https" if config.certfile else "http"
        self.port = int(port)
        self.url = f"{scheme}://{host}:{port}{GATEWAY_PATH}"
        self.public_url = (config.public_url or self.url).replace("{port}", str(port))
        server.pipeline.public_url = self.public_url

    @property
    def connection(self) -> dict[str, Any]:
        """Connection inputs for our client: this sandbox's credentials and URL."""
        hosts = {urlsplit(u).hostname or "" for u in (self.url, self.public_url)}
        return {
            "senderId": self.config.sender_id,
            "senderPassword": self.config.sender_password,
            "companyId": self.config.company_id,
            "userId": self.config.user_id,
            "userPassword": self.config.user_password,
            "endpointUrl": self.url,
            "allowedEndpointHosts": sorted(h for h in hosts if h),
        }

    def expire_sessions(self) -> None:
        """Expire every live session now."""
        self._server.pipeline.expire_sessions()


def make_server(host: str, port: int, config: SandboxConfig, store: Store) -> SandboxHTTPServer:
    """Bind a server (TLS when the config has a certificate) without starting it."""
    stats = Stats()
    server = SandboxHTTPServer((host, port), Pipeline(config, store, stats), stats)
    if config.certfile:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(config.certfile, config.keyfile)
        server.socket = context.wrap_socket(
            server.socket, server_side=True, do_handshake_on_connect=False
        )
    return server


@contextmanager
def running_sandbox(
    db: str = ":memory:",
    seed: str | None = "demo",
    config: SandboxConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[Sandbox]:
    """Run a sandbox in a background thread on a free loopback port; stop it cleanly on exit.

    ``db`` is a SQLite path (kept across runs) or ":memory:". ``seed="demo"`` loads the demo
    company once into an empty database.
    """
    config = config or SandboxConfig()
    store = Store(db)
    try:
        if seed:
            load_seed(store, seed)
        server = make_server(host, port, config, store)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        try:
            yield Sandbox(server, config, store)
        finally:
            server.shutdown()
            server.close_connections()
            server.server_close()
            thread.join()
    finally:
        store.close()
