"""B2: one 1,000-record readByQuery page, parsed and shaped into records.

The page is real sandbox output (1,000 vendors, all fields). The connector reads it as it reads
every page of a records query (parse_page): the hardened parser, each layer checked, each record
made a dict as the parser passes it and its elements let go, which is what queryAndList
returns; the floor is lxml parsing the same bytes and turning each record into a dict, and
nothing else (floor.py). Time is the median of per-round ratios, side by side. Memory
is measured in a fresh process for each reader: the whole process's peak, and how far reading
the page raised it.

    python benchmarks/page_parse.py
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

import floor
from harness import compare_per_call, looped, median_ratio, process_peak, profile_top

from connector.intacct.response import parse_page

RECORDS = 1000
MEMORY_RUNS = 3


def capture_page(records: int = RECORDS) -> bytes:
    """The bytes of a readByQuery page of `records` vendors, all fields, from the sandbox."""
    # Imported here: a process measured for its memory with connector_records loads only what
    # reading a page needs, not the sandbox.
    from harness import exchanges
    from sandboxes import add_vendors

    from connector.core import load_connector
    from connector.intacct.sandbox import running_sandbox

    connector = load_connector()
    with running_sandbox(db=":memory:", seed=None) as sandbox:
        add_vendors(sandbox.store, records)
        with exchanges(connector.client(sandbox.connection)) as seen:
            connector.invoke("queryAndList", {"objectName": "VENDOR"}, sandbox.connection)
    connector.close()
    return seen[-1].response


def connector_records(raw: bytes) -> list[Any]:
    """What queryAndList makes of one page: checked layer by layer, each record a dict."""
    return parse_page(raw).results[0].records


def run(records: int = RECORDS, repeat: int = 31) -> dict[str, Any]:
    raw = capture_page(records)
    if connector_records(raw) != floor.page_records(raw):
        raise RuntimeError("the connector and the floor must make the same records")
    runs = compare_per_call({"connector": looped(lambda: connector_records(raw)),
                             "floor": looped(lambda: floor.page_records(raw))},
                            number=1, repeat=repeat)
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.xml"
        page.write_bytes(raw)
        peaks = {name: [process_peak(module, function, page) for _ in range(MEMORY_RUNS)]
                 for name, module, function in (("connector", "page_parse", "connector_records"),
                                                ("floor", "floor", "page_records"))}
    memory = {name: {field: round(statistics.median(getattr(p, field) for p in runs_), 1)
                     for field in ("before_mb", "whole_mb", "growth_mb")}
              for name, runs_ in peaks.items()}
    return {
        "records": records, "page_bytes": len(raw),
        "connector_ms": round(statistics.median(runs["connector"]) / 1000, 2),
        "floor_ms": round(statistics.median(runs["floor"]) / 1000, 2),
        "time_vs_floor": round(median_ratio(runs["connector"], runs["floor"]), 2),
        "memory": memory,
        "growth_vs_floor": round(memory["connector"]["growth_mb"]
                                 / memory["floor"]["growth_mb"], 2),
        "whole_vs_floor": round(memory["connector"]["whole_mb"]
                                / memory["floor"]["whole_mb"], 2),
        "profile": profile_top(lambda: connector_records(raw), number=3),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
