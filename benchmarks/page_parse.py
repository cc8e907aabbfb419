"""B2: one 1,000-record readByQuery page, parsed and shaped into records.

The page is real sandbox output (1,000 vendors, all fields). The connector parses it with its
hardened parser, checks each layer and shapes every record into a dict, which is what
queryAndList returns; the floor is lxml parsing the same bytes and turning each record into a
dict, and nothing else. Time (median of runs, side by side) and the rise of peak memory.

    python benchmarks/page_parse.py
"""

from __future__ import annotations

import json
import statistics
from typing import Any

from harness import compare_per_call, exchanges, median_ratio, peak_growth_mb
from lxml import etree
from sandboxes import add_vendors

from connector.core import load_connector
from connector.intacct.response import parse_response
from connector.intacct.sandbox import running_sandbox
from connector.xmlkit.xml2js import record_to_dict

RECORDS = 1000


def capture_page(records: int = RECORDS) -> bytes:
    """The bytes of a readByQuery page of `records` vendors, all fields, from the sandbox."""
    connector = load_connector()
    with running_sandbox(db=":memory:", seed=None) as sandbox:
        add_vendors(sandbox.store, records)
        with exchanges(connector.gateway(sandbox.connection)) as seen:
            connector.invoke("queryAndList", {"objectName": "VENDOR"}, sandbox.connection)
    connector.close()
    return seen[-1].response


def connector_records(raw: bytes) -> list[Any]:
    response = parse_response(raw)
    return [record_to_dict(record) for record in response.results[0].records]


def _element_dict(element: etree._Element) -> Any:
    if len(element) == 0:
        return element.text or ""
    return {child.tag: _element_dict(child) for child in element}


def floor_records(raw: bytes) -> list[Any]:
    data = etree.fromstring(raw).find("operation/result/data")
    return [_element_dict(record) for record in data]


def run(records: int = RECORDS, repeat: int = 9) -> dict[str, Any]:
    raw = capture_page(records)
    assert connector_records(raw) == floor_records(raw), "both must produce the same records"
    runs = compare_per_call({"connector": lambda: connector_records(raw),
                             "floor": lambda: floor_records(raw)}, number=1, repeat=repeat)
    memory = {name: statistics.median(peak_growth_mb(f, raw) for _ in range(3))
              for name, f in (("connector", connector_records), ("floor", floor_records))}
    return {
        "records": records, "page_bytes": len(raw),
        "connector_ms": round(statistics.median(runs["connector"]) / 1000, 2),
        "floor_ms": round(statistics.median(runs["floor"]) / 1000, 2),
        "time_vs_floor": round(median_ratio(runs["connector"], runs["floor"]), 2),
        "connector_peak_mb": round(memory["connector"], 1),
        "floor_peak_mb": round(memory["floor"], 1),
        "memory_vs_floor": round(memory["connector"] / memory["floor"], 2),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
