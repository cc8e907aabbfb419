"""`connector poll` and `connector ack` against the sandbox over HTTP."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import timedelta

import click
import pytest
from click.testing import CliRunner
from trigger_support import T0, TRIGGER

from connector.cli import main
from connector.cli.triggers import parse_interval


@pytest.fixture
def connection_file(gateway, tmp_path):
    path = tmp_path / "connection.json"
    path.write_text(json.dumps(gateway.connection))
    return path


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def poll_args(connection_file, state, *extra: str) -> list[str]:
    return ["poll", TRIGGER, "--set", "resourceType=VENDOR", "--connection",
            str(connection_file), "--state", str(state), *extra]


def test_poll_prints_the_baseline_then_changes_and_ack_acknowledges_them(
        gateway, writer, connection_file, state):
    first = cli(*poll_args(connection_file, state))
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["baseline"] is True

    key = writer.at(T0).create("From the CLI")
    shown = json.loads(cli(*poll_args(connection_file, state)).output)
    assert [e["record"]["RECORDNO"] for e in shown["events"]] == [key]
    assert shown["outputs"][0]["data"]["created"][0]["NAME"] == "From the CLI"
    again = json.loads(cli(*poll_args(connection_file, state)).output)
    assert [e["id"] for e in again["events"]] == [e["id"] for e in shown["events"]]

    acked = cli("ack", shown["ackToken"], "--state", str(state))
    assert json.loads(acked.output) == {"acknowledged": 1}
    assert json.loads(cli(*poll_args(connection_file, state)).output)["events"] == []


def test_jsonl_with_ack_prints_each_event_once(gateway, writer, connection_file, state):
    cli(*poll_args(connection_file, state))
    keys = [writer.at(T0 + timedelta(seconds=n)).create(f"L{n}") for n in range(3)]
    printed = cli(*poll_args(connection_file, state, "--jsonl", "--ack")).output
    assert [json.loads(line)["record"]["RECORDNO"] for line in printed.splitlines()] == keys
    assert cli(*poll_args(connection_file, state, "--jsonl", "--ack")).output == ""


def test_bad_inputs_exit_2_naming_the_input_and_touch_nothing(gateway, connection_file,
                                                             state):
    gateway.stats.reset()
    result = cli(*poll_args(connection_file, state, "--set", "lookbackDate=2999-12-31"))
    assert result.exit_code == 2
    assert "Look-back Date (lookbackDate): 2999-12-31 is in the future" in result.output
    assert gateway.stats.snapshot()["requests"] == 0 and not state.exists()
    forged = cli("ack", "not-a-token", "--state", str(state))
    assert forged.exit_code == 2 and "not a token a poll returned" in forged.output


def test_every_keeps_polling_until_sigterm(gateway, writer, connection_file, state):
    command = [sys.executable, "-m", "connector.cli",
               *poll_args(connection_file, state, "--every", "1s", "--jsonl", "--ack")]
    poller = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        time.sleep(2.5)  # the baseline, then a poll or two with nothing new
        key = writer.at(T0).create("While polling")
        line = poller.stdout.readline()  # blocks until the next recurrence prints it
        assert json.loads(line)["record"]["RECORDNO"] == key
        poller.send_signal(signal.SIGTERM)
        assert poller.wait(timeout=10) == 0
    finally:
        if poller.poll() is None:
            poller.kill()
            poller.wait(timeout=10)
        poller.stdout.close()
        poller.stderr.close()


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("30s", 30), ("5m", 300),
                                               ("1.5h", 5400)])
def test_intervals(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "5 minutes", "0s", "-1m"])
def test_bad_intervals_are_refused(text):
    with pytest.raises(click.BadParameter, match=r"duration such as|at least 1s"):
        parse_interval(text)
