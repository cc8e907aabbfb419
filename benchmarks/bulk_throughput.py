"""B4: 10,000 createVendor through the bulk runtime against the gateway's own limits.

The sandbox runs in its own process (in memory) as a gateway whose answers take 0, 50 or 200
ms, with a limit of 2 concurrent requests per company, as Intacct's default. The bound is 2
requests x 100 functions / latency: 1,000 records per second at 200 ms, 4,000 at 50 ms, none at
0 ms. A run reaches it only if it sends full batches of 100, keeps both slots busy, and prepares
the next batch while the gateway works. The requests are timed too: how busy the two slots were
(the time requests were in flight, over the run's time), what a request takes beyond the
latency, and how long a slot stayed free between an answer and the next request, which give the
ceiling this gateway allows.

The sandbox's latency is its answer's time from a request's arrival, its own work (parsing,
checking and storing 100 vendors, on the same two cores as the client) done within it, as a
gateway's latency includes its work; "gateway_bound_per_second" counts what a request took
(2 x 100 / request time), and its share says how well the client kept both slots busy with full
requests.

    python benchmarks/bulk_throughput.py [--records 10000] [--latency-ms 200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

from harness import Exchange, exchanges
from sandboxes import sandbox_process

from connector.bulk import run_bulk
from connector.core import load_connector
from connector.intacct.sandbox import DEFAULT_CONNECTION

LATENCIES_MS = (0, 50, 200)
LIMIT = 2
BATCH = 100


def vendor_inputs(n: int) -> dict[str, Any]:
    return {"vendorId": f"BULK-{n:05d}", "vendorName": f"Bulk Vendor {n}",
            "primaryEmailAddress": f"ap{n}@bulk.example", "city": "Seattle",
            "stateProvince": "WA", "zipPostalCode": "98101", "creditLimit": 1000 + n,
            "paymentTerm": "Net 30", "active": True}


def run(records: int = 10_000, latency_ms: int = 200) -> dict[str, Any]:
    bound = LIMIT * BATCH / (latency_ms / 1000) if latency_ms else None
    with sandbox_process(":memory:", "--latency-ms", str(latency_ms),
                         "--max-concurrent", str(LIMIT)) as url:
        connector = load_connector()
        connection = dict(DEFAULT_CONNECTION, endpointUrl=url, allowedEndpointHosts=["127.0.0.1"])
        client = connector.client(connection)
        connector.invoke("getVendor", {"recordNo": "1"}, connection)  # sign in first
        with exchanges(client) as seen:
            started = time.perf_counter()
            results = list(run_bulk(connector, "createVendor",
                                    (vendor_inputs(n) for n in range(records)), connection,
                                    batch_size=BATCH))
            seconds = time.perf_counter() - started
        requests = len(seen)
        ids = [r["VENDORID"] for r in connector.iter_records(
            "queryAndList", {"objectName": "VENDOR", "field": "VENDORID"}, connection)]
        connector.close()
    throughput = records / seconds
    request_s = statistics.median(x.ended - x.started for x in seen)
    gap_s = statistics.median(_slot_gaps(seen) or [0.0])
    gateway_bound = LIMIT * BATCH / request_s
    return {
        "latency_ms": latency_ms, "records": records,
        "ok": sum(r["status"] == "success" for r in results),
        "stored": len(ids), "duplicates": len(ids) - len(set(ids)),
        "requests": requests, "transactions": records,
        "seconds": round(seconds, 2), "records_per_second": round(throughput),
        "bound_per_second": round(bound) if bound else None,
        "share_of_bound": round(throughput / bound, 3) if bound else None,
        "slots_busy": round(sum(x.ended - x.started for x in seen) / seconds, 2),
        "request_ms": round(request_s * 1000, 1),
        "gateway_ms": round(request_s * 1000 - latency_ms, 1),
        "client_ms_between_requests": round(gap_s * 1000, 1),
        "ceiling_per_second": round(LIMIT * BATCH / (request_s + gap_s)),
        "gateway_bound_per_second": round(gateway_bound),
        "share_of_gateway_bound": round(throughput / gateway_bound, 3),
    }


def _slot_gaps(seen: list[Exchange]) -> list[float]:
    """How long a slot stayed free between an answer and the next request. With at most LIMIT
    requests in flight, the request that starts LIMIT places later takes the slot of the
    answer that came first (whichever thread sends it)."""
    starts = sorted(x.started for x in seen)
    ends = sorted(x.ended for x in seen)
    return [starts[i + LIMIT] - ends[i] for i in range(len(seen) - LIMIT)]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=200, choices=LATENCIES_MS)
    args = parser.parse_args()
    print(json.dumps(run(args.records, args.latency_ms), indent=2))
