"""Real Redis and PostgreSQL servers for tests, from Debian's packages, on loopback.

Each server runs in its own temporary directory on a free 127.0.0.1 port and is gone when the
fixture ends. Every start and stop has a deadline. The session fixtures skip with the reason
when a binary is missing, and fail instead when CONNECTOR_REQUIRE_SERVERS=1 (as CI sets it).

To use them in a test folder, import the fixtures into its conftest.py:

    from servers import postgres_server, postgres_url, redis_server, redis_url  # noqa: F401
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

REDIS_BINARY = "redis-server"
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
START_DEADLINE = 30.0
STOP_DEADLINE = 15.0


class ServerError(RuntimeError):
    """A test server that did not start or stop in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _wait_until(ready, what: str, deadline: float, process: subprocess.Popen | None = None,
                log: Path | None = None) -> None:
    end = time.monotonic() + deadline
    while not ready():
        if process is not None and process.poll() is not None:
            raise ServerError(f"{what} exited with {process.returncode}{_tail(log)}")
        if time.monotonic() > end:
            raise ServerError(f"{what} not ready within {deadline:g} s{_tail(log)}")
        time.sleep(0.02)


def _tail(log: Path | None) -> str:
    if log is None or not log.exists():
        return ""
    return ":\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:])


def _stop(process: subprocess.Popen, deadline: float = STOP_DEADLINE) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=deadline)


class RedisServer:
    """redis-server on a free loopback port; without persistence unless asked."""

    def __init__(self, *, persistent: bool = False) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="connector-redis-"))
        self.port = free_port()
        self.persistent = persistent
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        persistence = (["--appendonly", "yes", "--appendfsync", "always"] if self.persistent
                       else ["--appendonly", "no"])
        log = self.directory / "redis.log"
        self._process = subprocess.Popen(
            [REDIS_BINARY, "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.directory), "--save", "", *persistence,
             "--logfile", str(log), "--daemonize", "no"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_until(lambda: _listening(self.port), "redis-server", START_DEADLINE,
                    self._process, log)
        return self

    def stop(self) -> None:
        if self._process is not None:
            _stop(self._process)
            self._process = None

    def restart(self) -> None:
        """Stop and start again on the same port (what a client sees as a server restart)."""
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class PostgresServer:
    """PostgreSQL 15 in a temporary cluster on a free loopback port.

    initdb refuses root, so as root the cluster belongs to the `postgres` system user (made by
    Debian's package) and the server runs as that user. Durability is off: tests need speed.
    """

    superuser = "connector"

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="connector-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self._user = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        if self._user is not None:
            os.chown(self.directory, self._user.pw_uid, self._user.pw_gid)
        os.chmod(self.directory, 0o700)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.superuser}@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresServer:
        log = self.directory / "postgres.log"
        self._run([POSTGRES_BIN / "initdb", "--pgdata", str(self.data), "--username",
                   self.superuser, "--auth", "trust", "--no-sync", "--no-instructions",
                   "--encoding", "UTF8", "--locale", "C"], "initdb", START_DEADLINE * 2)
        options = (f"-p {self.port} -h 127.0.0.1 -k {self.directory} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._run([POSTGRES_BIN / "pg_ctl", "--pgdata", str(self.data), "--log", str(log),
                   "--options", options, "--wait", "--timeout", str(int(START_DEADLINE)),
                   "start"], "pg_ctl start", START_DEADLINE + 5, log)
        return self

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run([POSTGRES_BIN / "pg_ctl", "--pgdata", str(self.data), "--mode", "fast",
                       "--wait", "--timeout", str(int(STOP_DEADLINE)), "stop"],
                      "pg_ctl stop", STOP_DEADLINE + 5)

    def close(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def _run(self, command: list, what: str, deadline: float, log: Path | None = None) -> None:
        user = {} if self._user is None else {"user": self._user.pw_uid,
                                               "group": self._user.pw_gid, "extra_groups": []}
        try:
            done = subprocess.run([str(part) for part in command], capture_output=True,
                                  text=True, timeout=deadline, cwd=self.directory,
                                  start_new_session=True, **user)
        except subprocess.TimeoutExpired:
            raise ServerError(f"{what} did not finish within {deadline:g} s{_tail(log)}") \
                from None
        if done.returncode != 0:
            raise ServerError(f"{what} failed ({done.returncode}): "
                              f"{done.stderr.strip()[-800:]}{_tail(log)}")


def require(binary: str | Path, package: str) -> None:
    """Skip (or fail, when CONNECTOR_REQUIRE_SERVERS=1) without the server's binary."""
    if shutil.which(str(binary)) or Path(binary).is_file():
        return
    reason = f"{binary} not found: apt-get install {package}"
    if os.environ.get("CONNECTOR_REQUIRE_SERVERS") == "1":
        pytest.fail(f"CONNECTOR_REQUIRE_SERVERS=1 but {reason}")
    pytest.skip(reason)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL a process started in its own session, with its children, and reap it."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_DEADLINE)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One redis-server for the session (empty, no persistence)."""
    require(REDIS_BINARY, "redis-server")
    server = RedisServer()
    try:
        yield server.start()
    finally:
        server.close()


@pytest.fixture()
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, emptied for this test."""
    import redis

    with redis.Redis.from_url(redis_server.url, socket_timeout=5) as client:
        client.flushall()
    return redis_server.url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL cluster for the session."""
    require(POSTGRES_BIN / "initdb", "postgresql")
    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.close()


@pytest.fixture()
def postgres_url(postgres_server: PostgresServer) -> str:
    """A new, empty database of the session's cluster, for this test."""
    return postgres_server.create_database()
