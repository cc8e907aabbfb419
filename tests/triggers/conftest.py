"""Fixtures for trigger tests: a fresh sandbox gateway on loopback per test, a state file, and
a writer that changes records through the gateway as a user would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from trigger_support import Writer

from connector.core import Connector
from connector.intacct.sandbox import SandboxConfig, running_sandbox
from connector.intacct.sandbox.server import Sandbox


@pytest.fixture
def gateway() -> Iterator[Sandbox]:
    """An empty company (no seed: every record in it is one a test wrote)."""
    with running_sandbox(db=":memory:", seed=None, config=SandboxConfig(hold_seconds=5)) as sb:
        yield sb


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite3"


@pytest.fixture
def writer(connector: Connector, gateway: Sandbox) -> Writer:
    return Writer(connector, gateway)
