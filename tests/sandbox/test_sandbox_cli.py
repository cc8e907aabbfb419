"""The `sandbox` click group, through click's CliRunner."""

from __future__ import annotations

import json
import select
import subprocess
import sys

import requests
from click.testing import CliRunner
from lxml import etree
from sandbox_gw import login_xml, request_xml

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
        "--company",
        "--timezone",
        "--clock",
        "--clock-skew",
        "--late-commit-seconds",
        "--late-commit-rate",
    ):
        assert option in result.output


def test_serve_refuses_an_unknown_time_zone_before_starting() -> None:
    result = CliRunner().invoke(sandbox, ["serve", "--db", ":memory:", "--timezone", "Mars/X"])
    assert result.exit_code == 2
    assert "unknown time zone 'Mars/X'" in result.output


def test_serve_runs_companies_in_a_zone_from_a_set_clock() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "connector.intacct.sandbox", "serve", "--port", "0", "--db",
         ":memory:", "--seed", "", "--company", "ACME", "--timezone", "America/New_York",
         "--clock", "2024-01-02T03:04:05"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        ready, _, _ = select.select([server.stdout], [], [], 30)
        assert ready, "the sandbox did not start within 30 seconds"
        url = server.stdout.readline().rsplit(" ", 1)[1].strip()
        body = request_xml(
            ["<create><VENDOR><VENDORID>CLI-1</VENDORID><NAME>c</NAME></VENDOR></create>",
             "<read><object>VENDOR</object><keys>0</keys></read>"],
            auth=login_xml(company="ACME"))
        reply = etree.fromstring(requests.post(url, data=body, timeout=30).content)
        assert reply.findtext("operation/authentication/companyid") == "ACME"
        recordno = reply.findtext("operation/result/data/vendor/RECORDNO")
        read = request_xml([f"<read><object>VENDOR</object><keys>{recordno}</keys>"
                            "<fields>WHENCREATED</fields></read>"],
                           auth=login_xml(company="ACME"))
        stamp = etree.fromstring(requests.post(url, data=read, timeout=30).content).findtext(
            "operation/result/data/VENDOR/WHENCREATED")
        # 03:04:05 UTC is 22:04:05 the day before in New York (EST, UTC-5); the clock runs on
        assert stamp.startswith("01/01/2024 22:04:")
    finally:
        server.terminate()
        server.wait(timeout=10)
