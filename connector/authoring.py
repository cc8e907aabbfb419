"""docs/authoring.md, generated: the manifest reference from the manifest schema, the output
modes, template helpers and filters from the code that provides them, the hooks from hookspecs.

    python -m connector.authoring > docs/authoring.md

A test compares the file with what this prints, so the reference cannot drift from the code.
Only the worked example and the explanations around the tables are written by hand (below).
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2

from connector import hookspecs, shaping
from connector.core import Connector, load_connector
from connector.manifest import MANIFEST_VERSION, manifest_schema
from connector.xmlkit.templates import make_environment

SECTIONS = [  # (heading, path into the manifest schema, how entries are shown)
    ("Top level", "#", ""),
    ("`connector`", "#/properties/connector", "connector."),
    ("`connection`", "#/properties/connection", "connection."),
    ("`connection.profiles`", "#/properties/connection/properties/profiles",
     "connection.profiles."),
    ("`defaults`", "#/properties/defaults", "defaults."),
    ("`defaults.retry`", "#/$defs/retry", "defaults.retry."),
    ("`actions[]`", "#/$defs/action", "actions[]."),
    ("`actions[].output`", "#/$defs/output", "output."),
    ("`actions[].xml_inputs[]`", "#/$defs/xmlInput", "xml_inputs[]."),
    ("`datasources[]`", "#/$defs/datasource", "datasources[]."),
    ("Data source declaration (`datasources/{key}.yaml`)", "#/$defs/datasourceDeclaration",
     ""),
    ("inputRef: an option read from an input", "#/$defs/inputRef", ""),
]


def render(connector: Connector) -> str:
    """The whole page, for the connector's protocol and the filters its plugins registered."""
    schema = manifest_schema()
    parts = [INTRO.format(version=MANIFEST_VERSION), "## The manifest, key by key\n",
             MANIFEST_NOTE]
    for heading, pointer, prefix in SECTIONS:
        parts.append(f"### {heading}\n\n" + _table(schema, _resolve(schema, pointer), prefix))
    parts += [INPUTS, _modes(connector), _helpers(connector), _hooks(), WORKED_EXAMPLE]
    return "\n".join(part.rstrip() + "\n" for part in parts)


def _table(root: Mapping[str, Any], node: Mapping[str, Any], prefix: str) -> str:
    required = set(node.get("required", []))
    rows = ["| key | type | required | meaning |", "| --- | --- | --- | --- |"]
    for name, prop in node.get("properties", {}).items():
        rows.append(f"| `{prefix}{name}` | {_type(root, prop)} | "
                    f"{'yes' if name in required else ''} | "
                    f"{_one_line(_described(root, prop))} |")
    return "\n".join(rows) + "\n"


def _described(root: Mapping[str, Any], prop: Mapping[str, Any]) -> str:
    if prop.get("description"):
        return prop["description"]
    if "$ref" in prop:
        return _resolve(root, prop["$ref"]).get("description", "")
    return ""


def _type(root: Mapping[str, Any], prop: Mapping[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        target = _resolve(root, prop["$ref"])
        return _type(root, target) if name in ("key", "file") else f"{name} (below)"
    if "enum" in prop:
        return " \\| ".join(f"`{value}`" for value in prop["enum"])
    if "oneOf" in prop or "anyOf" in prop:
        return " or ".join(_type(root, p) for p in prop.get("oneOf", prop.get("anyOf", [])))
    kind = prop.get("type", "any")
    if kind == "array" and "items" in prop:
        return f"list of {_type(root, prop['items'])}"
    if kind == "string" and prop.get("pattern"):
        return "string (a key)" if prop["pattern"].startswith("^[A-Za-z") else "string"
    return " or ".join(kind) if isinstance(kind, list) else kind


def _resolve(root: Mapping[str, Any], pointer: str) -> Mapping[str, Any]:
    node: Any = root
    for part in [p for p in pointer.lstrip("#").split("/") if p]:
        node = node[part]
    return node


def _modes(connector: Connector) -> str:
    protocol = connector.protocol
    described = dict(_listed(shaping.__doc__ or ""))
    package = type(protocol).__module__.rsplit(".", 1)[0] + "."
    for name in sorted(m for m in sys.modules if m.startswith(package)):
        for mode, text in _listed(sys.modules[name].__doc__ or ""):
            described.setdefault(mode, text)
    rows = ["## Output modes\n", f"An action's `output.mode`. The `{protocol.name}` protocol "
            "offers these (record, records and inputs exist in every protocol):\n",
            "| mode | output |", "| --- | --- |"]
    rows += [f"| `{mode}` | {_one_line(described.get(mode, ''))} |"
             for mode in sorted(protocol.output_modes)]
    return "\n".join(rows) + "\n"


def _listed(doc: str) -> Iterator[tuple[str, str]]:
    """The `- name: text` entries of a docstring (continuation lines joined)."""
    for match in re.finditer(r"^- (\w+):\s+(.*(?:\n {3,}\S.*)*)", doc, re.MULTILINE):
        yield match.group(1), " ".join(match.group(2).split())


def _helpers(connector: Connector) -> str:
    environment = make_environment(Path("."), {k: r.value
                                               for k, r in connector.registry.filters.items()})
    defaults = jinja2.Environment()
    rows = ["## Template helpers and filters\n", HELPERS_NOTE, "| name | kind | what it does |",
            "| --- | --- | --- |"]
    for kind, table, builtin in (("function", environment.globals, defaults.globals),
                                 ("filter", environment.filters, defaults.filters)):
        for name in sorted(set(table) - set(builtin)):
            doc = inspect.getdoc(table[name]) or ""
            rows.append(f"| `{name}` | {kind} | {_one_line(doc.split(chr(10) * 2)[0])} |")
    return "\n".join(rows) + "\n"


def _hooks() -> str:
    rows = ["## Hooks\n", HOOKS_NOTE, "| hook | what a plugin registers |", "| --- | --- |"]
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        if name.startswith("register_"):
            rows.append(f"| `{name}` | {_one_line(inspect.getdoc(function) or '')} |")
    return "\n".join(rows) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


INTRO = """\
# Writing a connector or a plugin

<!-- Generated by `python -m connector.authoring > docs/authoring.md`; edit connector/authoring.py
     or the docstrings and schema it reads, never this file. -->

A connector is declared: a `manifest.yaml`, one JSON Schema and one template per action, a small
YAML file per data source. A plugin is a Python package that registers such a manifest (or
actions, data sources, filters, middleware, commands, a protocol) through pluggy hooks. This
page is the reference for all of it; the worked example at the end goes from an empty folder to
a published plugin.

Tools: `connector schema` prints the manifest's JSON Schema (for an editor's YAML support);
`connector validate FILE` checks a manifest with every file it names; `connector new plugin
NAME` and `connector new action KEY` write files that pass both and the standard suite.

Manifests carry `manifest_version` (this framework reads version {version}; a manifest without
it is version 1). A manifest written for a newer version is refused with a message saying so; a
future format change will migrate older manifests when they load.
"""

MANIFEST_NOTE = """\
Paths in a manifest are relative to it. Most entries need no path: an action's schema is
`schemas/{key}.json`, its template `actions/{key}` plus the protocol's suffix (`.xml.j2`), its
example output `examples/outputs/{key}.json` when that file exists, a data source's declaration
`datasources/{key}.yaml`. A schema may share fragments with `$ref` to other files; they are
inlined when the manifest loads.
"""

INPUTS = """\
## Inputs: the schema keywords forms read

An action's input schema is a JSON Schema (2020-12) of an object; a workflow platform renders a
form from it alone, so each property needs a `title`, and each required one an `examples`
value (the standard suite checks both). Besides the standard keywords:

- `x-datasource: selectVendor` on an input says that a data source's items can fill it: a form
  shows a searchable dropdown (the items' `key` is the value, the `label` what is shown).
- `x-datasource-inputs: {returnId: true}` gives that data source inputs of its own.
- `format: date` accepts ISO 8601 and the protocol's own formats (Intacct: MM/DD/YYYY); the
  template receives a date.
- Omitted is not empty: an input that is not given writes nothing (`el` below).

An action with `ui_callable: true` is read-only, so a UI may call it to populate itself; the
standard suite runs it against the protocol's sandbox on its example inputs.
"""

HELPERS_NOTE = """\
Templates are sandboxed Jinja; every `{{ value }}` is escaped as text, so a user's input can
never become markup. What templates can call besides Jinja's own:
"""

HOOKS_NOTE = """\
A plugin is a module with `@hookimpl` functions (`from connector.hookspecs import hookimpl`),
found through the `connector.plugins` entry-point group (or `connector --plugin MODULE`). Each
hook receives a `register` callback:
"""

WORKED_EXAMPLE = """\
## Worked example: from an empty folder to a published plugin

```sh
mkdir acme && cd acme
python3 -m venv .venv && .venv/bin/pip install lowcode-connector
.venv/bin/connector new plugin acme-tools        # package, manifest, one action, a test
cd acme-tools
../.venv/bin/connector --manifest acme_tools/manifest.yaml new action listCustomers
../.venv/bin/connector validate acme_tools/manifest.yaml
../.venv/bin/connector --manifest acme_tools/manifest.yaml describe listCustomers
../.venv/bin/connector --manifest acme_tools/manifest.yaml run listCustomers \\
    --set object=CUSTOMER --sandbox
```

Edit `acme_tools/actions/listCustomers.xml.j2` and `acme_tools/schemas/listCustomers.json`, and
put a real answer in `acme_tools/examples/outputs/listCustomers.json`. Then run the standard
suite, which `tests/test_standard.py` runs for every action and data source of the manifest
(`connector.pytest_plugin.StandardSuite`: the manifest validates, schemas are form-ready,
examples render, a missing required input is named, outputs have the declared mode's shape,
read-only actions and data sources run against the sandbox):

```sh
../.venv/bin/pip install -e '.[test]' && ../.venv/bin/python -m pytest tests
```

Publish it like any Python package; once installed next to lowcode-connector, its entry point
registers the connector (`connector plugins` lists it):

```sh
../.venv/bin/pip install build twine
../.venv/bin/python -m build && ../.venv/bin/twine upload dist/*
```
"""


if __name__ == "__main__":
    loaded = load_connector()
    sys.stdout.write(render(loaded))
    loaded.close()
