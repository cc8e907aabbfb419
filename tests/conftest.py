"""Shared fixtures: the bundled connector, and a sandbox gateway on loopback per test module."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

# Real redis-server and PostgreSQL for every folder that needs them (started once per session).
from servers import postgres_server, postgres_url, redis_server, redis_url  # noqa: F401

from connector.core import Connector, load_connector

ROOT = Path(__file__).resolve().parent.parent
for plugin in ("vendor_lookup", "tinyjson"):
    sys.path.insert(0, str(ROOT / "tests" / "plugins" / plugin))


@pytest.fixture(scope="session")
def connector() -> Connector:
    loaded = load_connector()
    yield loaded
    loaded.close()


@pytest.fixture(scope="module")
def sandbox():
    """A fresh sandbox company (demo seed, in memory) for one test module."""
    from connector.intacct.sandbox import running_sandbox

    with running_sandbox(db=":memory:", seed="demo") as running:
        yield running


@pytest.fixture()
def connection(sandbox) -> dict:
    return dict(sandbox.connection)


@pytest.fixture()
def copy(tmp_path) -> Path:
    """A copy of the bundled connector to break in one place (edit it with yaml_edit.edit)."""
    for name in ("schemas", "actions", "datasources", "examples"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "manifest.yaml", tmp_path / "manifest.yaml")
    return tmp_path
