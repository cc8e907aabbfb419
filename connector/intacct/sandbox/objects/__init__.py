"""The objects the sandbox knows: their fields (one table per object, see fields.py), ID field,
owned lines, and the names they look up from other objects.

Adding an object is one more table and one more entry below. `lookup` and `inspect` answer
from these definitions, and create and update refuse what they do not define.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .audit import AUDITHISTORY
from .fields import Field
from .parties import CONTACT, CUSTOMER, VENDOR
from .payables import APBILL, APBILLITEM, APPYMT, APPYMTDETAIL
from .projects import PROJECT
from .receivables import (
    ARADJUSTMENT,
    ARADJUSTMENTITEM,
    ARADVANCE,
    ARADVANCEITEM,
    ARINVOICE,
    ARINVOICEITEM,
    ARPYMT,
    ARPYMTDETAIL,
)

__all__ = ["OBJECTS", "Field", "LineDef", "ObjectDef", "Related", "lookup", "missing_required"]


@dataclass(frozen=True)
class Related:
    """A name read from another object, as the real gateway joins it: CUSTOMERNAME is the NAME
    of the CUSTOMER whose CUSTOMERID the record holds."""

    field: str
    object: str
    by: str
    take: str = "NAME"


@dataclass(frozen=True)
class LineDef:
    """Owned line items: stored as records of their own, nested in the parent's read."""

    wrapper: str  # element holding the lines, in requests and reads: APBILLITEMS
    item: str  # line element in requests: APBILLITEM (reads use it lowercased)
    object: str  # object the lines are stored as: APBILLITEM
    parent_key: str = "RECORDKEY"  # line field holding the parent's RECORDNO
    extra_parent_keys: tuple[str, ...] = ()
    required: tuple[tuple[str, ...], ...] = ()  # alternatives: any one satisfies
    min_lines: int = 1
    amounts: tuple[str, ...] = ("TRX_AMOUNT", "AMOUNT")  # the line's amount, either name


@dataclass(frozen=True)
class ObjectDef:
    name: str
    label: str  # human name used in messages: "Vendor"
    fields: tuple[Field, ...]
    id_field: str | None = None
    id_prefix: str | None = None  # document sequencing when the ID field is omitted
    lines: LineDef | None = None
    writable: bool = True  # False: written only through their owner, or never
    also_required: tuple[str, ...] = ()  # required here though the shared table says not
    more_defaults: tuple[tuple[str, str], ...] = ()
    related: tuple[Related, ...] = ()

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @cached_property
    def groups(self) -> frozenset[str]:
        """Every dotted prefix that is a nested block: DISPLAYCONTACT, its MAILADDRESS..."""
        return frozenset(
            ".".join(f.name.split(".")[:depth])
            for f in self.fields
            for depth in range(1, f.name.count(".") + 1))

    @cached_property
    def required(self) -> tuple[tuple[str, ...], ...]:
        names = [f.name for f in self.fields if f.required] + list(self.also_required)
        return tuple((name,) for name in names)

    @cached_property
    def required_in_writes(self) -> tuple[tuple[str, ...], ...]:
        """What a create or update must hold: not the ID of an object that numbers its own."""
        return tuple(alts for alts in self.required
                     if not (self.id_prefix and alts == (self.id_field,)))

    @cached_property
    def defaults(self) -> dict[str, str]:
        table = {f.name: f.default for f in self.fields if f.default is not None and "." not in
                 f.name}
        return {**table, **dict(self.more_defaults)}

    @cached_property
    def returned(self) -> tuple[str, ...]:
        """The fields a create or update answers with."""
        return tuple(f.name for f in self.fields if f.returned)

    @property
    def created_field(self) -> str:
        """Where the creation timestamp goes: AUWHENCREATED on documents, whose WHENCREATED is
        the transaction date."""
        return "AUWHENCREATED" if "AUWHENCREATED" in self.by_name else "WHENCREATED"


_ACCOUNT_AMOUNT = (("ACCOUNTNO", "GLACCOUNTNO", "ACCOUNTLABEL"), ("TRX_AMOUNT", "AMOUNT"))
_CUSTOMER_NAME = (Related("CUSTOMERNAME", "CUSTOMER", "CUSTOMERID"),)
_VENDOR_NAME = (Related("VENDORNAME", "VENDOR", "VENDORID"),)
_PAYMENT = ("TRX_PAYMENTAMOUNT", "PAYMENTAMOUNT")

OBJECTS: dict[str, ObjectDef] = {
    d.name: d
    for d in (
        ObjectDef("VENDOR", "Vendor", VENDOR, id_field="VENDORID", id_prefix="V-"),
        ObjectDef("CUSTOMER", "Customer", CUSTOMER, id_field="CUSTOMERID", id_prefix="C-"),
        ObjectDef("CONTACT", "Contact", CONTACT, id_field="CONTACTNAME",
                  also_required=("PRINTAS",),
                  more_defaults=(("STATUS", "active"), ("TAXABLE", "false"),
                                 ("VISIBLE", "true"))),
        ObjectDef("PROJECT", "Project", PROJECT, id_field="PROJECTID", related=_CUSTOMER_NAME),
        ObjectDef("APBILL", "Bill", APBILL, related=_VENDOR_NAME,
                  lines=LineDef("APBILLITEMS", "APBILLITEM", "APBILLITEM",
                                required=_ACCOUNT_AMOUNT)),
        ObjectDef("ARINVOICE", "Invoice", ARINVOICE, related=_CUSTOMER_NAME,
                  more_defaults=(("RECORDTYPE", "ri"),),
                  lines=LineDef("ARINVOICEITEMS", "ARINVOICEITEM", "ARINVOICEITEM",
                                required=_ACCOUNT_AMOUNT)),
        ObjectDef("ARADVANCE", "AR Advance", ARADVANCE, related=_CUSTOMER_NAME,
                  lines=LineDef("ARADVANCEITEMS", "ARADVANCEITEM", "ARADVANCEITEM",
                                required=(("TRX_AMOUNT", "AMOUNT"),))),
        ObjectDef("ARADJUSTMENT", "AR Adjustment", ARADJUSTMENT, related=_CUSTOMER_NAME,
                  more_defaults=(("RECORDTYPE", "ra"),),
                  lines=LineDef("ARADJUSTMENTITEMS", "ARADJUSTMENTITEM", "ARADJUSTMENTITEM",
                                extra_parent_keys=("ARADJUSTMENTKEY",),
                                required=_ACCOUNT_AMOUNT)),
        ObjectDef("ARPYMT", "AR Payment", ARPYMT, related=_CUSTOMER_NAME,
                  lines=LineDef("ARPYMTDETAILS", "ARPYMTDETAIL", "ARPYMTDETAIL",
                                min_lines=0, amounts=_PAYMENT)),
        ObjectDef("APPYMT", "AP Payment", APPYMT, related=_VENDOR_NAME,
                  lines=LineDef("APPYMTDETAILS", "APPYMTDETAIL", "APPYMTDETAIL",
                                min_lines=0, amounts=_PAYMENT)),
    )
}

_LINE_FIELDS = {
    "APBILLITEM": APBILLITEM,
    "ARINVOICEITEM": ARINVOICEITEM,
    "ARADVANCEITEM": ARADVANCEITEM,
    "ARADJUSTMENTITEM": ARADJUSTMENTITEM,
    "ARPYMTDETAIL": ARPYMTDETAIL,
    "APPYMTDETAIL": APPYMTDETAIL,
}

# Line objects are readable and queryable like any other object; they are created only
# through their owner.
LINE_OBJECTS: dict[str, ObjectDef] = {
    d.lines.object: ObjectDef(d.lines.object, f"{d.label} line", _LINE_FIELDS[d.lines.object],
                              writable=False)
    for d in OBJECTS.values()
    if d.lines is not None
}

AUDIT_HISTORY = ObjectDef("AUDITHISTORY", "Audit History", AUDITHISTORY, writable=False)

#: Every object, by name: what lookup, inspect, read and the queries know.
ALL_OBJECTS: dict[str, ObjectDef] = {**OBJECTS, **LINE_OBJECTS, AUDIT_HISTORY.name: AUDIT_HISTORY}


def lookup(name: str) -> ObjectDef | None:
    """Definition of any object by (case-insensitive) name."""
    return ALL_OBJECTS.get(name.strip().upper())


def missing_required(data: dict[str, object], required: tuple[tuple[str, ...], ...]) -> str | None:
    """First required field (alternatives joined by '/') absent or empty in data."""
    for alternatives in required:
        if not any(data.get(name) not in (None, "", {}) for name in alternatives):
            return "/".join(alternatives)
    return None
