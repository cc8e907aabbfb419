"""Definitions of the objects the sandbox knows: ID field, required fields, defaults, lines.

Each definition is data, not code: adding an object is one more entry in ``OBJECTS``. Required
fields are tuples of alternatives (any one of them satisfies the requirement), because Intacct
accepts e.g. ACCOUNTNO or GLACCOUNTNO on a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LineDef:
    """Owned line items: stored as records of their own, nested in the parent's read."""

    wrapper: str  # element holding the lines, in requests and reads: APBILLITEMS
    item: str  # line element in requests: APBILLITEM (reads use it lowercased)
    object: str  # object the lines are stored as: APBILLITEM
    parent_key: str = "RECORDKEY"  # line field holding the parent's RECORDNO
    extra_parent_keys: tuple[str, ...] = ()
    required: tuple[tuple[str, ...], ...] = ()
    min_lines: int = 1


@dataclass(frozen=True)
class ObjectDef:
    name: str
    label: str  # human name used in messages: "Vendor"
    id_field: str | None = None
    id_prefix: str | None = None  # document sequencing when the ID field is omitted
    required: tuple[tuple[str, ...], ...] = ()
    defaults: dict[str, str] = field(default_factory=dict)
    lines: LineDef | None = None


_PARTY_DEFAULTS = {
    "STATUS": "active",
    "ONETIME": "false",
    "ONHOLD": "false",
    "TOTALDUE": "0",
    "CURRENCY": "",
    "TERMNAME": "",
    "CREATEDBY": "1",
    "MODIFIEDBY": "1",
}

_DOC_DEFAULTS = {
    "STATE": "Posted",
    "RAWSTATE": "A",
    "BASECURR": "USD",
    "CURRENCY": "USD",
    "TOTALPAID": "0",
    "TOTALSELECTED": "0",
    "TRX_TOTALPAID": "0",
    "TRX_TOTALSELECTED": "0",
    "CREATEDBY": "1",
    "MODIFIEDBY": "1",
}

_LINE_AMOUNT = (("TRX_AMOUNT", "AMOUNT"),)
_LINE_ACCOUNT_AMOUNT = (("ACCOUNTNO", "GLACCOUNTNO", "ACCOUNTLABEL"), ("TRX_AMOUNT", "AMOUNT"))

OBJECTS: dict[str, ObjectDef] = {
    d.name: d
    for d in (
        ObjectDef(
            "VENDOR",
            "Vendor",
            id_field="VENDORID",
            id_prefix="V-",
            required=(("NAME",),),
            defaults={**_PARTY_DEFAULTS, "BILLINGTYPE": "openitem", "PAYMENTPRIORITY": "Normal"},
        ),
        ObjectDef(
            "CUSTOMER",
            "Customer",
            id_field="CUSTOMERID",
            id_prefix="C-",
            required=(("NAME",),),
            defaults={**_PARTY_DEFAULTS, "CREDITLIMIT": ""},
        ),
        ObjectDef(
            "CONTACT",
            "Contact",
            id_field="CONTACTNAME",
            required=(("CONTACTNAME",), ("PRINTAS",)),
            defaults={"STATUS": "active", "TAXABLE": "false", "VISIBLE": "true"},
        ),
        ObjectDef(
            "PROJECT",
            "Project",
            id_field="PROJECTID",
            required=(("PROJECTID",), ("NAME",), ("PROJECTCATEGORY",)),
            defaults={"STATUS": "active", "INVOICEWITHPARENT": "false", "CREATEDBY": "1"},
        ),
        ObjectDef(
            "APBILL",
            "Bill",
            required=(("VENDORID",), ("WHENCREATED",)),
            defaults={**_DOC_DEFAULTS, "RECORDTYPE": "pi", "ONHOLD": "false"},
            lines=LineDef("APBILLITEMS", "APBILLITEM", "APBILLITEM", required=_LINE_ACCOUNT_AMOUNT),
        ),
        ObjectDef(
            "ARINVOICE",
            "Invoice",
            required=(("CUSTOMERID",), ("WHENCREATED",)),
            defaults={**_DOC_DEFAULTS, "RECORDTYPE": "ri"},
            lines=LineDef(
                "ARINVOICEITEMS", "ARINVOICEITEM", "ARINVOICEITEM", required=_LINE_ACCOUNT_AMOUNT
            ),
        ),
        ObjectDef(
            "ARADVANCE",
            "AR Advance",
            required=(("CUSTOMERID",), ("PAYMENTMETHOD",), ("RECEIPTDATE",)),
            defaults={**_DOC_DEFAULTS, "RECORDTYPE": "ra", "TOTALAPPLIED": "0"},
            lines=LineDef(
                "ARADVANCEITEMS", "ARADVANCEITEM", "ARADVANCEITEM", required=_LINE_AMOUNT
            ),
        ),
        ObjectDef(
            "ARADJUSTMENT",
            "AR Adjustment",
            required=(("CUSTOMERID",), ("WHENCREATED",)),
            defaults={**_DOC_DEFAULTS, "RECORDTYPE": "ra"},
            lines=LineDef(
                "ARADJUSTMENTITEMS",
                "ARADJUSTMENTITEM",
                "ARADJUSTMENTITEM",
                extra_parent_keys=("ARADJUSTMENTKEY",),
                required=_LINE_ACCOUNT_AMOUNT,
            ),
        ),
        ObjectDef(
            "ARPYMT",
            "AR Payment",
            required=(("CUSTOMERID",), ("PAYMENTMETHOD",)),
            defaults={**_DOC_DEFAULTS, "RECORDTYPE": "rp"},
            lines=LineDef(
                "ARPYMTDETAILS",
                "ARPYMTDETAIL",
                "ARPYMTDETAIL",
                parent_key="RECORDKEY",
                min_lines=0,
            ),
        ),
        ObjectDef(
            "APPYMT",
            "AP Payment",
            required=(("VENDORID",), ("PAYMENTMETHOD",)),
            defaults={**_DOC_DEFAULTS, "RECORDTYPE": "pp"},
            lines=LineDef(
                "APPYMTDETAILS",
                "APPYMTDETAIL",
                "APPYMTDETAIL",
                parent_key="RECORDKEY",
                min_lines=0,
            ),
        ),
    )
}

# Line objects are readable and queryable like any other object; they are created only
# through their owner.
LINE_OBJECTS: dict[str, ObjectDef] = {
    d.lines.object: ObjectDef(d.lines.object, f"{d.label} line")
    for d in OBJECTS.values()
    if d.lines is not None
}

OWNER_OF_LINE: dict[str, str] = {
    d.lines.object: d.name for d in OBJECTS.values() if d.lines is not None
}


def lookup(name: str) -> ObjectDef | None:
    """Definition of a top-level or line object by (case-insensitive) name."""
    key = name.strip().upper()
    return OBJECTS.get(key) or LINE_OBJECTS.get(key)


def missing_required(data: dict[str, object], required: tuple[tuple[str, ...], ...]) -> str | None:
    """First required field (alternatives joined by '/') absent or empty in data."""
    for alternatives in required:
        if not any(data.get(name) not in (None, "", {}) for name in alternatives):
            return "/".join(alternatives)
    return None
