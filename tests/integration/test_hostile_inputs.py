"""Hostile and broken input through the CLI: a clear refusal naming the input, exit 2, and
nothing sent; never a crash, and never a secret echoed back."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from connector.cli import main


@pytest.fixture()
def connection_file(tmp_path, sandbox):
    path = tmp_path / "connection.json"
    path.write_text(json.dumps(sandbox.connection))
    return path


def cli(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def requests_made(sandbox) -> int:
    return sandbox.stats.snapshot()["requests"]


HOSTILE_FILES = {
    "lone surrogate": (b'{"vendorName": "A\\ud800B"}', "vendorName", "lone surrogate"),
    "deep nesting": (b'{"customFields": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "",
                     "nested more than"),
    "not UTF-8": (b'{"vendorName": "Caf\xe9"}', "", "not UTF-8"),
    "NaN": (b'{"vendorName": "A", "creditLimit": NaN}', "creditLimit", "not a number"),
    "Infinity": (b'{"vendorName": "A", "creditLimit": -Infinity}', "creditLimit",
                 "not a number"),
    "YAML nan": (b"vendorName: A\ncreditLimit: .nan\n", "creditLimit", "not a number"),
}


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_a_hostile_input_file_is_refused_naming_the_input(case, tmp_path, sandbox,
                                                          connection_file):
    body, path, problem = HOSTILE_FILES[case]
    source = tmp_path / "inputs.json"
    source.write_bytes(body)
    before = requests_made(sandbox)
    result = cli("run", "createVendor", "--connection", str(connection_file),
                 "--input", str(source))
    assert result.exit_code == 2, result.output
    assert problem in result.output and "--input" in result.output
    if path:
        assert f"{path}:" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert requests_made(sandbox) == before


def test_a_lone_surrogate_from_the_command_line_is_refused(sandbox, connection_file):
    before = requests_made(sandbox)
    result = cli("run", "createVendor", "--connection", str(connection_file),
                 "--set", "vendorName=Caf\udce9")
    assert result.exit_code == 2
    assert "Vendor Name (vendorName): contains a lone surrogate" in result.output
    assert requests_made(sandbox) == before


def test_large_numbers_keep_their_exact_digits(tmp_path):
    source = tmp_path / "inputs.json"
    source.write_text('{"vendorName": "Big", "creditLimit": 12345678901234567890.12}')
    rendered = cli("render", "createVendor", "--input", str(source))
    assert rendered.exit_code == 0, rendered.output
    assert "<CREDITLIMIT>12345678901234567890.12</CREDITLIMIT>" in rendered.output
    from_text = cli("render", "createVendor", "--set", "vendorName=Big",
                    "--set", "creditLimit=98765432109876543210.98")
    assert "<CREDITLIMIT>98765432109876543210.98</CREDITLIMIT>" in from_text.output


def test_a_large_number_reaches_the_sandbox_unrounded(connector, sandbox):
    out = connector.invoke("createVendor", {"vendorName": "Exact",
                                            "creditLimit": "12345678901234567890.12"},
                           sandbox.connection)
    recordno = out["data"]["_data"][0]["RECORDNO"]
    assert sandbox.store.get("VENDOR", recordno)["CREDITLIMIT"] == "12345678901234567890.12"


@pytest.mark.parametrize("name, text", [
    ("broken.yaml", "senderId: s\nsenderPassword: [Hunter2-Secret\nuserId: u\n"),
    ("broken.json", '{"senderId": "s", "senderPassword": "Hunter2-Secret" "userId": "u"}'),
    ("tabbed.yaml", "senderId: s\n\tsenderPassword: Hunter2-Secret\n"),
])
def test_a_connection_file_with_a_syntax_error_never_prints_its_lines(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    result = cli("run", "getVendor", "--set", "recordNo=1", "--connection", str(path))
    assert result.exit_code == 2
    assert str(path) in result.output and "line" in result.output
    assert "Hunter2-Secret" not in result.output and "senderPassword" not in result.output


def test_a_bad_line_in_a_bulk_file_fails_that_line_only(tmp_path, sandbox, connection_file):
    lines = [b'{"vendorId": "BL-1", "vendorName": "One"}',
             b'{"vendorId": "BL-2", "vendorName": "T\\ud800wo"}',
             b'{"vendorId": "BL-3", "vendorName": "Three", "creditLimit": NaN}',
             b'{"vendorId": "BL-4", "vendorName": "Fo\xffur"}',
             b"[1, 2",
             b'{"vendorId": "BL-6", "vendorName": "Six"}']
    source = tmp_path / "vendors.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    result = cli("bulk", "createVendor", "--input", str(source),
                 "--connection", str(connection_file))
    entries = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["status"] for e in entries] == ["success", "error", "error", "error", "error",
                                              "success"]
    problems = [e["error"]["problems"][0] for e in entries if e["status"] == "error"]
    assert [p["path"] for p in problems] == ["line 2: vendorName", "line 3: creditLimit",
                                             "line 4", "line 5"]
    assert result.exit_code == 1
    stored = {r["VENDORID"] for r in sandbox.store.all("VENDOR")}
    assert {"BL-1", "BL-6"} <= stored and not {"BL-2", "BL-3", "BL-4", "BL-5"} & stored


def test_the_cli_masks_a_session_id_that_raw_request_returns(sandbox, connection_file):
    result = cli("run", "rawRequest", "--connection", str(connection_file),
                 "--set", "data=<getAPISession/>")
    assert result.exit_code == 0, result.output
    session_ids = [row[0] for row in sandbox.store._exec("SELECT sessionid FROM sessions")]
    assert session_ids and not any(sid in result.output for sid in session_ids)
    assert "***" in result.output
