"""What `connector new action` writes for an Intacct action: a paged readByQuery list.

It runs as generated (on the sandbox's demo company too), so the standard suite passes before
the author changes anything; the author then edits the template and the schema.
"""

from __future__ import annotations

from typing import Any

TEMPLATE = """\
{#- {key}: lists the records of one object, page by page (output mode: records).
    Each {{ input }} is written as escaped text; an omitted input writes nothing.
    Helpers and filters: docs/authoring.md. -#}
<readByQuery>
  <object>{{ object }}</object>
  <fields>{{ fields }}</fields>
  <query>{{ query }}</query>
  <pagesize>{{ pageSize }}</pagesize>
</readByQuery>
"""


def action_files(key: str, label: str) -> dict[str, Any]:
    """The template, input schema, output and example output of a new action."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": label,
        "description": f"{label}: the records of one object.",
        "type": "object",
        "properties": {
            "object": {"title": "Object", "type": "string",
                       "description": "The object to list.", "examples": ["VENDOR"]},
            "fields": {"title": "Fields", "type": "string", "default": "RECORDNO,NAME",
                       "description": "Comma-separated fields to return (* for all).",
                       "examples": ["RECORDNO,NAME"]},
            "query": {"title": "Query", "type": "string", "default": "",
                      "description": "A readByQuery condition; empty lists every record."},
            "pageSize": {"title": "Page Size", "type": "integer", "minimum": 1,
                         "maximum": 1000, "default": 100, "examples": [100]},
        },
        "required": ["object"],
    }
    return {"template": TEMPLATE.replace("{key}", key), "schema": schema,
            "output": {"mode": "records"}, "ui_callable": True,
            "example_output": {"data": [{"RECORDNO": "1", "NAME": "An example"}]}}
