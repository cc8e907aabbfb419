"""The gateway functions: generic (create, update, delete, read, readByQuery, readMore,
query), getAPISession, and the legacy AR functions our actions use.

A function receives its call element and a context, and returns the elements that follow
``<controlid>`` in its ``<result>`` (a ``<data>`` block, a ``<key>``, or nothing). Failures are
raised as Refused and reported by the gateway; the store transaction around each call
undoes any partial work.
"""

from __future__ import annotations

import functools
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from . import errors, legacy, querylang
from .config import SandboxConfig
from .errors import Refused
from .objects import OBJECTS, ObjectDef, lookup
from .records import Records
from .sessions import Session, Sessions
from .store import Record, Store
from .wire import add_value, element_value, text_of

READ_BY_QUERY_MAX_PAGE = 1000
QUERY_MAX_PAGE = 2000
DEFAULT_PAGE = 100


@dataclass
class ResultSet:
    companyid: str
    object: str
    recordnos: list[int]
    fields: str
    pagesize: int
    position: int
    expires: float


class ResultSets:
    """readByQuery result sets kept for readMore, until read to the end or expired."""

    def __init__(self, ttl_seconds: float) -> None:
        self.ttl_seconds = ttl_seconds
        self._lock = threading.Lock()
        self._sets: dict[str, ResultSet] = {}

    def add(self, rs: ResultSet) -> str:
        result_id = secrets.token_hex(16)
        with self._lock:
            now = time.monotonic()
            self._sets = {k: v for k, v in self._sets.items() if v.expires > now}
            self._sets[result_id] = rs
        return result_id

    def take(self, result_id: str, companyid: str) -> ResultSet | None:
        with self._lock:
            rs = self._sets.get(result_id)
            if rs is None or rs.companyid != companyid or rs.expires <= time.monotonic():
                self._sets.pop(result_id, None)
                return None
            return rs

    def drop(self, result_id: str) -> None:
        with self._lock:
            self._sets.pop(result_id, None)

    def expire_all(self) -> None:
        with self._lock:
            self._sets.clear()


@dataclass
class Context:
    store: Store
    sessions: Sessions
    session: Session
    config: SandboxConfig
    public_url: str
    results: ResultSets
    now: float = field(default_factory=time.time)

    @property
    def records(self) -> Records:
        return Records(self.store, self.now, self.session.userid)


Handler = Callable[[Context, etree._Element], list[etree._Element]]


# -- helpers ------------------------------------------------------------------------------------


def _object_def(name: str, query_function: bool = False, lines_ok: bool = True) -> ObjectDef:
    odef = lookup(name) if lines_ok else OBJECTS.get(name.strip().upper())
    if odef is None:
        raise Refused(errors.object_not_found(name.strip(), query_function))
    return odef


def _required_text(body: etree._Element, tag: str) -> str:
    value = text_of(body, tag)
    if not value:
        raise Refused(errors.invalid_argument(f"<{body.tag}> requires <{tag}>"))
    return value


def _pagesize(body: etree._Element, maximum: int) -> int:
    text = text_of(body, "pagesize")
    if not text:
        return DEFAULT_PAGE
    try:
        size = int(text)
    except ValueError:
        raise Refused(errors.invalid_argument(f"pagesize '{text}' is not a number")) from None
    if size < 1:
        raise Refused(errors.invalid_argument("pagesize must be at least 1"))
    return min(size, maximum)


def _flatten(record: Record, prefix: str = "") -> Record:
    """readByQuery's list view: nested blocks become dotted field names."""
    out: Record = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        elif not isinstance(value, list):
            out[f"{prefix}{key}"] = value
    return out


def _project(record: Record, fields: str, obj: str, flat: bool) -> Record:
    names = [f.strip() for f in fields.split(",") if f.strip()]
    if not names or names == ["*"]:
        return _flatten(record) if flat else record
    out: Record = {}
    for name in names:
        value = querylang.resolve_field(record, name.upper(), obj)
        out[name.upper()] = "" if value is None else value
    return out


def _data(listtype: str, **attrs: Any) -> etree._Element:
    el = etree.Element("data")
    el.set("listtype", listtype)
    for key, value in attrs.items():
        el.set(key, str(value))
    return el


def _key(value: str) -> etree._Element:
    el = etree.Element("key")
    el.text = value
    return el


# -- generic write functions ------------------------------------------------------------------


def _write_result(odef: ObjectDef, record: Record) -> Record:
    out: Record = {"RECORDNO": record["RECORDNO"]}
    if odef.id_field:
        out[odef.id_field] = record.get(odef.id_field, "")
    return out


def fn_create(ctx: Context, body: etree._Element) -> list[etree._Element]:
    results = []
    for child in body:
        odef = _object_def(child.tag, lines_ok=False)
        data = element_value(child)
        results.append((odef, ctx.records.create(odef, data if isinstance(data, dict) else {})))
    data_el = _data("objects", count=len(results))
    for odef, record in results:
        add_value(data_el, odef.name.lower(), _write_result(odef, record))
    return [data_el]


def fn_update(ctx: Context, body: etree._Element) -> list[etree._Element]:
    results = []
    for child in body:
        odef = _object_def(child.tag, lines_ok=False)
        data = element_value(child)
        data = data if isinstance(data, dict) else {}
        existing = ctx.records.find_existing(odef, data, "update")
        results.append((odef, ctx.records.update(odef, data, existing)))
    data_el = _data("objects", count=len(results))
    for odef, record in results:
        add_value(data_el, odef.name.lower(), _write_result(odef, record))
    return [data_el]


def fn_delete(ctx: Context, body: etree._Element) -> list[etree._Element]:
    odef = _object_def(_required_text(body, "object"), lines_ok=False)
    keys = [k.strip() for k in _required_text(body, "keys").split(",") if k.strip()]
    for key in keys:
        ctx.records.delete(odef, key)
    return []


# -- generic read functions -------------------------------------------------------------------


def fn_read(ctx: Context, body: etree._Element) -> list[etree._Element]:
    odef = _object_def(_required_text(body, "object"))
    keys = [k.strip() for k in (text_of(body, "keys") or "").split(",") if k.strip()]
    fields = text_of(body, "fields") or "*"
    found = [r for r in (ctx.store.get(odef.name, k) for k in keys) if r is not None]
    data_el = _data(odef.name, count=len(found))
    for record in found:
        full = ctx.records.with_lines(odef, record)
        add_value(data_el, odef.name, _project(full, fields, odef.name, flat=False))
    return [data_el]


def _list_page(ctx: Context, rs: ResultSet, result_id: str) -> list[etree._Element]:
    page = rs.recordnos[rs.position : rs.position + rs.pagesize]
    rs.position += len(page)
    remaining = len(rs.recordnos) - rs.position
    if remaining <= 0:
        ctx.results.drop(result_id)
        result_id = ""
    records = [r for r in (ctx.store.get(rs.object, n) for n in page) if r is not None]
    tag = rs.object.lower()
    data_el = _data(
        tag,
        count=len(records),
        totalcount=len(rs.recordnos),
        numremaining=remaining,
        resultId=result_id,
    )
    for record in records:
        add_value(data_el, tag, _project(record, rs.fields, rs.object, flat=True))
    return [data_el]


def fn_read_by_query(ctx: Context, body: etree._Element) -> list[etree._Element]:
    odef = _object_def(_required_text(body, "object"), query_function=True)
    try:
        node = querylang.parse(text_of(body, "query"))
    except querylang.QueryError as exc:
        raise Refused(errors.query_failed(f"Unable to parse query: {exc}")) from None
    matches = [int(r["RECORDNO"]) for r in ctx.store.all(odef.name) if node.matches(r, odef.name)]
    rs = ResultSet(
        companyid=ctx.session.companyid,
        object=odef.name,
        recordnos=matches,
        fields=text_of(body, "fields") or "*",
        pagesize=_pagesize(body, READ_BY_QUERY_MAX_PAGE),
        position=0,
        expires=time.monotonic() + ctx.config.result_ttl_seconds,
    )
    result_id = ctx.results.add(rs) if len(matches) > rs.pagesize else ""
    return _list_page(ctx, rs, result_id)


def fn_read_more(ctx: Context, body: etree._Element) -> list[etree._Element]:
    result_id = _required_text(body, "resultId")
    rs = ctx.results.take(result_id, ctx.session.companyid)
    if rs is None:
        raise Refused(errors.invalid_result_id(result_id))
    return _list_page(ctx, rs, result_id)


# -- query ------------------------------------------------------------------------------------

_FILTER_CMP = {
    "equalto": "=",
    "notequalto": "!=",
    "lessthan": "<",
    "lessthanorequalto": "<=",
    "lessthanoreq": "<=",
    "greaterthan": ">",
    "greaterthanorequalto": ">=",
    "greaterthanoreq": ">=",
}


def _filter_node(el: etree._Element, lower: bool) -> querylang.Node:
    op = el.tag.lower()

    def fld() -> str:
        name = text_of(el, "field")
        if not name:
            raise Refused(errors.query_failed(f"<{el.tag}> needs a <field>"))
        return name.upper()

    def values() -> list[str]:
        found = [(v.text or "") for v in el.findall("value")]
        return [v.lower() for v in found] if lower else found

    if op in ("and", "or"):
        parts = [_filter_node(c, lower) for c in el if isinstance(c.tag, str)]
        if not parts:
            raise Refused(errors.query_failed(f"<{el.tag}> needs at least one condition"))
        return querylang.And(parts) if op == "and" else querylang.Or(parts)
    if op in _FILTER_CMP:
        vals = values()
        if len(vals) != 1:
            raise Refused(errors.query_failed(f"<{el.tag}> needs exactly one <value>"))
        return querylang.Comparison(fld(), _FILTER_CMP[op], vals[0])
    if op in ("like", "notlike"):
        vals = values()
        if len(vals) != 1:
            raise Refused(errors.query_failed(f"<{el.tag}> needs exactly one <value>"))
        return querylang.Like(fld(), vals[0], negate=op == "notlike")
    if op in ("in", "notin"):
        vals = values()
        if not vals:
            raise Refused(errors.query_failed(f"<{el.tag}> needs at least one <value>"))
        return querylang.In(fld(), vals, negate=op == "notin")
    if op == "between":
        vals = values()
        if len(vals) != 2:
            raise Refused(errors.query_failed("<between> needs exactly two <value>s"))
        name = fld()
        return querylang.And(
            [querylang.Comparison(name, ">=", vals[0]), querylang.Comparison(name, "<=", vals[1])]
        )
    if op in ("isnull", "isnotnull"):
        return querylang.IsNull(fld(), negate=op == "isnotnull")
    raise Refused(errors.query_failed(f"unknown filter operator <{el.tag}>"))


def _lowered(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _lowered(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lowered(v) for v in value]
    return value.lower() if isinstance(value, str) else value


def _order_key(orders: list[tuple[str, bool]], obj: str):
    def cmp(a: Record, b: Record) -> int:
        for name, ascending in orders:
            va = querylang.resolve_field(a, name, obj)
            vb = querylang.resolve_field(b, name, obj)
            if querylang.is_null(va) or querylang.is_null(vb):
                result = querylang.is_null(vb) - querylang.is_null(va)
            else:
                result = querylang.compare(va, str(vb)) or 0
            if result:
                return result if ascending else -result
        return int(a["RECORDNO"]) - int(b["RECORDNO"])

    return functools.cmp_to_key(cmp)


def fn_query(ctx: Context, body: etree._Element) -> list[etree._Element]:
    odef = _object_def(_required_text(body, "object"), query_function=True)
    select = body.find("select")
    fields = [
        (f.text or "").strip().upper()
        for f in (select.findall("field") if select is not None else [])
        if (f.text or "").strip()
    ]
    if not fields:
        raise Refused(errors.query_failed("<query> needs <select> with at least one <field>"))
    options = body.find("options")
    lower = options is not None and (text_of(options, "caseinsensitive") or "") == "true"
    filter_el = body.find("filter")
    node: querylang.Node = querylang.MatchAll()
    if filter_el is not None:
        conditions = [c for c in filter_el if isinstance(c.tag, str)]
        if len(conditions) > 1:
            raise Refused(errors.query_failed("<filter> takes one condition; use <and>"))
        if conditions:
            node = _filter_node(conditions[0], lower)
    records = [
        r for r in ctx.store.all(odef.name) if node.matches(_lowered(r) if lower else r, odef.name)
    ]
    orders = []
    for order in body.findall("orderby/order"):
        name = (text_of(order, "field") or "").upper()
        if name:
            orders.append((name, order.find("descending") is None))
    if orders:
        records.sort(key=_order_key(orders, odef.name))
    offset_text = text_of(body, "offset") or "0"
    if not offset_text.isdigit():
        raise Refused(errors.invalid_argument(f"offset '{offset_text}' is not a number"))
    offset = int(offset_text)
    page = records[offset : offset + _pagesize(body, QUERY_MAX_PAGE)]
    data_el = _data(
        odef.name,
        totalcount=len(records),
        offset=offset,
        count=len(page),
        numremaining=max(0, len(records) - offset - len(page)),
    )
    for record in page:
        row = {}
        for name in fields:
            value = querylang.resolve_field(record, name, odef.name)
            row[name] = "" if value is None or isinstance(value, (dict, list)) else value
        add_value(data_el, odef.name, row)
    return [data_el]


# -- sessions ---------------------------------------------------------------------------------


def fn_get_api_session(ctx: Context, body: etree._Element) -> list[etree._Element]:
    session = ctx.session
    wanted = text_of(body, "locationid")
    if wanted and wanted != session.locationid:
        if wanted not in ctx.config.entities:
            raise Refused(errors.sign_in_incorrect())
        session = ctx.sessions.create(session.userid, session.companyid, wanted)
    data_el = etree.Element("data")
    api = etree.SubElement(data_el, "api")
    add_value(api, "sessionid", session.sessionid)
    add_value(api, "endpoint", ctx.public_url)
    add_value(api, "locationid", session.locationid)
    return [data_el]


# -- legacy AR functions --------------------------------------------------------------------


def _legacy_create(spec: legacy.LegacySpec) -> Handler:
    def handler(ctx: Context, body: etree._Element) -> list[etree._Element]:
        data = legacy.to_record(spec, body)
        record = ctx.records.create(OBJECTS[spec.object], data)
        return [_key(record["RECORDNO"])]

    return handler


def _legacy_update(spec: legacy.LegacySpec) -> Handler:
    def handler(ctx: Context, body: etree._Element) -> list[etree._Element]:
        odef = OBJECTS[spec.object]
        key = (body.get("key") or "").strip()
        if not key:
            raise Refused(errors.invalid_argument(f"<{body.tag}> requires a key attribute"))
        existing = ctx.store.get(odef.name, key)
        if existing is None:
            raise Refused(
                errors.record_not_found(odef.label, key, "update"),
                errors.could_not("update", odef.label),
            )
        current_lines = ctx.store.lines(odef.name, int(key))
        data = legacy.to_update(spec, body, current_lines)
        ctx.records.update(odef, data, existing)
        return [_key(key)]

    return handler


def _legacy_delete(obj: str, attribute: str) -> Handler:
    """delete_vendor / delete_customer: the record addressed by its ID attribute."""

    def handler(ctx: Context, body: etree._Element) -> list[etree._Element]:
        odef = OBJECTS[obj]
        id_value = (body.get(attribute) or "").strip()
        if not id_value:
            raise Refused(errors.invalid_argument(f"<{body.tag}> requires {attribute}"))
        record = ctx.store.get_by_id(obj, id_value)
        if record is None:
            raise Refused(errors.record_not_found(odef.label, id_value, "delete"))
        ctx.records.delete(odef, record["RECORDNO"])
        return [_key(id_value)]

    return handler


FUNCTIONS: dict[str, Handler] = {
    "create": fn_create,
    "update": fn_update,
    "delete": fn_delete,
    "read": fn_read,
    "readByQuery": fn_read_by_query,
    "readMore": fn_read_more,
    "query": fn_query,
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
