"""Every CLI example of the README runs as written from the repository's root."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from connector.cli import main

ROOT = Path(__file__).resolve().parents[2]
LONG_RUNNING = "runs until Ctrl-C"


def cli_examples() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("## Using the CLI"):text.index("## Using the Python API")]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    return [line for line in block.splitlines() if line.startswith("connector ")]


def test_the_readme_has_cli_examples():
    assert len(cli_examples()) >= 15


def examples(long_running: bool) -> list[str]:
    return [line for line in cli_examples() if (LONG_RUNNING in line) == long_running]


@pytest.mark.parametrize("line", examples(long_running=True))
def test_a_readme_server_example_starts_and_stops_on_sigterm(line, tmp_path):
    """Servers run until stopped: started as written, they must come up and stop cleanly."""
    command = line.partition("  #")[0]
    args = shlex.split(command)[1:]
    if "--port" in args:  # the example's port may be taken on a shared machine
        args[args.index("--port") + 1] = "0"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "connector.cli", *args], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    seen = []
    try:
        deadline = time.monotonic() + 60
        while not any(word in "".join(seen) for word in ("serving", "listening")):
            assert process.poll() is None and time.monotonic() < deadline, "".join(seen)
            seen.append(process.stdout.readline())
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) in (0, -signal.SIGTERM, 128 + signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.parametrize("line", examples(long_running=False))
def test_a_readme_example_runs(line, tmp_path, monkeypatch):
    command = line.partition("  #")[0]
    for name in [n for n in os.environ if n.startswith("INTACCT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    args = [arg.replace("/tmp", str(tmp_path)) for arg in shlex.split(command)[1:]]
    result = CliRunner().invoke(main, args, prog_name="connector")
    assert result.exit_code == 0, f"{command}\n{result.output}"
    assert result.output.strip()
