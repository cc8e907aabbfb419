"""The `sandbox` click group, through click's CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from connector.intacct.sandbox.cli import sandbox


def test_connection_prints_a_connection_file() -> None:
    result = CliRunner().invoke(sandbox, ["connection", "--url", "http://localhost:9000/x"])
    assert result.exit_code == 0
    assert json.loads(result.output) == {
        "senderId": "sandbox_sender",
        "senderPassword": "sandbox-sender-pass",
        "companyId": "SANDBOX",
        "userId": "sandbox_user",
        "userPassword": "sandbox-user-pass",
        "endpointUrl": "http://localhost:9000/x",
        "allowedEndpointHosts": ["localhost"],
    }


def test_serve_offers_every_limit_and_fault_option() -> None:
    result = CliRunner().invoke(sandbox, ["serve", "--help"])
    assert result.exit_code == 0
    for option in (
        "--host",
        "--port",
        "--db",
        "--seed",
        "--public-url",
        "--session-timeout",
        "--max-concurrent",
        "--hold",
        "--rate-limit",
        "--certfile",
        "--fail-rate",
        "--fail-sequence",
        "--lost-response-rate",
        "--html-error-rate",
        "--drop-rate",
        "--latency-ms",
        "--expire-sessions-after",
        "--fault-seed",
    ):
        assert option in result.output
