"""The sandbox's own work on one request of 100 createVendor, without HTTP or a client.

B4 sends requests of 100 creates; what the sandbox spends on one of them (parse, schema check,
and per function its savepoint, idempotency mark, ID check, RECORDNO, record, audit trail and
result) is part of every request's time there. Here the bodies are the connector's own,
captured from a bulk run against a sandbox; fresh copies (new control ids, new vendor ids) are
then replayed one after another into a fresh in-process pipeline, single-threaded, and each
``Pipeline.process`` is timed. Prints the median and quartiles in ms, and with ``--profile``
the functions that take the most own time per request.

    python benchmarks/sandbox_bulk.py [--requests 30] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import re
import statistics
import time
from typing import Any

from bulk_throughput import BATCH, vendor_inputs
from harness import exchanges, top_functions

from connector.bulk import run_bulk
from connector.core import load_connector
from connector.intacct.sandbox import SandboxConfig, running_sandbox
from connector.intacct.sandbox.pipeline import Pipeline
from connector.intacct.sandbox.seed import load_seed
from connector.intacct.sandbox.stats import Stats
from connector.intacct.sandbox.store import Store

WARM_UP = 2
_SESSION = re.compile(rb"<sessionid>[^<]*</sessionid>")
_CONTROLID = re.compile(rb'controlid="[^"]*?-(\d+)"')
_REQUEST_CONTROLID = re.compile(rb"<controlid>[^<]*</controlid>")


def captured_body() -> bytes:
    """A request of BATCH createVendor as the connector's bulk runner sends it."""
    with running_sandbox() as sandbox:
        connector = load_connector()
        connection = dict(sandbox.connection)
        with exchanges(connector.client(connection)) as seen:
            results = list(run_bulk(connector, "createVendor",
                                    (vendor_inputs(n) for n in range(BATCH)), connection,
                                    batch_size=BATCH))
        connector.close()
    if any(r["status"] != "success" for r in results):
        raise RuntimeError("the capture run failed")
    return next(x.request for x in seen if x.request.count(b"<function ") == BATCH)


def fresh_copy(body: bytes, sessionid: str, n: int) -> bytes:
    """The body under another session, with its own control ids and vendor ids."""
    body = _SESSION.sub(b"<sessionid>" + sessionid.encode() + b"</sessionid>", body)
    body = _REQUEST_CONTROLID.sub(f"<controlid>request-{n}</controlid>".encode(), body)
    body = _CONTROLID.sub(lambda m: b'controlid="copy-%d-%s"' % (n, m.group(1)), body)
    return body.replace(b"<VENDORID>BULK-", f"<VENDORID>COPY{n:04d}-".encode())


def replay(body: bytes, requests: int, profiler: cProfile.Profile | None = None) -> list[float]:
    """Seconds `Pipeline.process` took for each fresh copy, in a fresh in-memory sandbox."""
    config = SandboxConfig()
    store = Store(":memory:", config.company_id)
    load_seed(store, "demo", config.clock.now())
    pipeline = Pipeline(config, store, Stats())
    company = config.company(config.company_id)
    assert company is not None
    session = pipeline.sessions.create(company.user_id, company.company_id, "")
    copies = [fresh_copy(body, session.sessionid, n) for n in range(WARM_UP + requests)]
    seconds = []
    for n, copy in enumerate(copies):
        timed = n >= WARM_UP
        if timed and profiler:
            profiler.enable()
        started = time.perf_counter()
        reply = pipeline.process(copy, time.monotonic())
        elapsed = time.perf_counter() - started
        if timed and profiler:
            profiler.disable()
        # Success in the control block, the authentication and every result.
        if reply.body.count(b"<status>success</status>") != BATCH + 2:
            raise RuntimeError(f"request {n} did not create {BATCH} vendors")
        if timed:
            seconds.append(elapsed)
    if store.count("VENDOR") < BATCH * len(copies):
        raise RuntimeError("vendors are missing from the store")
    store.close()
    return seconds


def run(requests: int = 30, profile: bool = False) -> dict[str, Any]:
    body = captured_body()
    profiler = cProfile.Profile() if profile else None
    seconds = replay(body, requests, profiler)
    first, median, third = statistics.quantiles(seconds, n=4)
    result: dict[str, Any] = {
        "functions_per_request": BATCH, "requests": requests,
        "median_ms": round(median * 1000, 2),
        "quartiles_ms": [round(first * 1000, 2), round(third * 1000, 2)],
    }
    if profiler:
        result["profile"] = top_functions(pstats.Stats(profiler), number=requests, top=20)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    print(json.dumps(run(args.requests, args.profile), indent=2))


if __name__ == "__main__":
    main()
