"""The gateway functions by name: generic writes (create, update, delete) here, reads in
queries.py, lookup and inspect in definitions.py, getAPISession, and the legacy functions our
actions and the official SDKs use.

A function receives its call element and a context, and returns the elements that follow
``<controlid>`` in its ``<result>`` (a ``<data>`` block, a ``<key>``, or nothing). Failures are
raised as Refused and reported by the gateway; the store transaction around each call
undoes any partial work. Every write is checked against the object's fields first.
"""

from __future__ import annotations

from lxml import etree

from . import errors, legacy
from .context import (
    Context,
    Handler,
    data_element,
    key_element,
    required_text,
    writable_def,
)
from .definitions import fn_inspect, fn_lookup
from .errors import Refused
from .fieldvalues import accepted
from .objects import OBJECTS, ObjectDef
from .queries import fn_query, fn_read, fn_read_by_query, fn_read_more
from .store import Record
from .wire import add_value, element_value, text_of

# -- generic write functions ------------------------------------------------------------------


def _write_result(odef: ObjectDef, record: Record) -> Record:
    """What a create or update answers with: RECORDNO and the object's ID field."""
    return {name: record.get(name, "") for name in odef.returned}


def _record(child: etree._Element) -> Record:
    data = element_value(child)
    return data if isinstance(data, dict) else {}


def fn_create(ctx: Context, body: etree._Element) -> list[etree._Element]:
    results = []
    for child in body:
        odef = writable_def(child.tag, "create")
        data = accepted(odef, _record(child), "create")
        results.append((odef, ctx.records.create(odef, data)))
    data_el = data_element("objects", count=len(results))
    for odef, record in results:
        add_value(data_el, odef.name.lower(), _write_result(odef, record))
    return [data_el]


def fn_update(ctx: Context, body: etree._Element) -> list[etree._Element]:
    results = []
    for child in body:
        odef = writable_def(child.tag, "update")
        data = _record(child)
        existing = ctx.records.find_existing(odef, data, "update")
        changes = accepted(odef, data, "update")
        results.append((odef, ctx.records.update(odef, changes, existing)))
    data_el = data_element("objects", count=len(results))
    for odef, record in results:
        add_value(data_el, odef.name.lower(), _write_result(odef, record))
    return [data_el]


def fn_delete(ctx: Context, body: etree._Element) -> list[etree._Element]:
    odef = writable_def(required_text(body, "object"), "delete")
    keys = [k.strip() for k in required_text(body, "keys").split(",") if k.strip()]
    for key in keys:
        ctx.records.delete(odef, key)
    return []


# -- sessions ---------------------------------------------------------------------------------


def fn_get_api_session(ctx: Context, body: etree._Element) -> list[etree._Element]:
    session = ctx.session
    wanted = text_of(body, "locationid")
    if wanted and wanted != session.locationid:
        if wanted not in ctx.company.entities:
            raise Refused(errors.sign_in_incorrect())
        session = ctx.sessions.create(session.userid, session.companyid, wanted)
    data_el = etree.Element("data")
    api = etree.SubElement(data_el, "api")
    add_value(api, "sessionid", session.sessionid)
    add_value(api, "endpoint", ctx.public_url)
    add_value(api, "locationid", session.locationid)
    return [data_el]


# -- legacy functions (checked against the DTD 3.0 schema before they run) --------------------


def _legacy_create(spec: legacy.LegacySpec) -> Handler:
    def handler(ctx: Context, body: etree._Element) -> list[etree._Element]:
        odef = OBJECTS[spec.object]
        data = accepted(odef, legacy.to_record(spec, body), "create")
        record = ctx.records.create(odef, data)
        return [key_element(record["RECORDNO"])]

    return handler


def _legacy_update(spec: legacy.LegacySpec) -> Handler:
    def handler(ctx: Context, body: etree._Element) -> list[etree._Element]:
        odef = OBJECTS[spec.object]
        key = (body.get("key") or "").strip()
        existing = ctx.store.get(odef.name, key)
        if existing is None:
            raise Refused(
                errors.record_not_found(odef.label, key, "update"),
                errors.could_not("update", odef.label),
            )
        current_lines = ctx.store.lines(odef.name, int(key))
        data = accepted(odef, legacy.to_update(spec, body, current_lines), "update")
        ctx.records.update(odef, data, existing)
        return [key_element(key)]

    return handler


def _legacy_delete(obj: str, attribute: str) -> Handler:
    """delete_vendor / delete_customer: the record addressed by its ID attribute."""

    def handler(ctx: Context, body: etree._Element) -> list[etree._Element]:
        odef = OBJECTS[obj]
        id_value = (body.get(attribute) or "").strip()
        record = ctx.store.get_by_id(obj, id_value)
        if record is None:
            raise Refused(errors.record_not_found(odef.label, id_value, "delete"))
        ctx.records.delete(odef, record["RECORDNO"])
        return [key_element(id_value)]

    return handler


FUNCTIONS: dict[str, Handler] = {
    "create": fn_create,
    "update": fn_update,
    "delete": fn_delete,
    "read": fn_read,
    "readByQuery": fn_read_by_query,
    "readMore": fn_read_more,
    "query": fn_query,
    "lookup": fn_lookup,
    "inspect": fn_inspect,
    "getAPISession": fn_get_api_session,
    "create_invoice": _legacy_create(legacy.INVOICE),
    "update_invoice": _legacy_update(legacy.INVOICE),
    "create_aradjustment": _legacy_create(legacy.ADJUSTMENT),
    "update_aradjustment": _legacy_update(legacy.ADJUSTMENT),
    "delete_vendor": _legacy_delete("VENDOR", "vendorid"),
    "delete_customer": _legacy_delete("CUSTOMER", "customerid"),
}

#: Functions whose failure result still carries an empty objects list (doc 003 example).
WRITE_LIST_FUNCTIONS = frozenset({"create", "update"})

#: Functions that change records: a late commit applies to a request holding one.
WRITING_FUNCTIONS = frozenset(
    {"create", "update", "delete", "create_invoice", "update_invoice", "create_aradjustment",
     "update_aradjustment", "delete_vendor", "delete_customer"})
