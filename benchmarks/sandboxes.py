"""Sandboxes for the benchmarks: companies of a given size, and a sandbox in its own process.

Creating 100,000 vendors through the gateway would take minutes and measure the sandbox; the
benchmarks measure the client, so the records go in through the sandbox's own record layer.
A sandbox in its own process keeps its CPU off the client's, as a real gateway's is.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from connector.intacct.sandbox.objects import OBJECTS
from connector.intacct.sandbox.records import Records
from connector.intacct.sandbox.store import Store


def vendor(n: int) -> dict:
    """A vendor with the fields a real one has filled: contact, address, terms, limits."""
    name = f"Vendor {n:06d} Supplies"
    return {
        "VENDORID": f"BV-{n:06d}", "NAME": name, "CREDITLIMIT": str(1000 + n % 90_000),
        "TERMNAME": "Net 30", "VENDTYPE": "Supplier", "CURRENCY": "USD",
        "PAYMENTPRIORITY": "Normal", "COMMENTS": f"Preferred supplier number {n}",
        "DISPLAYCONTACT": {
            "CONTACTNAME": f"{name}(BV-{n:06d})", "PRINTAS": name, "COMPANYNAME": name,
            "FIRSTNAME": "Alex", "LASTNAME": f"Buyer{n}", "EMAIL1": f"ap{n}@vendor.example",
            "PHONE1": "+1-555-0100", "URL1": f"https://vendor{n}.example",
            "MAILADDRESS": {"ADDRESS1": f"{n} Harbour Way", "CITY": "Seattle", "STATE": "WA",
                            "ZIP": "98101", "COUNTRY": "United States", "COUNTRYCODE": "US"},
        },
    }


def add_vendors(db: str | Store, count: int) -> None:
    """Add `count` vendors in one transaction."""
    store = db if isinstance(db, Store) else Store(db)
    records = Records(store, time.time(), "admin")
    with store.transaction():
        for n in range(count):
            records.create(OBJECTS["VENDOR"], vendor(n))
    if store is not db:
        store.close()


@contextmanager
def sandbox_process(db: str, *options: str) -> Iterator[str]:
    """`connector sandbox serve` on a free port, for as long as the block runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("connector")), "sandbox", "serve", "--db", db,
         "--port", str(port), "--seed", "", *options],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the sandbox did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/ia/xml/xmlgw.phtml"
    finally:
        server.terminate()
        server.wait(timeout=10)
