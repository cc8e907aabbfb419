"""The read functions: read, readByQuery, readMore and query. Records are shown as reads show
them: related names joined (CUSTOMERNAME), owned lines nested in a read, dotted names in a list."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from lxml import etree

from . import errors, querylang
from .context import Context, data_element, object_def, pagesize, required_text
from .errors import Refused
from .objects import AUDIT_HISTORY, ObjectDef
from .resultsets import ResultSet
from .store import Record
from .wire import add_value, text_of

READ_BY_QUERY_MAX_PAGE = 1000
QUERY_MAX_PAGE = 2000


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


def _shown(ctx: Context, odef: ObjectDef) -> list[Record]:
    """Every record of the object as reads show it."""
    return ctx.records.present(odef, ctx.store.all(odef.name))


def _is_date_field(odef: ObjectDef) -> Callable[[str], bool]:
    """Whether a (possibly OBJECT-prefixed) field name is one of the object's dates or times."""
    def is_date(name: str) -> bool:
        parts = name.upper().split(".")
        if len(parts) > 1 and parts[0] == odef.name:
            parts = parts[1:]
        field = odef.by_name.get(".".join(parts))
        return field is not None and field.type in ("DATE", "TIMESTAMP")

    return is_date


def _readable(ctx: Context, body: etree._Element, operation: str, *,
              query_function: bool = True) -> ObjectDef:
    """The object a read function reads; the audit trail only where the company shows it."""
    odef = object_def(required_text(body, "object"), query_function=query_function)
    if odef.name == AUDIT_HISTORY.name and not ctx.company.audit_trail:
        raise Refused(errors.operation_not_allowed(operation, odef.name))
    return odef


def fn_read(ctx: Context, body: etree._Element) -> list[etree._Element]:
    odef = _readable(ctx, body, "read", query_function=False)
    keys = [k.strip() for k in (text_of(body, "keys") or "").split(",") if k.strip()]
    fields = text_of(body, "fields") or "*"
    found = [r for r in (ctx.store.get(odef.name, k) for k in keys) if r is not None]
    data_el = data_element(odef.name, count=len(found))
    for record in ctx.records.present(odef, found):
        full = ctx.records.with_lines(odef, record)
        add_value(data_el, odef.name, _project(full, fields, odef.name, flat=False))
    return [data_el]


def _list_page(ctx: Context, rs: ResultSet, result_id: str) -> list[etree._Element]:
    """The next page of a result set. The last page keeps its resultId, as the real gateway's
    does; the set is gone after it, so a further readMore fails."""
    page = rs.recordnos[rs.position : rs.position + rs.pagesize]
    rs.position += len(page)
    remaining = len(rs.recordnos) - rs.position
    if remaining <= 0:
        ctx.results.drop(result_id)
    odef = object_def(rs.object)
    records = ctx.records.present(
        odef, [r for r in (ctx.store.get(rs.object, n) for n in page) if r is not None])
    tag = rs.object.lower()
    data_el = data_element(
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
    odef = _readable(ctx, body, "readByQuery")
    try:
        node = querylang.parse(text_of(body, "query"))
        querylang.check_dates(node, _is_date_field(odef))
    except querylang.QueryError as exc:
        raise Refused(errors.query_failed(f"Unable to parse query: {exc}")) from None
    matches = [int(r["RECORDNO"]) for r in _shown(ctx, odef) if node.matches(r, odef.name)]
    rs = ResultSet(
        companyid=ctx.session.companyid,
        object=odef.name,
        recordnos=matches,
        fields=text_of(body, "fields") or "*",
        pagesize=pagesize(body, READ_BY_QUERY_MAX_PAGE),
        position=0,
        expires=time.monotonic() + ctx.config.result_ttl_seconds,
    )
    result_id = ctx.results.add(rs) if len(matches) > rs.pagesize else ""
    return _list_page(ctx, rs, result_id)


def fn_read_more(ctx: Context, body: etree._Element) -> list[etree._Element]:
    result_id = required_text(body, "resultId")
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


def _order_key(orders: list[tuple[str, bool]], obj: str) -> Callable[[Record], Any]:
    """Sort key of `orderby`: each field's value (empty ones first), ascending or descending,
    then RECORDNO."""

    def key(record: Record) -> tuple[Any, ...]:
        parts: list[Any] = []
        for name, ascending in orders:
            value = querylang.resolve_field(record, name, obj)
            part = (0,) if querylang.is_null(value) else (1, querylang.sort_key(value))
            parts.append(part if ascending else _Descending(part))
        return (*parts, int(record["RECORDNO"]))

    return key


@functools.total_ordering
class _Descending:
    """A sort key part that orders the other way round."""

    def __init__(self, part: tuple[Any, ...]) -> None:
        self.part = part

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.part == other.part

    def __lt__(self, other: _Descending) -> bool:
        return self.part > other.part


def fn_query(ctx: Context, body: etree._Element) -> list[etree._Element]:
    odef = _readable(ctx, body, "query")
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
    try:
        querylang.check_dates(node, _is_date_field(odef))
    except querylang.QueryError as exc:
        raise Refused(errors.query_failed(str(exc))) from None
    records = [
        r for r in _shown(ctx, odef) if node.matches(_lowered(r) if lower else r, odef.name)
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
    page = records[offset : offset + pagesize(body, QUERY_MAX_PAGE)]
    data_el = data_element(
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
