"""Record lifecycle shared by generic and legacy functions: required fields, ID assignment,
system fields (timestamps in the company's zone, totals), owned lines, the AUDITHISTORY trail,
and the view a read returns (lines nested, related names joined)."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from . import errors
from .clock import stamp
from .errors import Refused
from .objects import AUDIT_HISTORY, OBJECTS, LineDef, ObjectDef, missing_required
from .store import Record, Store


def as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def lines_from(odef: ObjectDef, data: Record) -> list[Record] | None:
    """Pop the owned-lines wrapper out of a request record; None when it was not sent."""
    if odef.lines is None or odef.lines.wrapper not in data:
        return None
    wrapper = data.pop(odef.lines.wrapper)
    if not isinstance(wrapper, dict):
        return []
    items = as_list(wrapper.get(odef.lines.item)) or as_list(wrapper.get(odef.lines.item.lower()))
    return [item if isinstance(item, dict) else {} for item in items]


def _amount(lines: LineDef, line: Record) -> Decimal | None:
    text = next((line[name] for name in lines.amounts if name in line), "")
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


def _totals(lines: LineDef, items: list[Record]) -> dict[str, str]:
    amounts = [_amount(lines, line) for line in items]
    if not items or any(a is None for a in amounts):
        return {}
    total = str(sum(a for a in amounts if a is not None))
    return {
        "TOTALENTERED": total,
        "TRX_TOTALENTERED": total,
        "TOTALDUE": total,
        "TRX_TOTALDUE": total,
    }


def deep_merge(base: Record, changes: Record) -> Record:
    """Update semantics: only sent fields change, nested blocks merge field by field."""
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


class Records:
    """Creates, updates, deletes and reads records of defined objects in a company's store.

    `now` is the instant every timestamp of this call gets (a late commit's is its request's
    start); `audit` leaves an AUDITHISTORY row for each write, as API calls do.
    """

    def __init__(self, store: Store, now: float, userid: str, tz: tzinfo = timezone.utc,
                 audit: bool = False) -> None:
        self.store = store
        self.now = now
        self.userid = userid
        self.tz = tz
        self.audit = audit

    @cached_property
    def stamp(self) -> str:
        """The timestamp of every write in this call, in the company's zone."""
        return stamp(self.now, self.tz)

    # -- validation ------------------------------------------------------------------------------

    def _check_required(self, odef: ObjectDef, data: Record, verb: str) -> None:
        missing = missing_required(data, odef.required_in_writes)
        if missing:
            raise Refused(
                errors.required_field(odef.name, missing), errors.could_not(verb, odef.label)
            )

    def _check_lines(self, odef: ObjectDef, lines: list[Record], verb: str) -> None:
        assert odef.lines is not None
        if len(lines) < odef.lines.min_lines:
            raise Refused(
                errors.required_field(odef.name, f"{odef.lines.wrapper}.{odef.lines.item}"),
                errors.could_not(verb, odef.label),
            )
        for number, line in enumerate(lines, start=1):
            missing = missing_required(line, odef.lines.required)
            if missing:
                raise Refused(
                    errors.required_field(f"{odef.lines.object} (line {number})", missing),
                    errors.could_not(verb, odef.label),
                )

    def _claim_id(self, odef: ObjectDef, data: Record, verb: str, own: int | None) -> str | None:
        if odef.id_field is None:
            return None
        value = str(data.get(odef.id_field) or "")
        if not value and odef.id_prefix:
            while True:
                n = self.store.next_value(f"docseq:{odef.name}")
                value = f"{odef.id_prefix}{n:05d}"
                if self.store.get_by_id(odef.name, value) is None:
                    break
            data[odef.id_field] = value
        existing = self.store.get_by_id(odef.name, value)
        if existing is not None and int(existing["RECORDNO"]) != own:
            raise Refused(
                errors.duplicate_id(odef.label, odef.name, odef.id_field, value),
                errors.could_not(verb, odef.label),
            )
        return value

    # -- system fields ---------------------------------------------------------------------------

    def _created(self, odef: ObjectDef, record: Record) -> None:
        """Creation fields a record of this object carries: the timestamp (AUWHENCREATED on
        documents), WHENCREATED as today's date where it is a date not sent, who created it."""
        fields = odef.by_name
        record[odef.created_field] = self.stamp
        created = fields.get("WHENCREATED")
        if created is not None and created.type == "DATE" and not record.get("WHENCREATED"):
            today = datetime.fromtimestamp(self.now, tz=self.tz)
            record["WHENCREATED"] = today.strftime("%m/%d/%Y")
        for name in ("CREATEDBY", "MODIFIEDBY"):
            if name in fields:
                record.setdefault(name, "1")
        if "CREATEDUSERID" in fields:
            record.setdefault("CREATEDUSERID", self.userid)

    def _write_lines(self, odef: ObjectDef, recordno: int, header: Record, lines: list[Record]):
        assert odef.lines is not None
        line_def = odef.lines
        self.store.delete_lines(odef.name, recordno)
        for number, line in enumerate(lines, start=1):
            data: Record = {
                line_def.parent_key: str(recordno),
                **{key: str(recordno) for key in line_def.extra_parent_keys},
                "LINE_NO": str(number),
                **line,
            }
            first, *others = line_def.amounts
            for name in others:
                if name in data and first not in data:
                    data[first] = data[name]
                if first in data and name not in data:
                    data[name] = data[first]
            data.setdefault("CURRENCY", header.get("CURRENCY", ""))
            data.setdefault("STATUS", "active")
            data["WHENCREATED"] = data.get("WHENCREATED") or self.stamp
            data["WHENMODIFIED"] = self.stamp
            self.store.add(line_def.object, data, parent=(odef.name, recordno), line_no=number)

    def _trail(self, odef: ObjectDef, record: Record, mode: str) -> None:
        """An AUDITHISTORY row for a write of a top-level record (written with the
        transaction's other trail rows when it ends, or when AUDITHISTORY is read first)."""
        if not self.audit or odef.name not in OBJECTS:
            return
        desc = record.get(odef.id_field or "RECORDID") or record.get("RECORDID") or ""
        self.store.add_later(AUDIT_HISTORY.name, {
            "OBJECTTYPE": odef.name.lower(),
            "OBJECTKEY": str(record["RECORDNO"]),
            "OBJECTDESC": str(desc),
            "ACCESSMODE": mode,
            "ACCESSTIME": self.stamp,
            "USERID": self.userid,
            "SOURCE": "api",
        })

    # -- public operations -----------------------------------------------------------------------

    def create(self, odef: ObjectDef, data: Record) -> Record:
        """Validate and store a new record with its lines; returns the stored header."""
        lines = lines_from(odef, data)
        self._check_required(odef, data, "create")
        if odef.lines is not None:
            self._check_lines(odef, lines or [], "create")
        id_value = self._claim_id(odef, data, "create", own=None)
        record: Record = {}
        if odef.id_field:
            record[odef.id_field] = id_value
        record.update(data)
        for key, value in odef.defaults.items():
            record.setdefault(key, value)
        if odef.lines is not None:
            totals = _totals(odef.lines, lines or [])
            record.update({k: v for k, v in totals.items() if k not in data})
        self._created(odef, record)
        record["WHENMODIFIED"] = self.stamp
        stored = self.store.add(odef.name, record, id_value=id_value)
        if odef.lines is not None:
            self._write_lines(odef, int(stored["RECORDNO"]), record, lines or [])
        self._trail(odef, stored, "Created")
        return stored

    def find_existing(self, odef: ObjectDef, data: Record, verb: str) -> Record:
        """The record an update addresses, by RECORDNO or by the object's ID field."""
        key = str(data.get("RECORDNO") or "")
        record = self.store.get(odef.name, key) if key else None
        if not key and odef.id_field and data.get(odef.id_field):
            key = str(data[odef.id_field])
            record = self.store.get_by_id(odef.name, key)
        if not key:
            field = "RECORDNO" + (f" or {odef.id_field}" if odef.id_field else "")
            raise Refused(
                errors.required_field(odef.name, field), errors.could_not(verb, odef.label)
            )
        if record is None:
            raise Refused(
                errors.record_not_found(odef.label, key, verb), errors.could_not(verb, odef.label)
            )
        return record

    def update(self, odef: ObjectDef, data: Record, existing: Record) -> Record:
        """Apply sent fields (and a full replacement of lines, when sent) to a record."""
        recordno = int(existing["RECORDNO"])
        lines = lines_from(odef, data)
        data.pop("RECORDNO", None)
        merged = deep_merge(existing, data)
        self._check_required(odef, merged, "update")
        id_value = self._claim_id(odef, merged, "update", own=recordno)
        if lines is not None:
            assert odef.lines is not None
            self._check_lines(odef, lines, "update")
            merged.update(_totals(odef.lines, lines))
        merged["WHENMODIFIED"] = self.stamp
        self.store.replace(odef.name, recordno, merged, id_value)
        if lines is not None:
            self._write_lines(odef, recordno, merged, lines)
        self._trail(odef, merged, "Modified")
        return merged

    def delete(self, odef: ObjectDef, key: str) -> None:
        recordno = int(key) if key.isdigit() else -1
        record = self.store.get(odef.name, recordno)
        if record is None or not self.store.delete(odef.name, recordno):
            raise Refused(errors.record_not_found(odef.label, key, "delete"))
        self._trail(odef, record, "Deleted")

    # -- reading ---------------------------------------------------------------------------------

    def present(self, odef: ObjectDef, records: list[Record]) -> list[Record]:
        """Records as reads show them: with the names they look up from other objects
        (CUSTOMERNAME from the customer), as the real gateway joins them."""
        if not odef.related or not records:
            return records
        names: dict[tuple[str, str], str] = {}
        out = []
        for record in records:
            shown = dict(record)
            for related in odef.related:
                key = str(record.get(related.by) or "")
                if not key:
                    continue
                if (related.object, key) not in names:
                    other = self.store.get_by_id(related.object, key)
                    names[(related.object, key)] = str(other.get(related.take, "")) if other \
                        else ""
                shown[related.field] = names[(related.object, key)]
            out.append(shown)
        return out

    def with_lines(self, odef: ObjectDef, record: Record) -> Record:
        """The nested view of read: owned lines under their wrapper, lowercase item tags."""
        if odef.lines is None:
            return record
        lines = self.store.lines(odef.name, int(record["RECORDNO"]))
        if not lines:
            return record
        item = odef.lines.item.lower()
        return {**record, odef.lines.wrapper: {item: lines if len(lines) > 1 else lines[0]}}
