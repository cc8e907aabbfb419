"""Fifty concurrent clients through the service: no error, every answer the vendor asked for."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_fifty_clients_get_their_vendors_without_errors():
    spec = importlib.util.spec_from_file_location("service_load",
                                                  ROOT / "benchmarks" / "service_load.py")
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    result = load.run(duration_s=3, clients=50)
    assert result["requests"] > 50
    assert result["errors"] == 0, result["errors_by_status"]
    assert result["ok"] == result["requests"]
    assert result["gateway"]["refused_429"] == 0
    assert result["gateway"]["functions"]["read"] == result["requests"]
