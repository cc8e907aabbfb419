"""The record schemas in schemas/outputs/records/, generated from the sandbox's field tables.

Each object the sandbox knows (connector/intacct/sandbox/objects, the tables `lookup` and
`inspect` answer from) becomes a JSON Schema of its records as a read returns them: every
field is text (with a pattern for numbers, dates and booleans, blank allowed), a nested block
is an object, a document's lines are its line object's records, one or a list. Fields the
sandbox does not know are allowed, as a real company has more. Run from the repository root
after changing a field table:

    .venv/bin/python tests/record_schemas.py

tests/test_record_schemas.py fails while the committed files differ from what this writes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "schemas" / "outputs" / "records"

# Blank is always allowed: a read writes every field, empty when it has no value.
PATTERNS = {
    "INTEGER": r"^(-?[0-9]+)?$",
    "DECIMAL": r"^(-?([0-9]+(\.[0-9]*)?|\.[0-9]+))?$",
    "CURRENCY": r"^(-?([0-9]+(\.[0-9]*)?|\.[0-9]+))?$",
    "PERCENT": r"^(-?([0-9]+(\.[0-9]*)?|\.[0-9]+))?$",
    "DATE": r"^([0-9]{2}/[0-9]{2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})?$",  # reads use both
    "BOOLEAN": r"^(true|false)?$",
}
UNKNOWN_FIELD = {"type": ["string", "object", "array"]}


def field_schema(field: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "description": field.label}
    if field.type in PATTERNS:
        schema["pattern"] = PATTERNS[field.type]
    elif field.type == "ENUM":
        schema["description"] += f" ({', '.join(field.valid_values)})"
    return schema


def block() -> dict[str, Any]:
    """A nested block of fields; an empty one reads as ""."""
    return {"type": ["object", "string"], "maxLength": 0, "properties": {},
            "additionalProperties": UNKNOWN_FIELD}


def record_schema(odef: Any) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for field in odef.fields:
        *groups, name = field.name.split(".")
        node = properties
        for group in groups:
            node = node.setdefault(group, block())["properties"]
        node[name] = field_schema(field)
    if odef.lines is not None:
        line = {"$ref": f"{odef.lines.object}.json"}
        wrapper = block()
        wrapper["properties"][odef.lines.item.lower()] = {
            "anyOf": [line, {"type": "array", "items": line}]}
        properties[odef.lines.wrapper] = wrapper
    return {
        "description": f"A {odef.name} record ({odef.label}) as a read returns it. Generated "
                       "by tests/record_schemas.py from the sandbox's field tables.",
        "type": "object",
        "properties": properties,
        "additionalProperties": UNKNOWN_FIELD,
    }


def generated() -> dict[str, str]:
    """File name -> text of every record schema."""
    from connector.intacct.sandbox.objects import ALL_OBJECTS

    return {f"{name}.json": json.dumps(record_schema(odef), indent=1) + "\n"
            for name, odef in sorted(ALL_OBJECTS.items())}


def main() -> None:
    RECORDS.mkdir(parents=True, exist_ok=True)
    files = generated()
    for stale in set(p.name for p in RECORDS.glob("*.json")) - set(files):
        (RECORDS / stale).unlink()
    for name, text in files.items():
        (RECORDS / name).write_text(text)
    print(f"wrote {len(files)} record schemas to {RECORDS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
