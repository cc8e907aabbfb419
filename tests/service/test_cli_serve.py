"""`connector serve`: refusing unsafe secrets files, and real runs as a subprocess."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import yaml
from click.testing import CliRunner

from connector.cli import main

FILE_TOKEN = "file-token-abcdefghijklmnop"


def private(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("INTACCT_") and k != "CONNECTOR_SERVICE_TOKEN"}
    return {**env, **extra}


def serve(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["serve", "--port", "0", *args], env=env or clean_env())
    return result.exit_code, result.output


@pytest.fixture()
def connections_file(tmp_path, sandbox) -> Path:
    return private(tmp_path / "connections.yaml", yaml.safe_dump({"prod": sandbox.connection}))


@pytest.fixture()
def token_file(tmp_path) -> Path:
    return private(tmp_path / "token", FILE_TOKEN + "\n")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o602], ids=["644", "640", "602"])
def test_a_connections_file_others_can_access_is_refused(connections_file, token_file, sandbox,
                                                          mode):
    connections_file.chmod(mode)
    code, output = serve("--connections", str(connections_file), "--token-file", str(token_file))
    assert code == 2
    assert "group or others" in output and "chmod 600" in output
    assert sandbox.config.user_password not in output


def test_a_token_file_others_can_read_is_refused(connections_file, token_file):
    token_file.chmod(0o644)
    code, output = serve("--connections", str(connections_file), "--token-file", str(token_file))
    assert code == 2 and "token file" in output and "chmod 600" in output
    assert FILE_TOKEN not in output


def test_a_token_is_required_without_the_sandbox(connections_file):
    code, output = serve("--connections", str(connections_file))
    assert code == 2 and "token is required" in output


def test_a_short_token_is_refused(connections_file):
    code, output = serve("--connections", str(connections_file),
                         env=clean_env(CONNECTOR_SERVICE_TOKEN="short"))
    assert code == 2 and "at least 16" in output


def test_an_invalid_connection_names_the_field_not_the_values(tmp_path, token_file, sandbox):
    incomplete = dict(sandbox.connection)
    del incomplete["userPassword"]
    path = private(tmp_path / "c.json", json.dumps({"prod": incomplete}))
    code, output = serve("--connections", str(path), "--token-file", str(token_file))
    assert code == 2 and "'prod'" in output and "userPassword is required" in output
    assert sandbox.config.sender_password not in output


def test_a_malformed_file_gives_the_position_not_the_text(tmp_path, token_file):
    path = private(tmp_path / "c.yaml", 'prod:\n  senderPassword: "hunter2-secret\n  x: [\n')
    code, output = serve("--connections", str(path), "--token-file", str(token_file))
    assert code == 2 and "not valid YAML" in output and "line" in output
    assert "hunter2" not in output


class Served:
    """A `connector serve` subprocess; `lines` holds what it printed to stderr so far."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "connector.cli", "serve", "--port", "0", *args],
            env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self._queue.put(line)
        self._queue.put("")

    def wait_for(self, prefix: str, seconds: float = 20) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if not line:
                break
            self.lines.append(line)
            if line.startswith(prefix):
                return line.strip()
        raise AssertionError(f"no {prefix!r} line; stderr: {''.join(self.lines)}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=20)
        self._reader.join(timeout=5)
        while not self._queue.empty():
            self.lines.append(self._queue.get())
        return code

    def url(self) -> str:
        return self.wait_for("serving ").split()[1]


def test_serve_with_a_connections_file_a_token_file_and_the_environment(
        connections_file, token_file, sandbox):
    env = clean_env(**{"INTACCT_SENDER_ID": "env_sender", "INTACCT_SENDER_PASSWORD": "env-pass-1",
                       "INTACCT_COMPANY_ID": "ENVCO", "INTACCT_USER_ID": "env_user",
                       "INTACCT_USER_PASSWORD": "env-pass-2"})
    served = Served(["--connections", str(connections_file), "--token-file", str(token_file)],
                    env)
    try:
        url = served.url()
        auth = {"Authorization": f"Bearer {FILE_TOKEN}"}
        names = requests.get(f"{url}/connections", headers=auth, timeout=10).json()
        assert names == {"connections": [{"name": "prod"}, {"name": "default"}]}
        vendor = requests.post(f"{url}/actions/getVendor/invoke", headers=auth, timeout=30,
                               json={"connection": "prod", "inputs": {"recordNo": "4004"}})
        assert vendor.status_code == 200
        assert vendor.json()["data"]["_data"][0]["RECORDNO"] == "4004"
        assert requests.get(f"{url}/catalog", timeout=10).status_code == 401
    finally:
        code = served.stop()
    assert code == 0
    printed = "".join(served.lines)
    for secret in (FILE_TOKEN, sandbox.config.sender_password, sandbox.config.user_password,
                   "env-pass-1", "env-pass-2"):
        assert secret not in printed
    access = [line for line in served.lines if line.startswith("event='request'")]
    assert [line.split(" duration_ms")[0] for line in access] == [
        "event='request' method='GET' route='/connections' status=200",
        "event='request' method='POST' route='/actions/{key}/invoke' status=200",
        "event='request' method='GET' route='/catalog' status=401"]
    assert "key='getVendor'" in access[1] and "connection='prod'" in access[1]


def test_serve_sandbox_generates_a_token_and_prints_the_playground_url_once(tmp_path):
    served = Served(["--sandbox", "--log-format", "json"], clean_env(XDG_CACHE_HOME=str(tmp_path)))
    try:
        url = served.url()
        playground = served.wait_for("playground: ").split()[1]
        assert playground.startswith(f"{url}/#token=")
        token = playground.split("#token=")[1]
        assert len(token) >= 32
        page = requests.get(playground, timeout=10)  # the fragment never reaches the server
        assert page.status_code == 200
        vendor = requests.post(f"{url}/actions/getVendor/invoke", timeout=30,
                               headers={"Authorization": f"Bearer {token}",
                                        "X-Request-ID": "served-sandbox-1"},
                               json={"inputs": {"recordNo": "4001"}})
        assert vendor.status_code == 200
        assert vendor.json()["data"]["_data"][0]["VENDORID"] == "V-00101"
    finally:
        code = served.stop()
    assert code == 0
    assert "".join(served.lines).count(token) == 1
    [entry] = [json.loads(line) for line in served.lines if "served-sandbox-1" in line]
    assert (entry["route"], entry["status"], entry["connection"]) == \
        ("/actions/{key}/invoke", 200, "sandbox")
    assert (tmp_path / "lowcode-connector" / "sandbox.sqlite3").is_file()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/health", timeout=2)
