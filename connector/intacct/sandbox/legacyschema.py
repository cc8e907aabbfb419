"""The DTD 3.0 request schema of the legacy functions the sandbox serves, and the check of a
call against it.

The real gateway validates a request against intacct/intacct_dtd's api.xsd with libxml2 before
anything else, and refuses a function whose elements are out of order, missing, unknown or
against a choice (update_invoice takes exchratetype or exchrate, not both; it has no basecurr)
with XL03000003 in libxml2's words. Here the content models of the served functions are written
as data (read from that schema, not copied), turned into an XML Schema at import and checked
with lxml, which is libxml2: the messages are the real ones.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from lxml import etree

from .errors import ErrorEntry, schema_violation

XS = "http://www.w3.org/2001/XMLSchema"


@dataclass(frozen=True)
class Ref:
    name: str
    min: int = 1
    max: int | None = 1  # None: unbounded


@dataclass(frozen=True)
class Seq:
    items: tuple[Particle, ...]
    min: int = 1
    max: int | None = 1


@dataclass(frozen=True)
class Choice:
    items: tuple[Particle, ...]
    min: int = 1
    max: int | None = 1


@dataclass(frozen=True)
class Anything:
    """Any content (a full contact block, which the sandbox reads only the name of)."""


Particle = Ref | Seq | Choice


@dataclass(frozen=True)
class Attr:
    name: str
    required: bool = False
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Element:
    model: Particle | Anything | None = None  # None: text only
    attributes: tuple[Attr, ...] = ()


def opt(name: str) -> Ref:
    return Ref(name, 0)


def seq(*items: Particle, low: int = 1) -> Seq:
    return Seq(items, low)


_DATE = Element(seq(Ref("year"), Ref("month"), Ref("day")))
_CONTACT = Element(Choice((Ref("contact"), Ref("contactname"))))
_TRUE_FALSE = ("true", "false")
_UPDATE_ATTRS = (Attr("key", required=True), Attr("set_nulls", values=_TRUE_FALSE),
                 Attr("externalkey", values=_TRUE_FALSE))


def _currency(with_base: bool) -> Seq:
    """The currency block: [basecurr], currency, then exchratedate/exchratetype or exchrate."""
    rate = Choice((seq(opt("exchratedate"), Ref("exchratetype")), Ref("exchrate")))
    return Seq(((opt("basecurr"),) if with_base else ()) + (Ref("currency"), rate), 0)


def _line(update: bool) -> Element:
    account = Choice((Ref("accountlabel"), Ref("glaccountno")), 0 if update else 1)
    middle = ("amount", "memo") if update else ("amount", "allocationid", "memo")
    first = (account, opt("offsetglaccountno"),
             *(opt(n) if update or n != "amount" else Ref(n) for n in middle),
             opt("locationid"), opt("departmentid"), opt("item1099"), opt("form1099type"),
             opt("form1099box"))
    payment = () if update else (opt("key"), opt("totalpaid"), opt("totaldue"))
    rest = (opt("customfields"), opt("revrectemplate"), opt("defrevaccount"),
            opt("revrecstartdate"), opt("revrecenddate"),
            seq(Ref("projectid"), seq(Ref("taskid"), opt("costtypeid"), low=0), low=0),
            *(opt(n) for n in ("customerid", "vendorid", "employeeid", "itemid", "classid",
                               "contractid", "warehouseid", "billable", "totaltrxamount",
                               "partialexempt", "paymenttaxcapture", "taxentries")))
    attrs = (Attr("line_num", required=True),) if update else ()
    return Element(Seq((*first, *payment, *rest)), attrs)


_LINES = Element(seq(Ref("lineitem", 1, None)))
_UPDATE_LINES = Element(Choice((Ref("lineitem"), Ref("updatelineitem")), 1, None))

#: Every element the served functions use, by name, as the schema declares it.
ELEMENTS: dict[str, Element] = {
    "create_invoice": Element(seq(
        Ref("customerid"), Ref("datecreated"), opt("dateposted"), opt("datedue"),
        opt("termname"), opt("batchkey"), opt("action"), opt("invoiceno"), opt("ponumber"),
        opt("description"), opt("externalid"), opt("billto"), opt("shipto"), _currency(True),
        opt("nogl"), opt("supdocid"), opt("customfields"), opt("taxsolutionid"),
        Ref("invoiceitems"))),
    "update_invoice": Element(seq(
        opt("customerid"), opt("datecreated"), opt("dateposted"), opt("datedue"),
        opt("termname"), opt("action"), opt("invoiceno"), opt("ponumber"), opt("description"),
        opt("payto"), opt("returnto"), _currency(False), opt("supdocid"), opt("customfields"),
        opt("updateinvoiceitems")), _UPDATE_ATTRS),
    "create_aradjustment": Element(seq(
        Ref("customerid"), Ref("datecreated"), opt("dateposted"), opt("batchkey"),
        opt("adjustmentno"), opt("action"), opt("invoiceno"), opt("description"),
        opt("externalid"), _currency(True), opt("nogl"), opt("taxsolutionid"),
        Ref("aradjustmentitems"))),
    "update_aradjustment": Element(seq(
        opt("customerid"), opt("datecreated"), opt("dateposted"), opt("adjustmentno"),
        opt("action"), opt("invoiceno"), opt("description"), _currency(False),
        opt("updatearadjustmentitems")), _UPDATE_ATTRS),
    "delete_vendor": Element(None, (Attr("vendorid", required=True),
                                    Attr("externalkey", values=_TRUE_FALSE))),
    "delete_customer": Element(None, (Attr("customerid", required=True),
                                      Attr("externalkey", values=_TRUE_FALSE))),
    "invoiceitems": _LINES,
    "aradjustmentitems": _LINES,
    "updateinvoiceitems": _UPDATE_LINES,
    "updatearadjustmentitems": _UPDATE_LINES,
    "lineitem": _line(update=False),
    "updatelineitem": _line(update=True),
    "customfields": Element(seq(Ref("customfield", 0, None))),
    "customfield": Element(seq(Ref("customfieldname"), Ref("customfieldvalue"))),
    "taxentries": Element(seq(Ref("taxentry", 1, 2))),
    "taxentry": Element(seq(Ref("detailid"), opt("trx_tax"))),
    "contact": Element(Anything()),
    **{name: _CONTACT for name in ("billto", "shipto", "payto", "returnto")},
    **{name: _DATE for name in ("datecreated", "dateposted", "datedue", "exchratedate",
                                "revrecstartdate", "revrecenddate")},
}

#: The functions whose calls are checked.
FUNCTIONS = frozenset(
    {"create_invoice", "update_invoice", "create_aradjustment", "update_aradjustment",
     "delete_vendor", "delete_customer"})


def _text_only_names() -> set[str]:
    """Elements referenced but not declared above: text only, as the schema declares them."""
    found: set[str] = set()

    def walk(particle: Particle | Anything | None) -> None:
        if isinstance(particle, Ref):
            found.add(particle.name)
        elif isinstance(particle, (Seq, Choice)):
            for item in particle.items:
                walk(item)

    for element in ELEMENTS.values():
        walk(element.model)
    return found - set(ELEMENTS)


def _occurs(node: etree._Element, low: int, high: int | None) -> None:
    if low != 1:
        node.set("minOccurs", str(low))
    if high != 1:
        node.set("maxOccurs", "unbounded" if high is None else str(high))


def _particle(parent: etree._Element, particle: Particle) -> None:
    if isinstance(particle, Ref):
        node = etree.SubElement(parent, f"{{{XS}}}element", ref=particle.name)
    else:
        kind = "sequence" if isinstance(particle, Seq) else "choice"
        node = etree.SubElement(parent, f"{{{XS}}}{kind}")
        for item in particle.items:
            _particle(node, item)
    _occurs(node, particle.min, particle.max)


def _declare(schema: etree._Element, name: str, element: Element) -> None:
    node = etree.SubElement(schema, f"{{{XS}}}element", name=name)
    complex_type = etree.SubElement(node, f"{{{XS}}}complexType")
    if element.model is None:
        complex_type.set("mixed", "true")
    elif isinstance(element.model, Anything):
        any_node = etree.SubElement(etree.SubElement(complex_type, f"{{{XS}}}sequence"),
                                    f"{{{XS}}}any", processContents="skip")
        _occurs(any_node, 0, None)
    else:
        _particle(complex_type, element.model)
    for attr in element.attributes:
        node = etree.SubElement(complex_type, f"{{{XS}}}attribute", name=attr.name,
                                use="required" if attr.required else "optional")
        if attr.values:
            restriction = etree.SubElement(etree.SubElement(node, f"{{{XS}}}simpleType"),
                                           f"{{{XS}}}restriction", base="xs:string")
            for value in attr.values:
                etree.SubElement(restriction, f"{{{XS}}}enumeration", value=value)
        else:
            node.set("type", "xs:string")


def _schema_document() -> etree._Element:
    schema = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS})
    for name, element in ELEMENTS.items():
        _declare(schema, name, element)
    for name in sorted(_text_only_names()):
        _declare(schema, name, Element())
    return schema


_SCHEMA_DOCUMENT = _schema_document()
_local = threading.local()


def _validator() -> etree.XMLSchema:
    """This thread's compiled schema: a validator keeps its error log, so it is not shared."""
    validator = getattr(_local, "validator", None)
    if validator is None:
        validator = _local.validator = etree.XMLSchema(_SCHEMA_DOCUMENT)
    return validator


def violations(call: etree._Element) -> list[ErrorEntry]:
    """XL03000003 errors for a served legacy function's call that breaks the schema; [] for a
    valid call or a function the schema here does not cover."""
    if call.tag not in FUNCTIONS:
        return []
    validator = _validator()
    if validator.validate(call):
        return []
    return [schema_violation(e.type, e.message, e.line) for e in validator.error_log]


_validator()  # a mistake in the models above fails at import, not on the first call
