"""Connections read as the official SDKs read them, field by field: the connection file, then
INTACCT_* variables, then a profile (--profile, INTACCT_PROFILE, or [default]); `connection
show` says where each field came from, `connection test` signs in and says what works."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from connector.cli import main

VARIABLES = ("INTACCT_SENDER_ID", "INTACCT_SENDER_PASSWORD", "INTACCT_COMPANY_ID",
             "INTACCT_ENTITY_ID", "INTACCT_USER_ID", "INTACCT_USER_PASSWORD",
             "INTACCT_ENDPOINT_URL", "INTACCT_PROFILE")


@pytest.fixture()
def home(tmp_path, monkeypatch, sandbox):
    """A HOME whose ~/.intacct/credentials.ini has the sandbox's credentials as [default] and
    a [prod] profile with another user; no INTACCT_* variable set."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    conn = sandbox.connection
    home = tmp_path / "home"
    (home / ".intacct").mkdir(parents=True)
    (home / ".intacct" / "credentials.ini").write_text(
        "[default]\n"
        f"sender_id = {conn['senderId']}\nsender_password = {conn['senderPassword']}\n"
        f"company_id = {conn['companyId']}\nuser_id = {conn['userId']}\n"
        f"user_password = {conn['userPassword']}\n"
        "[prod]\nsender_id = PROD_SENDER\nsender_password = prod-secret-1\n"
        "company_id = PROD\nuser_id = prod_user\nuser_password = prod-secret-2\n")
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture()
def endpoint_file(tmp_path, sandbox):
    """A connection file holding only where the sandbox is: the credentials come from the
    profile."""
    path = tmp_path / "endpoint.json"
    path.write_text(json.dumps({key: sandbox.connection[key]
                                for key in ("endpointUrl", "allowedEndpointHosts")}))
    return str(path)


def run(*args, **kwargs):
    return CliRunner().invoke(main, list(args), **kwargs)


def show(*args, **kwargs) -> dict:
    result = run("connection", "show", "--json", *args, **kwargs)
    assert result.exit_code == 0, result.output
    return {row["field"]: row for row in json.loads(result.output)["fields"]}


def test_the_default_profile_is_read_and_a_run_signs_in_with_it(home, endpoint_file, sandbox):
    fields = show("--connection", endpoint_file)
    assert fields["userId"] == {"field": "userId", "value": sandbox.connection["userId"],
                                "source": "profile [default] of ~/.intacct/credentials.ini"}
    assert fields["endpointUrl"]["source"] == f"file {endpoint_file}"
    result = run("run", "createVendor", "--connection", endpoint_file,
                 "--set", "vendorName=From The Default Profile")
    assert result.exit_code == 0, result.output
    recordno = json.loads(result.output)["data"]["_data"][0]["RECORDNO"]
    assert sandbox.store.get("VENDOR", recordno)["NAME"] == "From The Default Profile"


def test_intacct_profile_picks_the_profile_and_variables_fill_and_override(home, monkeypatch):
    monkeypatch.setenv("INTACCT_PROFILE", "prod")
    monkeypatch.setenv("INTACCT_USER_ID", "env_user")
    monkeypatch.setenv("INTACCT_ENTITY_ID", "E200")
    fields = show()
    assert fields["companyId"]["value"] == "PROD"
    assert fields["companyId"]["source"] == "profile [prod] of ~/.intacct/credentials.ini"
    assert (fields["userId"]["value"], fields["userId"]["source"]) == \
        ("env_user", "environment INTACCT_USER_ID")
    assert fields["entityId"]["source"] == "environment INTACCT_ENTITY_ID"
    assert show("--profile", "default")["companyId"]["value"] != "PROD"  # --profile wins


def test_show_masks_secrets_and_says_the_order(home):
    result = run("connection", "show", "--profile", "prod")
    assert result.exit_code == 0
    assert "prod-secret" not in result.output
    assert "senderPassword  ***  (profile [prod]" in result.output
    assert "order: the connection file (--connection); then environment variables" \
        in result.output


def test_a_named_profile_that_is_missing_is_an_error(home, monkeypatch):
    result = run("connection", "show", "--profile", "nope")
    assert result.exit_code == 2 and "profile 'nope' (--profile) is not in" in result.output
    assert "it has: default, prod" in result.output
    monkeypatch.setenv("INTACCT_PROFILE", "gone")
    result = run("connection", "show")
    assert result.exit_code == 2 and "profile 'gone' (INTACCT_PROFILE)" in result.output


def test_without_any_source_the_message_says_what_to_give(tmp_path, monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    result = run("run", "getVendor", "--set", "recordNo=1")
    assert result.exit_code == 2
    assert "no connection given: pass --connection FILE, --profile NAME" in result.output


def test_connection_test_signs_in_and_reports(tmp_path, sandbox):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(sandbox.connection))
    result = run("connection", "test", "--connection", str(good), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    checks = {check["name"]: check for check in report["checks"]}
    assert report["ok"] and checks["sign in"]["detail"] == (
        f"signed in as user {sandbox.config.user_id} of company {sandbox.config.company_id}")
    assert checks["read VENDOR (selectVendor)"]["ok"]
    wrong = tmp_path / "wrong.json"
    # Another user: the session cache is keyed by who signs in, not by the password.
    wrong.write_text(json.dumps({**sandbox.connection, "userId": "nobody",
                                 "userPassword": "not-the-password-77"}))
    failed = run("connection", "test", "--connection", str(wrong))
    assert failed.exit_code == 1
    assert failed.output.startswith("FAIL  sign in:")
    assert "not-the-password-77" not in failed.output
