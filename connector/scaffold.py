"""`connector new`: the files of a new action or plugin, valid as generated.

A new action is a manifest entry, an input schema, a template, an example output (and, in a new
plugin, the test that runs the standard suite). What the template and the example say is the
protocol's (`scaffold_action`); where files go and how the manifest grows is the convention
every manifest follows (docs/authoring.md). Nothing is overwritten: an existing file is refused
before anything is written, and a manifest that would not load afterwards is put back as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from connector.errors import ConnectorError, ManifestError
from connector.manifest import MANIFEST_VERSION

KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
FIRST_ACTION = "listRecords"


class ScaffoldError(ConnectorError):
    """A name that cannot be used, or a file that is already there."""

    exit_code = 2


def new_action(manifest: Path, key: str, protocol: Any, check: Callable[[Path], Any],
               label: str | None = None) -> list[Path]:
    """Add action `key` to a manifest: its entry and files. `check` loads the manifest (it
    raises when the result is not valid, and the manifest is then restored)."""
    if not KEY.match(key):
        raise ScaffoldError(f"{key!r} is not an action key (a letter, then letters, digits "
                            "or '_'; e.g. listVendors)")
    maker = getattr(protocol, "scaffold_action", None)
    if maker is None:
        raise ScaffoldError(f"the {protocol.name} protocol offers no template for new actions")
    label = label or _label(key)
    made = maker(key, label)
    base = manifest.parent
    files = {base / "schemas" / f"{key}.json": _json(made["schema"]),
             base / "actions" / f"{key}{protocol.template_suffix}": made["template"],
             base / "examples" / "outputs" / f"{key}.json": _json(made["example_output"])}
    existing = [str(path) for path in files if path.exists()]
    if existing:
        raise ScaffoldError(f"not overwriting {', '.join(existing)}")
    original = manifest.read_text(encoding="utf-8")
    entry = {"key": key, "label": label, "description": made["schema"]["description"],
             "output": made["output"], **({"ui_callable": True} if made["ui_callable"] else {})}
    updated = _with_action(manifest, original, entry)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    manifest.write_text(updated, encoding="utf-8")
    try:
        check(manifest)
    except ConnectorError:
        manifest.write_text(original, encoding="utf-8")
        for path in files:
            path.unlink()
        raise
    return [manifest, *files]


def new_plugin(directory: Path, name: str, template: Any, check: Callable[[Path], Any]
               ) -> list[Path]:
    """A plugin package in `directory/name` declaring connector `name` on `template`'s
    protocol and connection (a loaded Connector), with one action and the standard suite."""
    if not PLUGIN_NAME.match(name):
        raise ScaffoldError(f"{name!r} is not a plugin name (lowercase letters, digits and "
                            "'-', starting with a letter; e.g. acme-tools)")
    root = directory / name
    if root.exists():
        raise ScaffoldError(f"not overwriting {root}: it exists")
    package = name.replace("-", "_")
    source = root / package
    declared = template.manifest
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "connector": {"key": name, "label": _label(package), "description":
                      f"The {name} connector.", "version": "0.1.0",
                      "protocol": template.protocol.name},
        "connection": {"schema": "schemas/connection.json",
                       **{k: v for k, v in declared.connection.items() if k != "schema"}},
        "actions": [],
    }
    files = {
        root / "pyproject.toml": _PYPROJECT.format(name=name, package=package),
        source / "__init__.py": _PLUGIN.format(name=name),
        source / "manifest.yaml": f"# The {name} connector (docs/authoring.md: every key).\n"
                                  + yaml.safe_dump(manifest, sort_keys=False),
        source / "schemas" / "connection.json": _json(declared.connection_schema),
        root / "tests" / "test_standard.py": _TEST.format(package=package,
                                                          cls=_label(package).replace(" ", "")),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    made = new_action(source / "manifest.yaml", FIRST_ACTION, template.protocol, check)
    return sorted({*files, *made})


def _with_action(manifest: Path, text: str, entry: dict[str, Any]) -> str:
    """The manifest's text with the entry added at the end of `actions:`, comments and
    layout kept."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ManifestError(str(manifest), "", f"not valid YAML: {exc}") from None
    actions = next((value for key, value in getattr(root, "value", [])
                    if key.value == "actions"), None) if isinstance(root, yaml.MappingNode) \
        else None
    if not isinstance(actions, yaml.SequenceNode):
        raise ManifestError(str(manifest), "actions", "must be a list to add an action to")
    block = yaml.safe_dump([entry], sort_keys=False, default_flow_style=None)
    lines = text.splitlines(keepends=True)
    if actions.flow_style or not actions.value:  # `actions: []`: write the list as a block
        start, end = actions.start_mark, actions.end_mark
        line = lines[start.line]
        lines[start.line] = line[:start.column] + "\n" + _indent(block, 2) + line[end.column:]
        return "".join(lines)
    indent = actions.value[0].start_mark.column - 2
    at = actions.end_mark.line if actions.end_mark.column == 0 else actions.end_mark.line + 1
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    lines.insert(at, _indent(block, indent))
    return "".join(lines)


def _indent(block: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line.strip() else line
                   for line in block.splitlines(keepends=True))


def _label(key: str) -> str:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[_-]+", " ", key).split()
    return " ".join(word[:1].upper() + word[1:] for word in words)


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


_PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.24"]
build-backend = "hatchling.build"

[project]
name = "{name}"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["lowcode-connector"]

[project.optional-dependencies]
test = ["pytest>=8"]

# lowcode-connector finds the plugin through this entry point.
[project.entry-points."connector.plugins"]
{name} = "{package}"

[tool.hatch.build.targets.wheel]
packages = ["{package}"]
"""

_PLUGIN = '''\
"""The {name} connector: registers its manifest with lowcode-connector."""

from pathlib import Path

from connector.hookspecs import hookimpl


@hookimpl
def register_connectors(register):
    register(Path(__file__).with_name("manifest.yaml"))
'''

_TEST = '''\
"""The standard suite of lowcode-connector, run against this package's manifest and the
protocol's sandbox (docs/authoring.md)."""

from pathlib import Path

from connector.pytest_plugin import StandardSuite


class Test{cls}(StandardSuite):
    manifest = Path(__file__).resolve().parent.parent / "{package}" / "manifest.yaml"
'''
