"""The "demo" company: a small, realistic data set covering every emulated object.

Records go through the same field check and create path as API calls, so they hold only
defined fields and carry the same system fields and line records. Seeding happens once per
company; a file database keeps it across restarts.
"""

from __future__ import annotations

import time
from typing import Any

from .fieldvalues import accepted
from .objects import OBJECTS
from .records import Records
from .store import Store


def _address(line1: str, city: str, state: str, zip_code: str) -> dict[str, str]:
    return {
        "ADDRESS1": line1,
        "CITY": city,
        "STATE": state,
        "ZIP": zip_code,
        "COUNTRY": "United States",
        "COUNTRYCODE": "US",
    }


def _contact(name: str, company: str, email: str, phone: str, address: dict) -> dict[str, Any]:
    return {
        "CONTACTNAME": name,
        "PRINTAS": company,
        "COMPANYNAME": company,
        "EMAIL1": email,
        "PHONE1": phone,
        "MAILADDRESS": address,
    }


VENDORS = [
    ("V-00101", "Northwind Office Supply", "25000", "ap@northwind.example", "Seattle", "WA"),
    ("V-00102", "Contoso Logistics", "50000", "billing@contoso.example", "Denver", "CO"),
    ("V-00103", "Fabrikam Consulting", "8000", "invoices@fabrikam.example", "Austin", "TX"),
    ("V-00104", "Litware Software", "12000", "ar@litware.example", "Boston", "MA"),
    ("V-00105", "Adatum Facilities", "0", "accounts@adatum.example", "Chicago", "IL"),
]

CUSTOMERS = [
    ("C-00201", "Acme Corporation", "100000", "finance@acme.example", "Portland", "OR"),
    ("C-00202", "Globex Industries", "75000", "ap@globex.example", "Phoenix", "AZ"),
    ("C-00203", "Initech LLC", "20000", "payables@initech.example", "Dallas", "TX"),
    ("C-00204", "Umbrella Health", "150000", "vendors@umbrella.example", "Raleigh", "NC"),
    ("C-00205", "Stark Fabrication", "60000", "ap@stark.example", "Detroit", "MI"),
]


def _demo(records: Records) -> None:
    def create(obj: str, data: dict[str, Any]) -> dict[str, Any]:
        odef = OBJECTS[obj]
        return records.create(odef, accepted(odef, data, "create"))

    for vid, name, limit, email, city, state in VENDORS:
        create(
            "VENDOR",
            {
                "VENDORID": vid,
                "NAME": name,
                "CREDITLIMIT": limit,
                "DISPLAYCONTACT": _contact(
                    f"{name}({vid})",
                    name,
                    email,
                    "555-0100",
                    _address("1 Main St", city, state, "98101"),
                ),
            },
        )
    for cid, name, limit, email, city, state in CUSTOMERS:
        create(
            "CUSTOMER",
            {
                "CUSTOMERID": cid,
                "NAME": name,
                "CREDITLIMIT": limit,
                "DISPLAYCONTACT": _contact(
                    f"{name}({cid})",
                    name,
                    email,
                    "555-0200",
                    _address("9 Market St", city, state, "97201"),
                ),
            },
        )
    for first, last, company in [
        ("John", "Doe", "Acme Corporation"),
        ("Jane", "Smith", "Globex Industries"),
        ("Ana", "Lopez", "Initech LLC"),
        ("Wei", "Chen", "Umbrella Health"),
        ("Sam", "O'Brien", "Stark Fabrication"),
    ]:
        create(
            "CONTACT",
            {
                "CONTACTNAME": f"{first} {last}",
                "PRINTAS": f"{first} {last}",
                "COMPANYNAME": company,
                "FIRSTNAME": first,
                "LASTNAME": last,
                "EMAIL1": f"{first.lower()}.{last.lower().replace(chr(39), '')}@example.com",
                "PHONE1": "555-0300",
            },
        )
    for pid, name, customer in [
        ("P-1001", "Website Redesign", "C-00201"),
        ("P-1002", "ERP Rollout", "C-00202"),
        ("P-1003", "Warehouse Audit", "C-00204"),
    ]:
        create(
            "PROJECT",
            {
                "PROJECTID": pid,
                "NAME": name,
                "PROJECTCATEGORY": "Contract",
                "CUSTOMERID": customer,
                "BEGINDATE": "01/01/2024",
            },
        )
    for n, (vendor, amounts) in enumerate(
        [("V-00101", ["120.50", "79.50"]), ("V-00102", ["1500.00"]), ("V-00103", ["900", "100"])],
        start=1,
    ):
        create(
            "APBILL",
            {
                "RECORDID": f"BILL-{n:04d}",
                "VENDORID": vendor,
                "WHENCREATED": f"01/{n + 4:02d}/2024",
                "WHENDUE": f"02/{n + 4:02d}/2024",
                "DESCRIPTION": f"Demo bill {n}",
                "APBILLITEMS": {
                    "APBILLITEM": [
                        {"ACCOUNTNO": "6000", "TRX_AMOUNT": a, "ENTRYDESCRIPTION": f"Line {i}"}
                        for i, a in enumerate(amounts, start=1)
                    ]
                },
            },
        )
    for n, (customer, amounts) in enumerate(
        [("C-00201", ["2500.00", "500.00"]), ("C-00202", ["1200.00"]), ("C-00203", ["300"])],
        start=1,
    ):
        create(
            "ARINVOICE",
            {
                "RECORDID": f"INV-{n:04d}",
                "CUSTOMERID": customer,
                "WHENCREATED": f"01/{n + 9:02d}/2024",
                "WHENDUE": f"02/{n + 9:02d}/2024",
                "DESCRIPTION": f"Demo invoice {n}",
                "ARINVOICEITEMS": {
                    "ARINVOICEITEM": [
                        {"ACCOUNTNO": "4000", "TRX_AMOUNT": a, "ENTRYDESCRIPTION": f"Line {i}"}
                        for i, a in enumerate(amounts, start=1)
                    ]
                },
            },
        )
    for customer, amount in [("C-00201", "10000.00"), ("C-00204", "2500.00")]:
        create(
            "ARADVANCE",
            {
                "CUSTOMERID": customer,
                "PAYMENTMETHOD": "Check",
                "RECEIPTDATE": "01/10/2024",
                "PAYMENTDATE": "01/10/2024",
                "UNDEPOSITEDACCOUNTNO": "1200",
                "DESCRIPTION": "Advance payment",
                "ARADVANCEITEMS": {"ARADVANCEITEM": {"ACCOUNTNO": "1200", "TRX_AMOUNT": amount}},
            },
        )
    for n, (customer, amount) in enumerate([("C-00201", "-250.00"), ("C-00203", "-40")], 1):
        create(
            "ARADJUSTMENT",
            {
                "RECORDID": f"ADJ-{n:04d}",
                "ADJUSTMENTNO": f"ADJ-{n:04d}",
                "CUSTOMERID": customer,
                "WHENCREATED": "01/15/2024",
                "ACTION": "Submit",
                "DESCRIPTION": "Credit for returned goods",
                "ARADJUSTMENTITEMS": {
                    "ARADJUSTMENTITEM": {
                        "ACCOUNTNO": "4000",
                        "TRX_AMOUNT": amount,
                        "MEMO": "Returned goods",
                    }
                },
            },
        )
    for customer, amount in [("C-00202", "1200.00"), ("C-00203", "300")]:
        create(
            "ARPYMT",
            {
                "CUSTOMERID": customer,
                "PAYMENTMETHOD": "Check",
                "RECEIPTDATE": "02/01/2024",
                "FINANCIALENTITY": "BOA-CHK",
                "ARPYMTDETAILS": {"ARPYMTDETAIL": {"TRX_PAYMENTAMOUNT": amount}},
            },
        )
    for vendor, amount in [("V-00102", "1500.00"), ("V-00103", "1000")]:
        create(
            "APPYMT",
            {
                "VENDORID": vendor,
                "PAYMENTMETHOD": "Printed Check",
                "PAYMENTDATE": "02/05/2024",
                "FINANCIALENTITY": "BOA-CHK",
                "APPYMTDETAILS": {"APPYMTDETAIL": {"TRX_PAYMENTAMOUNT": amount}},
            },
        )


SEEDS = {"demo": _demo}


def load_seed(store: Store, name: str, now: float | None = None) -> None:
    """Load a named data set into the store's company once; a company that already holds it
    is left alone. `now` stamps the records (the sandbox's clock)."""
    loader = SEEDS.get(name)
    if loader is None:
        raise ValueError(f"unknown seed {name!r}; known: {', '.join(SEEDS)}")
    with store.transaction():
        if store.next_value(f"seeded:{name}") > 1:
            return
        loader(Records(store, time.time() if now is None else now, "admin"))
