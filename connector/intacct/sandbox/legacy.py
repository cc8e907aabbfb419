"""Translation of the legacy AR functions (create_invoice, update_invoice, create_aradjustment,
update_aradjustment) into records of the generic objects ARINVOICE and ARADJUSTMENT.

Legacy requests use lowercase element names, dates as ``<year><month><day>`` and line items as
``<lineitem>`` (new) or ``<updatelineitem line_num="n">`` (change line n). Calls reach here
after the schema check (legacyschema), so every element is one the DTD allows; elements without
an explicit mapping are stored under their uppercased name, which the object's fields define.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from . import errors
from .errors import Refused
from .objects import OBJECTS
from .store import Record
from .wire import element_value

_HEADER_COMMON = {
    "customerid": ("CUSTOMERID",),
    "datecreated": ("WHENCREATED",),
    "dateposted": ("WHENPOSTED",),
    "datedue": ("WHENDUE",),
    "termname": ("TERMNAME",),
    "batchkey": ("PRBATCHKEY",),
    "action": ("ACTION",),
    "ponumber": ("DOCNUMBER",),
    "description": ("DESCRIPTION",),
    "externalid": ("EXTERNALID",),
    "basecurr": ("BASECURR",),
    "currency": ("CURRENCY",),
    "exchratedate": ("EXCH_RATE_DATE",),
    "exchratetype": ("EXCH_RATE_TYPE_ID",),
    "exchrate": ("EXCHANGE_RATE",),
    "nogl": ("NOGL",),
    "supdocid": ("SUPDOCID",),
    "taxsolutionid": ("TAXSOLUTIONID",),
    # The bill-to contact is <billto> on create and <payto> on update (DTD 3.0); both set it.
    "billto": ("BILLTOPAYTOCONTACTNAME",),
    "payto": ("BILLTOPAYTOCONTACTNAME",),
    "shipto": ("SHIPTORETURNTOCONTACTNAME",),
    "returnto": ("SHIPTORETURNTOCONTACTNAME",),
}

_LINE_COMMON = {
    "glaccountno": ("ACCOUNTNO", "GLACCOUNTNO"),
    "accountlabel": ("ACCOUNTLABEL",),
    "offsetglaccountno": ("OFFSETGLACCOUNTNO",),
    "amount": ("TRX_AMOUNT", "AMOUNT"),
    "allocationid": ("ALLOCATION",),
    "key": ("LINEKEY",),
    "defrevaccount": ("DEFERREDREVACCTNO",),
}


@dataclass(frozen=True)
class LegacySpec:
    object: str
    header: dict[str, tuple[str, ...]]
    line: dict[str, tuple[str, ...]]
    items_wrappers: tuple[str, ...]  # wrappers holding lines, create and update forms
    line_wrapper: str  # generic wrapper of the object: ARINVOICEITEMS
    line_item: str  # generic item tag: ARINVOICEITEM


INVOICE = LegacySpec(
    object="ARINVOICE",
    header={**_HEADER_COMMON, "invoiceno": ("RECORDID",)},
    line={**_LINE_COMMON, "memo": ("ENTRYDESCRIPTION",)},
    items_wrappers=("invoiceitems", "updateinvoiceitems"),
    line_wrapper="ARINVOICEITEMS",
    line_item="ARINVOICEITEM",
)

ADJUSTMENT = LegacySpec(
    object="ARADJUSTMENT",
    header={
        **_HEADER_COMMON,
        "adjustmentno": ("RECORDID", "ADJUSTMENTNO"),
        "invoiceno": ("INVOICENO",),
    },
    line={**_LINE_COMMON, "memo": ("MEMO",)},
    items_wrappers=("aradjustmentitems", "updatearadjustmentitems"),
    line_wrapper="ARADJUSTMENTITEMS",
    line_item="ARADJUSTMENTITEM",
)


def _label(spec: LegacySpec) -> str:
    return OBJECTS[spec.object].label


def _value(el: etree._Element) -> Any:
    """Legacy dates (<year><month><day>) become MM/DD/YYYY; contact blocks their name."""
    year, month, day = (el.findtext(t) for t in ("year", "month", "day"))
    if year is not None and month is not None and day is not None:
        return _date(year, month, day)
    contact = el.findtext("contactname")
    if contact is None:
        contact = el.findtext("contact/contactname")
    if contact is not None:
        return contact
    return element_value(el)


def _date(year: str, month: str, day: str) -> str:
    """MM/DD/YYYY from the parts, as sent when they are not numbers (the field check refuses
    them then, naming the value)."""
    parts = [p.strip() for p in (month, day, year)]
    if all(p.isdigit() for p in parts):
        return f"{int(parts[0]):02d}/{int(parts[1]):02d}/{int(parts[2]):04d}"
    return "/".join(parts)


def _custom_fields(el: etree._Element) -> Record:
    out: Record = {}
    for cf in el.findall("customfield"):
        name = (cf.findtext("customfieldname") or "").strip()
        if name:
            out[name.upper()] = cf.findtext("customfieldvalue") or ""
    return out


def _map(
    el: etree._Element, mapping: dict[str, tuple[str, ...]], skip: tuple[str, ...] = ()
) -> Record:
    out: Record = {}
    for child in el:
        if not isinstance(child.tag, str) or child.tag in skip:
            continue
        if child.tag == "customfields":
            out.update(_custom_fields(child))
            continue
        value = _value(child)
        for target in mapping.get(child.tag, (child.tag.upper(),)):
            out[target] = value
    return out


def _header(spec: LegacySpec, body: etree._Element) -> Record:
    return _map(body, spec.header, skip=spec.items_wrappers)


def _wrapper(spec: LegacySpec, body: etree._Element) -> etree._Element | None:
    return next((body.find(w) for w in spec.items_wrappers if body.find(w) is not None), None)


def to_record(spec: LegacySpec, body: etree._Element) -> Record:
    """A generic record (with its lines wrapper) from a legacy create call."""
    record = _header(spec, body)
    wrapper = _wrapper(spec, body)
    items = wrapper.findall("lineitem") if wrapper is not None else []
    record[spec.line_wrapper] = {spec.line_item: [_map(item, spec.line) for item in items]}
    return record


def to_update(spec: LegacySpec, body: etree._Element, current: list[Record]) -> Record:
    """Changed header fields, plus the full new line list when line changes were sent."""
    record = _header(spec, body)
    wrapper = _wrapper(spec, body)
    if wrapper is None:
        return record
    keep = ("RECORDKEY", "ARADJUSTMENTKEY", "LINE_NO", "RECORDNO", "WHENCREATED", "WHENMODIFIED")
    lines = [{k: v for k, v in line.items() if k not in keep} for line in current]
    for item in wrapper:
        if item.tag == "updatelineitem":
            num = (item.get("line_num") or "").strip()
            if not num.isdigit() or not 1 <= int(num) <= len(lines):
                raise Refused(
                    errors.invalid_argument(f"updatelineitem line_num '{num}' does not exist"),
                    errors.could_not("update", _label(spec)),
                )
            lines[int(num) - 1].update(_map(item, spec.line))
        elif item.tag == "lineitem":
            lines.append(_map(item, spec.line))
    record[spec.line_wrapper] = {spec.line_item: lines}
    return record
