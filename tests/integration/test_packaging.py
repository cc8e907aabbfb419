"""The wheel installs into a fresh virtual environment and works from any directory."""

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the project's wheel and the example plugin installed (not editable)."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
                    str(work / "dist"), str(ROOT), str(ROOT / "tests/plugins/vendor_lookup")],
                   check=True)
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    pip = env_dir / "bin" / "pip"
    wheels = sorted(str(p) for p in (work / "dist").glob("*.whl"))
    subprocess.run([str(pip), "install", "--quiet", *wheels], check=True)
    return env_dir / "bin" / "connector"


def cli(executable, *args, cwd="/tmp"):
    return subprocess.run([str(executable), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp",
                                            "XDG_CACHE_HOME": str(Path(executable).parent)})


def test_the_installed_cli_finds_its_bundled_files(installed):
    listed = cli(installed, "actions", "--json")
    assert listed.returncode == 0, listed.stderr
    keys = {row["key"] for row in json.loads(listed.stdout)}
    assert {"createVendor", "rawRequest", "selectVendor", "listVendorNames"} <= keys
    assert "site-packages" in cli(installed, "validate").stdout


def test_the_installed_cli_runs_against_the_embedded_sandbox(installed):
    example = json.loads((ROOT / "examples" / "createVendor.json").read_text())
    created = cli(installed, "run", "createVendor", "--sandbox",
                  "--set", f"vendorName={example['vendorName']}")
    assert created.returncode == 0, created.stderr
    recordno = json.loads(created.stdout)["data"]["_data"][0]["RECORDNO"]
    read = cli(installed, "run", "getVendor", "--sandbox", "--set", f"recordNo={recordno}")
    assert json.loads(read.stdout)["data"]["_data"][0]["NAME"] == example["vendorName"]


def test_an_entry_point_plugin_is_loaded_and_runs(installed):
    plugins = cli(installed, "plugins")
    assert "vendor-lookup" in plugins.stdout and "listVendorNames" in plugins.stdout
    names = cli(installed, "run", "listVendorNames", "--sandbox", "--set", "status=active")
    assert names.returncode == 0, names.stderr
    rows = json.loads(names.stdout)["data"]
    assert rows and all(set(row) == {"RECORDNO", "NAME"} for row in rows)
