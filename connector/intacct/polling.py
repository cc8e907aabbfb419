"""Intacct's part of a trigger: listing one object's changes, and its deletions, in order.

The gateway's timestamps are MM/DD/YYYY HH:MM:SS in the company's own time, with no zone; they
become naive datetimes here and are written back the same way, so every comparison is made in
the gateway's terms. readByQuery cannot order its results, so a page of changes is two
requests: `query` lists (WHENMODIFIED, RECORDNO) in that order from a position (keyset paging:
a record that changes while a backlog drains moves ahead, never out of the way), then one
readByQuery reads those records whole, in the shape the component's trigger returns. Deletions
come from AUDITHISTORY rows of the object (ACCESSMODE Deleted), ordered by (ACCESSTIME,
OBJECTKEY); a company that does not show its audit trail refuses them, and the trigger then
says it cannot see deletions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from lxml import etree

from connector.errors import ConnectorError, FunctionError
from connector.protocol import Change, ChangeQuery, DeletionsHidden, Position, Read

#: How the gateway writes a time, and a date (a date field used as a creation time).
STAMP_FORMAT = "%m/%d/%Y %H:%M:%S"
DATE_FORMAT = "%m/%d/%Y"
#: Keys in one readByQuery `RECORDNO IN (...)`, and so rows in one page of a listing.
MAX_KEYS = 500
AUDIT_OBJECT = "AUDITHISTORY"


def parse_stamp(text: str) -> datetime | None:
    """A gateway date or time as a naive datetime (the company's own time); None if empty."""
    text = (text or "").strip()
    if not text:
        return None
    for pattern in (STAMP_FORMAT, DATE_FORMAT):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ConnectorError(f"the gateway returned the time {text!r}, which is not "
                         "MM/DD/YYYY [HH:MM:SS]")


def format_stamp(when: datetime) -> str:
    return when.strftime(STAMP_FORMAT)


def change_streams(query: ChangeQuery) -> tuple[RecordChanges, AuditDeletions]:
    return RecordChanges(query), AuditDeletions(query)


class RecordChanges:
    """Created and updated records of one object, by (WHENMODIFIED, RECORDNO)."""

    def __init__(self, query: ChangeQuery) -> None:
        self.query = query

    def latest(self, read: Read) -> Position | None:
        q = self.query
        rows = list(read(_listing(q.object, (q.key_field, q.modified_field), None,
                                  (q.modified_field, q.key_field), 1, descending=True)))
        return _position(rows[0], q.modified_field, q.key_field) if rows else None

    def read(self, read: Read, start: datetime | None, after: str | None, page_size: int,
             known: Callable[[Position], bool] | None = None) -> Iterator[Change]:
        q = self.query
        size = max(1, min(page_size, MAX_KEYS))
        while True:
            condition = _after(q.modified_field, q.key_field, start, after)
            rows = list(read(_listing(q.object, (q.key_field, q.modified_field), condition,
                                      (q.modified_field, q.key_field), size)))
            if not rows:
                return
            positions = [_position(row, q.modified_field, q.key_field) for row in rows]
            wanted = [key for listed, key in positions if not (known and known((listed, key)))]
            records = self._whole(read, wanted) if wanted else {}
            for listed, key in positions:
                if known and known((listed, key)):  # seen: its record is not read again
                    yield Change(key, listed, listed, None, None)
                    continue
                record = records.get(key)
                if record is None:  # deleted since it was listed: its deletion will say so
                    continue
                yield Change(key, listed, parse_stamp(record.get(q.modified_field)) or listed,
                             _created(record, q.created_field), record)
            if len(rows) < size:
                return
            start, after = positions[-1]

    def _whole(self, read: Read, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The listed records as readByQuery shows them (every field, dotted names)."""
        body = etree.Element("readByQuery")
        quoted = ",".join(key if key.isdigit() else _quoted(key) for key in keys)
        for tag, text in (("object", self.query.object), ("fields", "*"),
                          ("query", f"{self.query.key_field} IN ({quoted})"),
                          ("pagesize", str(MAX_KEYS))):
            etree.SubElement(body, tag).text = text
        return {str(record.get(self.query.key_field)): record for record in read(body)}


class AuditDeletions:
    """Deleted records of one object: its AUDITHISTORY rows with ACCESSMODE Deleted."""

    FIELDS = ("OBJECTKEY", "OBJECTDESC", "ACCESSTIME", "USERID", "SOURCE")

    def __init__(self, query: ChangeQuery) -> None:
        self.query = query

    def latest(self, read: Read) -> Position | None:
        rows = self._rows(read, None, 1, descending=True)
        return _position(rows[0], "ACCESSTIME", "OBJECTKEY") if rows else None

    def read(self, read: Read, start: datetime | None, after: str | None, page_size: int,
             known: Callable[[Position], bool] | None = None) -> Iterator[Change]:
        size = max(1, min(page_size, MAX_KEYS))
        while True:
            rows = self._rows(read, _after("ACCESSTIME", "OBJECTKEY", start, after), size)
            for row in rows:
                deleted = parse_stamp(row["ACCESSTIME"])
                record = {self.query.key_field: row["OBJECTKEY"], "ID": row["OBJECTDESC"],
                          "DELETEDAT": row["ACCESSTIME"], "DELETEDBY": row["USERID"],
                          "SOURCE": row["SOURCE"]}
                yield Change(str(row["OBJECTKEY"]), deleted, deleted, None, record)
            if len(rows) < size:
                return
            start, after = _position(rows[-1], "ACCESSTIME", "OBJECTKEY")

    def _rows(self, read: Read, condition: etree._Element | None, size: int, *,
              descending: bool = False) -> list[dict[str, Any]]:
        mine = [_compare("equalto", "OBJECTTYPE", self.query.object.lower()),
                _compare("equalto", "ACCESSMODE", "Deleted")]
        body = _listing(AUDIT_OBJECT, self.FIELDS, _all([*mine, condition]),
                        ("ACCESSTIME", "OBJECTKEY"), size, descending=descending)
        try:
            return list(read(body))
        except FunctionError as exc:
            raise DeletionsHidden(f"the company does not show {self.query.object}'s deletions "
                                  f"to this user (AUDITHISTORY refused: {exc.message})") from None


def _listing(obj: str, fields: Sequence[str], condition: etree._Element | None,
             order: Sequence[str], size: int, *, descending: bool = False) -> etree._Element:
    """A `query` of some fields in order (element order as in the DTD: object, select,
    filter, orderby, pagesize)."""
    body = etree.Element("query")
    etree.SubElement(body, "object").text = obj
    select = etree.SubElement(body, "select")
    for name in fields:
        etree.SubElement(select, "field").text = name
    if condition is not None:
        etree.SubElement(body, "filter").append(condition)
    orderby = etree.SubElement(body, "orderby")
    for name in order:
        entry = etree.SubElement(orderby, "order")
        etree.SubElement(entry, "field").text = name
        if descending:
            etree.SubElement(entry, "descending")
    etree.SubElement(body, "pagesize").text = str(size)
    return body


def _after(time_field: str, key_field: str, start: datetime | None,
           after: str | None) -> etree._Element | None:
    """From `start` on, or strictly after (start, after) in (time, key) order."""
    if start is None:
        return None
    stamp = format_stamp(start)
    if after is None:
        return _compare("greaterthanorequalto", time_field, stamp)
    same_second = _all([_compare("equalto", time_field, stamp),
                        _compare("greaterthan", key_field, after)])
    either = etree.Element("or")
    either.append(_compare("greaterthan", time_field, stamp))
    either.append(same_second)
    return either


def _compare(operator: str, field: str, value: str) -> etree._Element:
    element = etree.Element(operator)
    etree.SubElement(element, "field").text = field
    etree.SubElement(element, "value").text = value
    return element


def _all(conditions: Sequence[etree._Element | None]) -> etree._Element | None:
    present = [c for c in conditions if c is not None]
    if len(present) <= 1:
        return present[0] if present else None
    both = etree.Element("and")
    for condition in present:
        both.append(condition)
    return both


def _position(row: dict[str, Any], time_field: str, key_field: str) -> Position:
    when = parse_stamp(row[time_field])
    if when is None:
        raise ConnectorError(f"the gateway listed a record without {time_field}")
    return when, str(row[key_field])


def _created(record: dict[str, Any], field: str | None) -> datetime | None:
    if field is None:
        return None
    value = record.get(field)
    return parse_stamp(value) if isinstance(value, str) else None


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
