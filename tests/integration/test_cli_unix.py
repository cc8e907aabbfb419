"""The `connector` command as Unix users expect it: summaries for people and --json for
programs, -h everywhere, --debug anywhere, quiet closed pipes, exit codes that say what failed,
"did you mean", and the sandbox file in the platform's cache directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from connector.catalog import describe_action
from connector.cli import main
from connector.cli.app import COMMANDS


@pytest.fixture()
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return CliRunner()


@pytest.fixture()
def connection_file(tmp_path, sandbox):
    path = tmp_path / "connection.json"
    path.write_text(json.dumps(sandbox.connection))
    return str(path)


def run(runner, *args, **kwargs):
    return runner.invoke(main, list(args), prog_name="connector", **kwargs)


def test_describe_shows_the_required_input_first_with_type_example_and_source(runner):
    result = run(runner, "describe", "getVendor")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    required = lines.index("Required inputs:")
    assert lines[required + 1].split() == ["recordNo", "string", "Record", "No", "e.g.",
                                           "12345", "from", "selectVendor"]
    assert lines.index("Optional inputs:") > required
    assert "connector run getVendor --set recordNo=12345 --sandbox" in result.output
    assert len(run(runner, "describe", "createVendor").output.splitlines()) < 120


def test_describe_json_is_the_whole_document(runner, connector):
    document = json.loads(run(runner, "describe", "getVendor", "--json").output)
    assert document == json.loads(json.dumps(describe_action(connector.action("getVendor"))))


@pytest.mark.parametrize("args", [
    ["actions"], ["describe", "getVendor"], ["describe", "selectVendor"], ["catalog"],
    ["validate"], ["plugins"], ["schema"], ["render", "getVendor", "--set", "recordNo=1"],
    ["run", "getVendor", "--set", "recordNo=4001", "--sandbox"],
    ["picklist", "selectVendor", "--sandbox"], ["connection", "show"],
    ["connection", "test", "--sandbox"], ["new", "plugin", "json-probe", "--dir", "."],
    ["sandbox", "path"], ["sandbox", "reset"],
], ids=lambda args: " ".join(args[:2]))
def test_json_works_the_same_on_every_command(runner, args, monkeypatch, tmp_path):
    monkeypatch.setenv("INTACCT_USER_ID", "shown-user")
    monkeypatch.chdir(tmp_path)
    result = run(runner, *args, "--json")
    assert result.exit_code == 0, result.output
    json.loads(result.output)


def test_every_command_answers_dash_h(runner):
    assert "Usage: connector [OPTIONS] COMMAND" in run(runner, "-h").output
    for name in [*COMMANDS, "sandbox"]:
        result = run(runner, name, "-h")
        assert result.exit_code == 0 and f"Usage: connector {name}" in result.output, name
    assert "Usage: connector sandbox reset" in run(runner, "sandbox", "reset", "-h").output


def test_debug_is_accepted_after_the_subcommand_and_from_the_environment(runner):
    plain = run(runner, "describe", "getVendr")
    assert plain.exit_code == 2 and "Traceback" not in plain.output
    assert "did you mean 'getVendor'" in plain.output
    for result in (run(runner, "describe", "getVendr", "--debug"),
                   run(runner, "describe", "getVendr", env={"CONNECTOR_DEBUG": "1"})):
        assert result.exit_code == 2
        assert "Traceback" in result.output and "UnknownKey" in result.output


def test_did_you_mean_for_commands_and_input_names(runner):
    result = run(runner, "acions")
    assert result.exit_code == 2 and "Did you mean 'actions'?" in result.output
    result = run(runner, "render", "getVendor", "--set", "recordN=1")
    assert result.exit_code == 2 and "did you mean 'recordNo'" in result.output


def test_an_internal_error_has_its_own_exit_code(runner, tmp_path, monkeypatch):
    (tmp_path / "buggy_commands.py").write_text(textwrap.dedent("""
        import click
        from connector.hookspecs import hookimpl

        @click.command()
        def boom():
            raise ZeroDivisionError("a bug in a command")

        @hookimpl
        def register_commands(register):
            register(boom)
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    result = run(runner, "--plugin", "buggy_commands", "boom")
    assert result.exit_code == 70
    assert "internal error: ZeroDivisionError: a bug in a command" in result.output
    gateway = run(runner, "run", "deleteObject", "--sandbox", "--set", "object=VENDOR",
                  "--set", "keys=99999999")
    assert gateway.exit_code == 1


def test_a_closed_pipe_ends_quietly(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "connector.cli", "catalog"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env) as process:
        process.stdout.close()  # what `| head` does once it has read all it wants
        stderr = process.stderr.read()
        assert process.wait(timeout=60) == 141
    assert stderr == b""


def test_the_sandbox_file_lives_in_the_cache_directory_and_resets(runner, tmp_path):
    path = run(runner, "sandbox", "path").output.strip()
    assert path == str(tmp_path / "cache" / "lowcode-connector" / "sandbox.sqlite3")
    created = run(runner, "run", "createVendor", "--sandbox", "--set", "vendorName=Reset Me")
    assert created.exit_code == 0, created.output
    before = json.loads(run(runner, "picklist", "selectVendor", "--sandbox").output)
    assert "Reset Me" in [item["label"] for item in before]
    reset = run(runner, "sandbox", "reset")
    assert reset.exit_code == 0 and f"removed {path}" in reset.output
    after = json.loads(run(runner, "picklist", "selectVendor", "--sandbox").output)
    assert "Reset Me" not in [item["label"] for item in after] and after
    assert "removed" in run(runner, "sandbox", "reset").output  # the picklist made a new one
    assert "nothing to remove" in run(runner, "sandbox", "reset").output
    assert not os.path.exists(path)


def test_picklist_search_and_pages(runner, connection_file):
    """Pages continue the gateway's own result set (Intacct: readMore), so the cursors are
    used against one running gateway, here the module's sandbox."""
    def picklist(*args):
        result = run(runner, "picklist", "selectVendor", "--connection", connection_file, *args)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    first = picklist("--limit", "2")
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = picklist("--limit", "2", "--cursor", first["next_cursor"])
    assert len(second["items"]) == 2
    assert not {i["key"] for i in first["items"]} & {i["key"] for i in second["items"]}
    refused = run(runner, "picklist", "selectVendor", "--connection", connection_file,
                  "--limit", "2", "--search", "a", "--cursor", first["next_cursor"])
    assert refused.exit_code == 2 and "belongs to another list" in refused.output
    everything = picklist()
    wanted = everything[0]["label"][1:4]
    found = picklist("--search", wanted.lower())
    assert found and all(wanted.casefold() in item["label"].casefold() for item in found)
    assert len(found) < len(everything)
