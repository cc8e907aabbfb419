"""What a command does not use it does not import: start-up time and a worker's memory depend
on it (benchmarks/cli_startup.py and benchmarks/streaming.py measure both)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imported(*args: str) -> set[str]:
    """The top-level packages a Python process imports (python -X importtime ARGS), once the
    manifest cache holds the checked manifest (a first run checks it: jsonschema and YAML)."""
    subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, timeout=120,
                   check=True)
    done = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    return {line.rsplit("|", 1)[1].strip().split(".")[0]
            for line in done.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("command", [["actions"], ["describe", "createVendor", "--json"]])
def test_listing_and_describing_import_neither_requests_nor_jsonschema(command):
    imported = _imported("-m", "connector.cli", *command)
    assert {"connector", "jinja2"} <= imported  # the probe sees the imports it should
    assert not imported & {"requests", "urllib3", "jsonschema"}


def test_the_python_api_loads_a_connector_without_click_or_jsonschema():
    imported = _imported("-c", "from connector.core import load_connector; load_connector()")
    assert "pluggy" in imported
    assert not imported & {"click", "jsonschema", "requests", "yaml", "sqlite3"}


def test_a_call_s_client_and_coordination_bring_no_state_store():
    imported = _imported("-c", (
        "from connector.core import load_connector; c = load_connector(); "
        "c.client({'senderId': 's', 'senderPassword': 'p', 'userId': 'u', 'companyId': 'c', "
        "'userPassword': 'x'})"))
    assert "connector" in imported
    assert "sqlite3" not in imported
