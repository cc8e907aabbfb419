"""Clients in processes of their own, through `connector serve` in its own, against the sandbox in
its own: no error, every answer the vendor asked for, one gateway read per call."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def service_load():
    # importable by name: client processes find their code through it
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import service_load

        yield service_load
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.mark.slow
@pytest.mark.parametrize("clients", [1, 50])
def test_clients_get_their_vendors_without_errors(service_load, clients):
    result = service_load.run(duration_s=2, clients=clients)
    assert result["clients"] == clients and result["requests"] > clients
    assert result["errors"] == 0, result["errors_by_status"]
    assert result["ok"] == result["requests"]
    assert result["gateway"]["refused_429"] == 0
    assert result["gateway"]["functions"] == {"read": result["requests"]}
    assert result["gateway"]["extra_requests"] == 0
    if clients == 1:
        assert result["python_api"]["requests"] > 0
