"""Every CLI example of the README runs as written from the repository's root."""

from __future__ import annotations

import re
import shlex
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


@pytest.mark.parametrize("line", cli_examples())
def test_a_readme_example_runs(line, tmp_path, monkeypatch):
    command, _, comment = line.partition("  #")
    if LONG_RUNNING in comment:
        pytest.skip("a server: tests/service and tests/sandbox start it")
    for name in [n for n in __import__("os").environ if n.startswith("INTACCT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    args = [arg.replace("/tmp", str(tmp_path)) for arg in shlex.split(command)[1:]]
    result = CliRunner().invoke(main, args, prog_name="connector")
    assert result.exit_code == 0, f"{command}\n{result.output}"
    assert result.output.strip()
