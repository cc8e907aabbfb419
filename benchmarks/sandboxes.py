"""Sandbox companies of a given size for the benchmarks, written straight into the store.

Creating 100,000 vendors through the gateway would take minutes and measure the sandbox; the
benchmarks measure the client, so the records go in through the sandbox's own record layer.
"""

from __future__ import annotations

import time

from connector.sandbox.objects import OBJECTS
from connector.sandbox.records import Records
from connector.sandbox.store import Store


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
