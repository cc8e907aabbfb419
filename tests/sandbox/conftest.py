"""Fixtures for the sandbox tests: a fresh in-memory sandbox per test and a client for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sandbox_gw import Client

from connector.intacct.sandbox import SandboxConfig, running_sandbox
from connector.intacct.sandbox.server import Sandbox


@pytest.fixture
def config() -> SandboxConfig:
    return SandboxConfig(hold_seconds=0.5)


@pytest.fixture
def sandbox(config: SandboxConfig) -> Iterator[Sandbox]:
    with running_sandbox(db=":memory:", seed="demo", config=config) as sb:
        yield sb


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[Client]:
    c = Client(sandbox)
    yield c
    c.close()
