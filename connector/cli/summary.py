"""`connector describe` for people: what to fill in, required inputs first.

The JSON document (`--json`) is for programs; this is the few lines a person needs to run the
action: each input's name, type, title, an example and the data source that can fill it.
"""

from __future__ import annotations

import json
import shlex
import shutil
import textwrap
from collections.abc import Mapping
from typing import Any

EXAMPLE_WIDTH = 24


def describe_text(document: Mapping[str, Any], *, kind: str) -> str:
    """The summary of an action's, data source's or trigger's description document."""
    key = document["key"]
    lines = [f"{key}: {document['label']}"]
    if document.get("description"):
        lines += textwrap.wrap(document["description"], _width())
    properties = document["schema"].get("properties", {})
    inputs = [row for row in document["inputs"] if row["key"] != "connection"]
    required = [row for row in inputs if row["required"]]
    optional = [row for row in inputs if not row["required"]]
    for title, rows in (("Required inputs", required), ("Optional inputs", optional)):
        if rows:
            lines += ["", f"{title}:", *_table([_row(r, properties.get(r["key"], {}))
                                               for r in rows])]
    if not inputs:
        lines += ["", "No inputs."]
    lines.append("")
    if kind == "action":
        mode = document["output"].get("mode")
        lines.append(f"Output: {mode if isinstance(mode, str) else 'chosen by an input'}"
                     + (" (example: --json)" if document.get("example_output") else ""))
        lines.append("Run: " + _command("run", key, required, properties))
    elif kind == "trigger":
        lines.append("Delivers: events {id, changeType, record}; acknowledge with `connector ack`")
        lines.append("Poll: " + _command("poll", key, required, properties) + " --state FILE")
    else:
        lines.append("Items: [{key, label}]")
        lines.append("Run: " + _command("picklist", key, required, properties))
    return "\n".join(lines)


def _row(row: Mapping[str, Any], prop: Mapping[str, Any]) -> tuple[str, ...]:
    example = row.get("example")
    if example is None and "default" in prop:
        example = prop["default"]
    shown = "" if example is None else _short(example)
    source = f"from {row['datasource']}" if row.get("datasource") else ""
    return (row["key"], _type(prop), row["label"], shown and f"e.g. {shown}", source)


def _type(prop: Mapping[str, Any]) -> str:
    if "enum" in prop:
        return "one of " + "|".join(str(v) for v in prop["enum"])
    kind = prop.get("type", "any")
    kind = "|".join(kind) if isinstance(kind, list) else kind
    return f"{kind} ({prop['format']})" if prop.get("format") else kind


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= EXAMPLE_WIDTH else text[:EXAMPLE_WIDTH - 3] + "..."


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def _command(verb: str, key: str, required: list[Mapping[str, Any]],
             properties: Mapping[str, Any]) -> str:
    parts = [f"connector {verb} {key}"]
    for row in required:
        example = row.get("example")
        if example is None:
            example = properties.get(row["key"], {}).get("default", "...")
        value = example if isinstance(example, str) else json.dumps(example)
        parts.append(f"--set {shlex.quote(row['key'] + '=' + value)}")
    return " ".join(parts) + " --sandbox"


def _width() -> int:
    return min(100, shutil.get_terminal_size((100, 24)).columns)
