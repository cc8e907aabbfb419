"""Scale-out tests: real redis-server and PostgreSQL, workers and clients in processes of
their own, a sandbox with several companies on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from servers import kill

from connector.intacct.sandbox import Faults, SandboxConfig, running_sandbox
from connector.intacct.sandbox.config import CompanyConfig

HERE = Path(__file__).resolve().parent
COMPANIES = ("SANDBOX", "ACME", "GLOBEX")
SLOT_LEASE = 2.0


@pytest.fixture()
def companies_sandbox() -> Iterator[Any]:
    """Three companies, each allowing 2 requests at once; every request takes 300 ms."""
    config = SandboxConfig(companies=tuple(CompanyConfig(c) for c in COMPANIES[1:]),
                           faults=Faults(latency_ms=300))
    with running_sandbox(db=":memory:", seed=None, config=config) as sandbox:
        yield sandbox


@pytest.fixture()
def scale_env(redis_url: str, tmp_path: Path) -> dict[str, str]:
    """What every process of one test shares: Redis for slots and sessions (encrypted), a
    state file, Redis database 1 for Dramatiq, short slot leases."""
    return {**os.environ,
            "CONNECTOR_COORDINATOR": redis_url,
            "CONNECTOR_SESSION_KEY": Fernet.generate_key().decode(),
            "CONNECTOR_STATE": str(tmp_path / "state.sqlite3"),
            "CONNECTOR_BROKER": redis_url.rsplit("/", 1)[0] + "/1",
            "CONNECTOR_SLOT_LEASE": str(SLOT_LEASE)}


@pytest.fixture()
def spawn(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Starts processes in sessions of their own (so a kill takes their children too)."""
    started: list[subprocess.Popen] = []

    def start(args: list[str], env: dict[str, str], log: str) -> subprocess.Popen:
        out = (tmp_path / log).open("w")
        process = subprocess.Popen(args, env=env, cwd=HERE, start_new_session=True,
                                   stdout=out, stderr=subprocess.STDOUT)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            kill(process)


def load_client(spawn: Callable[..., subprocess.Popen], env: dict[str, str], tmp_path: Path,
                name: str, **config: Any) -> subprocess.Popen:
    """A load_client.py process with its configuration in a file."""
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(config))
    return spawn([sys.executable, str(HERE / "load_client.py"), str(path)], env, f"{name}.log")
