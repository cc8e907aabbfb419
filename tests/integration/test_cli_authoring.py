"""The authoring kit: `connector schema`, `connector new action|plugin` (valid as generated,
passing the standard suite shipped as connector.pytest_plugin), manifest_version, and the
start-up cache of checked manifests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from connector import manifestcache
from connector.cli import main
from connector.core import load_connector
from connector.plugins import collect, plugin_manager

ROOT = Path(__file__).resolve().parents[2]


def run(*args, **kwargs):
    return CliRunner().invoke(main, list(args), **kwargs)


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "lowcode-connector" / "manifests"


def test_schema_prints_the_manifest_schema():
    schema = json.loads(run("schema").output)
    assert schema["title"] == "Connector manifest"
    assert schema["properties"]["manifest_version"]["minimum"] == 1


def test_a_new_plugin_validates_and_passes_the_standard_suite(tmp_path, cache):
    made = run("new", "plugin", "acme-tools", "--dir", str(tmp_path))
    assert made.exit_code == 0, made.output
    manifest = tmp_path / "acme-tools" / "acme_tools" / "manifest.yaml"
    added = run("--manifest", str(manifest), "new", "action", "listCustomers")
    assert added.exit_code == 0, added.output
    assert (manifest.parent / "actions" / "listCustomers.xml.j2").is_file()
    checked = run("validate", str(manifest))
    assert checked.exit_code == 0 and "(2 actions, 0 data sources, 0 triggers)" in checked.output
    described = run("--manifest", str(manifest), "describe", "listCustomers")
    assert "object  string  Object  e.g. VENDOR" in described.output
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path / "acme-tools", capture_output=True, text=True, timeout=300,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert suite.returncode == 0, suite.stdout[-3000:]
    # manifest, 2 schemas, 2 renders, 2 missing inputs, 2 examples, 2 sandbox runs
    assert "11 passed" in suite.stdout


def test_new_action_refuses_bad_keys_and_existing_files_and_keeps_the_manifest(tmp_path):
    assert run("new", "plugin", "keeper", "--dir", str(tmp_path)).exit_code == 0
    manifest = tmp_path / "keeper" / "keeper" / "manifest.yaml"
    before = manifest.read_text()
    bad = run("--manifest", str(manifest), "new", "action", "2fast")
    assert bad.exit_code == 2 and "is not an action key" in bad.output
    again = run("--manifest", str(manifest), "new", "action", "listRecords")
    assert again.exit_code == 2 and "not overwriting" in again.output
    assert manifest.read_text() == before
    assert run("new", "plugin", "keeper", "--dir", str(tmp_path)).exit_code == 2


def test_new_action_without_a_manifest_here_says_how_to_name_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("new", "action", "listThings")
    assert result.exit_code == 2 and "connector --manifest FILE new action KEY" in result.output


def test_a_newer_manifest_version_is_refused_clearly(tmp_path):
    assert run("new", "plugin", "future", "--dir", str(tmp_path)).exit_code == 0
    manifest = tmp_path / "future" / "future" / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace("manifest_version: 1",
                                                     "manifest_version: 7"))
    result = run("validate", str(manifest))
    assert result.exit_code == 2
    assert "manifest.yaml:2 at manifest_version: this manifest is written for manifest_version " \
           "7; this lowcode-connector reads versions up to 1: upgrade it" in result.output


def test_the_cache_sees_an_edited_schema_and_ignores_a_broken_entry(tmp_path, cache):
    shutil.copytree(ROOT, tmp_path / "copy", ignore=shutil.ignore_patterns(
        "tests", "benchmarks", ".venv", ".git", "node_modules", "__pycache__", "docs"))
    manifest = tmp_path / "copy" / "manifest.yaml"
    registry = collect(plugin_manager())
    first = load_connector(manifest, registry=registry)
    assert len(list(cache.glob("*.json"))) == 1
    assert load_connector(manifest, registry=registry).action("getVendor").schema == \
        first.action("getVendor").schema
    schema = manifest.parent / "schemas" / "fragments" / "read.json"
    schema.write_text(schema.read_text().replace('"Record No"', '"Vendor Record"'))
    edited = load_connector(manifest, registry=registry)
    assert edited.action("getVendor").schema["properties"]["recordNo"]["title"] == \
        "Vendor Record"
    for entry in cache.glob("*.json"):
        entry.write_text("{not json")
    assert load_connector(manifest, registry=registry).action("getVendor").schema[
        "properties"]["recordNo"]["title"] == "Vendor Record"
    assert manifestcache.enabled({"CONNECTOR_MANIFEST_CACHE": "0"}) is False


def test_docs_authoring_is_generated_from_the_code(connector):
    """docs/authoring.md is what `python -m connector.authoring` prints: regenerate it after
    changing the manifest schema, a helper, a filter, an output mode or a hook."""
    from connector.authoring import render

    text = render(connector)
    assert (ROOT / "docs" / "authoring.md").read_text() == text
    for needle in ("`manifest_version`", "`actions[].ui_callable`", "`x-datasource:",
                   "| `el` | function |", "| `ymd` | filter |", "| `records` |",
                   "| `register_middleware` |", "connector new plugin acme-tools"):
        assert needle in text


def test_the_cache_sees_a_file_added_where_a_convention_looks(tmp_path, cache):
    shutil.copytree(ROOT, tmp_path / "copy", ignore=shutil.ignore_patterns(
        "tests", "benchmarks", ".venv", ".git", "node_modules", "__pycache__", "docs"))
    manifest = tmp_path / "copy" / "manifest.yaml"
    output_schema = manifest.parent / "schemas" / "outputs" / "getVendor.json"
    kept = output_schema.read_text()
    output_schema.unlink()
    registry = collect(plugin_manager())
    assert load_connector(manifest, registry=registry).action("getVendor").output_schema is None
    output_schema.write_text(kept)
    added = load_connector(manifest, registry=registry).action("getVendor").output_schema
    assert added is not None and added["type"] == json.loads(kept)["type"]
