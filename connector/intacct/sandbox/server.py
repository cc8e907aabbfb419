"""HTTP front of the sandbox: a ThreadingHTTPServer serving the gateway path, optionally over
TLS, and ``running_sandbox`` which runs one in a background thread for tests and tools."""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from . import errors
from .clock import Clock
from .commits import LateCommits
from .config import GATEWAY_PATH, CompanyConfig, SandboxConfig
from .faults import Faults
from .pipeline import Pipeline, Reply, request_id
from .seed import load_seed
from .stats import Stats
from .store import Store
from .wire import Control, control_failure, gateway_failure

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

    def _refuse(self, status: int, **headers: str) -> None:
        """The front door's GW-0011 "Invalid Request", before any XML is read."""
        refusal = errors.invalid_request(status, request_id())
        self._send(Reply(status, gateway_failure(refusal), headers=headers))

    def do_GET(self) -> None:
        # The real gateway blocks GET since 15 January 2023 (doc 001); 405 says "use POST".
        self._refuse(405, Allow="POST")

    def do_POST(self) -> None:
        arrived = time.monotonic()  # the request's headers are read; its latency starts here
        if urlsplit(self.path).path != GATEWAY_PATH:
            self._send(Reply(404, b"Not found\n", "text/plain"))
            return
        pipeline = self.server.pipeline
        length_text = self.headers.get("Content-Length")
        if length_text is None or not length_text.isdigit():
            self.close_connection = True
            self._refuse(411)
            return
        length = int(length_text)
        if length > pipeline.config.max_request_bytes:
            self.close_connection = True
            self._refuse(413)
            return
        try:
            reply = pipeline.handle_post(self.rfile.read(length), arrived)
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
    """A running sandbox: its URL, ready connections, each company's store, the clock, faults,
    late commits and counters. `store` and `connection` are the first company's."""

    def __init__(self, server: SandboxHTTPServer, config: SandboxConfig, store: Store) -> None:
        self._server = server
        self.config = config
        self.store = store
        self.faults: Faults = config.faults
        self.clock: Clock = config.clock
        self.late_commits: LateCommits = config.late_commits
        self.stats: Stats = server.stats
        host, port = server.server_address[:2]
        scheme = "https" if config.certfile else "http"
        self.port = int(port)
        self.url = f"{scheme}://{host}:{port}{GATEWAY_PATH}"
        self.public_url = (config.public_url or self.url).replace("{port}", str(port))
        server.pipeline.public_url = self.public_url

    @property
    def connection(self) -> dict[str, Any]:
        """Connection inputs for our client: the first company's credentials and this URL."""
        return self.connection_for(self.config.company_id)

    def connection_for(self, company_id: str) -> dict[str, Any]:
        """Connection inputs for our client to sign in to one of the sandbox's companies."""
        company = self._company(company_id)
        hosts = {urlsplit(u).hostname or "" for u in (self.url, self.public_url)}
        return {
            "senderId": self.config.sender_id,
            "senderPassword": self.config.sender_password,
            "companyId": company.company_id,
            "userId": company.user_id,
            "userPassword": company.user_password,
            "endpointUrl": self.url,
            "allowedEndpointHosts": sorted(h for h in hosts if h),
        }

    def store_for(self, company_id: str) -> Store:
        """The records of one of the sandbox's companies."""
        return self.store.for_company(self._company(company_id).company_id)

    def load_seed(self, company_id: str, name: str = "demo") -> None:
        """Load a data set into one company (once: a company that has it is left alone)."""
        load_seed(self.store_for(company_id), name, self.config.clock.now())

    def commit_late(self, seconds: float, writes: int = 1) -> None:
        """Make the next `writes` writing requests commit `seconds` after they are stamped."""
        self.late_commits.next_writes(seconds, writes)

    def expire_sessions(self) -> None:
        """Expire every live session now."""
        self._server.pipeline.expire_sessions()

    def _company(self, company_id: str) -> CompanyConfig:
        company = self.config.company(company_id)
        if company is None:
            known = ", ".join(c.company_id for c in self.config.all_companies)
            raise ValueError(f"the sandbox has no company {company_id!r} (it has {known})")
        return company


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
    data once into each company that does not have it yet.
    """
    config = config or SandboxConfig()
    store = Store(db, config.company_id)
    try:
        if seed:
            for company in config.all_companies:
                load_seed(store.for_company(company.company_id), seed, config.clock.now())
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
