"""The `connector` command: exit codes, messages, and no secret in any output."""

import json
import logging

import pytest
from click.testing import CliRunner

from connector.cli import main

SECRETS = {"senderPassword": "Sndr-Pw-7731", "userPassword": "Usr-Pw-4419"}


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def connection_file(tmp_path, sandbox):
    path = tmp_path / "connection.json"
    path.write_text(json.dumps(sandbox.connection))
    return path


def run(runner, *args, input=None):
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)


def test_actions_table_and_json(runner):
    table = run(runner, "actions")
    assert table.exit_code == 0 and "createVendor" in table.output
    listed = json.loads(run(runner, "actions", "--json").output)
    assert {"kind": "datasource", "key": "selectVendor", "label": "Select Vendor",
            "output": "picklist"} in listed


def test_describe_and_catalog(runner):
    described = json.loads(run(runner, "describe", "getVendor", "--json").output)
    assert described["datasources"] == {"recordNo": {"datasource": "selectVendor",
                                                     "inputs": {}}}
    catalog = json.loads(run(runner, "catalog").output)
    assert catalog["connector"]["key"] == "sage-intacct"
    assert "senderPassword" in catalog["connection"]["schema"]["properties"]
    action = next(a for a in catalog["actions"] if a["key"] == "createVendor")
    assert action["inputs"][0]["key"] == "connection" and action["example_output"]


def test_run_prints_shaped_output(runner, connection_file, sandbox):
    result = run(runner, "run", "createVendor", "--connection", str(connection_file),
                 "--input", "-", input=json.dumps({"vendorName": "CLI Vendor"}))
    assert result.exit_code == 0, result.output
    recordno = json.loads(result.output)["data"]["_data"][0]["RECORDNO"]
    assert sandbox.store.get("VENDOR", recordno)["NAME"] == "CLI Vendor"


def test_run_streams_jsonl(runner, connection_file):
    result = run(runner, "run", "queryAndList", "--connection", str(connection_file),
                 "--set", "objectName=VENDOR", "--set", "field=RECORDNO,NAME", "--jsonl")
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines and all(set(line) == {"RECORDNO", "NAME"} for line in lines)


def test_invalid_input_exits_2_with_every_problem(runner, connection_file):
    result = run(runner, "run", "createVendor", "--connection", str(connection_file),
                 "--set", "creditLimit=lots", "--set", "bogus=1")
    assert result.exit_code == 2
    assert "Vendor Name (vendorName): is required" in result.output
    assert "bogus: is not an input of this action" in result.output
    assert "Traceback" not in result.output


def test_gateway_error_exits_1_with_one_message(runner, connection_file):
    result = run(runner, "run", "deleteObject", "--connection", str(connection_file),
                 "--set", "object=VENDOR", "--set", "keys=99999999")
    assert result.exit_code == 1
    assert result.output.startswith("error: delete failed:")
    assert "Traceback" not in result.output


def test_unknown_action_and_missing_connection_exit_2(runner, monkeypatch):
    assert run(runner, "describe", "nope").exit_code == 2
    for var in ("INTACCT_SENDER_ID", "INTACCT_SENDER_PASSWORD", "INTACCT_COMPANY_ID",
                "INTACCT_USER_ID", "INTACCT_USER_PASSWORD", "INTACCT_ENDPOINT_URL"):
        monkeypatch.delenv(var, raising=False)
    result = run(runner, "run", "getVendor", "--set", "recordNo=1")
    assert result.exit_code == 2 and "no connection given" in result.output


def test_connection_from_sdk_environment_variables(runner, sandbox, monkeypatch):
    conn = sandbox.connection
    env = {"INTACCT_SENDER_ID": conn["senderId"],
           "INTACCT_SENDER_PASSWORD": conn["senderPassword"],
           "INTACCT_COMPANY_ID": conn["companyId"], "INTACCT_USER_ID": conn["userId"],
           "INTACCT_USER_PASSWORD": conn["userPassword"],
           "INTACCT_ENDPOINT_URL": conn["endpointUrl"]}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # The sandbox's endpoint is on loopback: without allowedEndpointHosts it is refused.
    refused = run(runner, "run", "getVendor", "--set", "recordNo=1")
    assert refused.exit_code == 1 and "not https on the standard port" in refused.output


def test_connection_from_a_credentials_ini_profile(runner, sandbox, tmp_path, monkeypatch):
    conn = sandbox.connection
    home = tmp_path / "home"
    (home / ".intacct").mkdir(parents=True)
    (home / ".intacct" / "credentials.ini").write_text(
        "[demo]\n"
        f"sender_id = {conn['senderId']}\nsender_password = {conn['senderPassword']}\n"
        f"company_id = {conn['companyId']}\nuser_id = {conn['userId']}\n"
        f"user_password = {conn['userPassword']}\nendpoint_url = {conn['endpointUrl']}\n")
    monkeypatch.setenv("HOME", str(home))
    result = run(runner, "picklist", "selectVendor", "--profile", "demo")
    assert result.exit_code == 1 and "allowedEndpointHosts" in result.output
    missing = run(runner, "picklist", "selectVendor", "--profile", "nope")
    assert missing.exit_code == 2 and "profile 'nope'" in missing.output


def test_validate_a_broken_manifest(runner, tmp_path):
    broken = tmp_path / "manifest.yaml"
    broken.write_text("connector: {key: x, label: X, description: d, protocol: intacct-xml}\n"
                      "connection: {schema: missing.json}\nactions: []\n")
    result = run(runner, "validate", str(broken))
    assert result.exit_code == 2
    assert "connection.schema: file missing.json does not exist" in result.output
    assert run(runner, "validate").exit_code == 0


def test_plugins_lists_what_each_registered(runner):
    result = run(runner, "--plugin", "vendor_lookup", "plugins")
    assert "vendor_lookup" in result.output and "listVendorNames" in result.output
    assert "intacct-xml" in result.output


def test_no_secret_in_any_output_or_log(runner, tmp_path, caplog, monkeypatch):
    """Every command, with --debug, on success and on failure: the secrets never show."""
    from connector.intacct.client import IntacctClient
    from connector.intacct.sandbox import SandboxConfig, running_sandbox

    session_ids = []
    open_session = IntacctClient._open_session

    def recording_open_session(self, options):
        session = open_session(self, options)
        session_ids.append(session.id)
        return session

    monkeypatch.setattr(IntacctClient, "_open_session", recording_open_session)

    config = SandboxConfig(sender_password=SECRETS["senderPassword"],
                           user_password=SECRETS["userPassword"])
    with running_sandbox(db=":memory:", seed="demo", config=config) as secret_box:
        conn = dict(secret_box.connection)
        path = tmp_path / "conn.json"
        path.write_text(json.dumps(conn))
        sensitive = {"taxId": "55-1234567", "achBankAccountNo": "000123456789",
                     "achBankRoutingNo": "021000089"}
        inputs = json.dumps({"vendorName": "Secretive", **sensitive})
        commands = [
            ["render", "createVendor", "--input", "-", "--connection", str(path)],
            ["run", "createVendor", "--input", "-", "--connection", str(path)],
            ["run", "getVendor", "--set", "recordNo=1", "--connection", str(path)],
            ["run", "deleteObject", "--set", "object=VENDOR", "--set", "keys=987654321",
             "--connection", str(path)],
            ["run", "rawRequest", "--set", "data=<bogus/>", "--connection", str(path)],
            ["picklist", "selectVendor", "--connection", str(path)],
            ["bulk", "createVendor", "--input", "-", "--connection", str(path)],
        ]
        outputs = []
        with caplog.at_level(logging.DEBUG):
            for command in commands:
                result = runner.invoke(main, ["--debug", *command], input=inputs)
                outputs.append(result.output)
    everything = "\n".join(outputs) + caplog.text
    assert "<password>***</password>" in everything  # the render shows where they were
    assert session_ids and "request to http" in everything  # the debug dump was written
    for secret in [*SECRETS.values(), *sensitive.values(), *session_ids]:
        assert secret not in everything
