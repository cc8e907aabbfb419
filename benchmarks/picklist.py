"""B5: the selectVendor picklist over 5,000 vendors.

A dropdown needs a key and a label per vendor, so the data source asks only for those fields, a
full page (1,000) at a time. Measured: requests sent (5 is the least the gateway allows), bytes
received against listing the same vendors with all fields, and the time to fill the list.

    python benchmarks/picklist.py
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from harness import exchanges
from sandboxes import add_vendors

from connector.core import Connector, load_connector
from connector.intacct.sandbox import running_sandbox

VENDORS = 5000


def _metered(connector: Connector, connection: dict, call: Any) -> dict[str, Any]:
    """Requests, bytes received and seconds of one call through the connection's gateway."""
    with exchanges(connector.client(connection)) as seen:
        started = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - started
    return {"requests": len(seen),
            "bytes": sum(len(x.response) for x in seen), "seconds": seconds,
            "items": len(result if isinstance(result, list) else result["data"])}


def run(vendors: int = VENDORS, repeat: int = 5) -> dict[str, Any]:
    connector = load_connector()
    with running_sandbox(db=":memory:", seed=None) as sandbox:
        add_vendors(sandbox.store, vendors)
        connection = sandbox.connection
        connector.invoke("getVendor", {"recordNo": "1"}, connection)  # sign in first
        picks = [_metered(connector, connection,
                          lambda: connector.picklist("selectVendor", {}, connection))
                 for _ in range(repeat)]
        everything = _metered(connector, connection, lambda: connector.invoke(
            "queryAndList", {"objectName": "VENDOR"}, connection))
    connector.close()
    pick = picks[0]
    if pick["items"] != vendors or everything["items"] != vendors:
        raise RuntimeError(f"listed {pick['items']} and {everything['items']} vendors")
    return {
        "vendors": vendors, "requests": pick["requests"],
        "bytes": pick["bytes"], "bytes_all_fields": everything["bytes"],
        "bytes_share": round(pick["bytes"] / everything["bytes"], 3),
        "seconds": round(statistics.median(p["seconds"] for p in picks), 3),
        "seconds_all_fields": round(everything["seconds"], 3),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
