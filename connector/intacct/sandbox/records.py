"""Record lifecycle shared by generic and legacy functions: validation, ID assignment, system
fields, owned lines, and the nested view a read returns."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from . import errors
from .errors import Refused
from .objects import ObjectDef, missing_required
from .store import Record, Store


def now_stamp(epoch: float) -> str:
    """WHENMODIFIED-style timestamp, as in the reference read examples."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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


def _amount(line: Record) -> Decimal | None:
    text = line.get("TRX_AMOUNT", line.get("AMOUNT", ""))
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


def _totals(lines: list[Record]) -> dict[str, str]:
    amounts = [_amount(line) for line in lines]
    if not lines or any(a is None for a in amounts):
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
    """Creates, updates, deletes and reads records of defined objects in the store."""

    def __init__(self, store: Store, clock_now: float, userid: str) -> None:
        self.store = store
        self.now = clock_now
        self.userid = userid

    # -- validation ------------------------------------------------------------------------------

    def _check_required(self, odef: ObjectDef, data: Record, verb: str) -> None:
        required = tuple(
            alts for alts in odef.required if not (odef.id_prefix and alts == (odef.id_field,))
        )
        missing = missing_required(data, required)
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
                errors.duplicate_id(odef.label, value), errors.could_not(verb, odef.label)
            )
        return value

    # -- lines -----------------------------------------------------------------------------------

    def _write_lines(self, odef: ObjectDef, recordno: int, header: Record, lines: list[Record]):
        assert odef.lines is not None
        self.store.delete_lines(odef.name, recordno)
        for number, line in enumerate(lines, start=1):
            data: Record = {
                odef.lines.parent_key: str(recordno),
                **{key: str(recordno) for key in odef.lines.extra_parent_keys},
                "LINE_NO": str(number),
                **line,
            }
            if "AMOUNT" not in data and "TRX_AMOUNT" in data:
                data["AMOUNT"] = data["TRX_AMOUNT"]
            if "TRX_AMOUNT" not in data and "AMOUNT" in data:
                data["TRX_AMOUNT"] = data["AMOUNT"]
            data.setdefault("CURRENCY", header.get("CURRENCY", ""))
            data.setdefault("STATUS", "active")
            data.setdefault("WHENCREATED", header.get("WHENCREATED", now_stamp(self.now)))
            data["WHENMODIFIED"] = now_stamp(self.now)
            self.store.insert(odef.lines.object, data, parent=(odef.name, recordno), line_no=number)

    # -- public operations -----------------------------------------------------------------------

    def create(self, odef: ObjectDef, data: Record) -> Record:
        """Validate and store a new record with its lines; returns the stored header."""
        lines = lines_from(odef, data)
        self._check_required(odef, data, "create")
        if odef.lines is not None:
            self._check_lines(odef, lines or [], "create")
        id_value = self._claim_id(odef, data, "create", own=None)
        stamp = now_stamp(self.now)
        record: Record = {}
        if odef.id_field:
            record[odef.id_field] = id_value
        record.update(data)
        for key, value in odef.defaults.items():
            record.setdefault(key, value)
        record.update({k: v for k, v in _totals(lines or []).items() if k not in data})
        record.setdefault("WHENCREATED", stamp)
        record["WHENMODIFIED"] = stamp
        record.setdefault("CREATEDUSERID", self.userid)
        recordno = self.store.insert(odef.name, record, id_value=id_value)
        if odef.lines is not None:
            self._write_lines(odef, recordno, record, lines or [])
        stored = self.store.get(odef.name, recordno)
        assert stored is not None
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
            self._check_lines(odef, lines, "update")
            merged.update(_totals(lines))
        merged["WHENMODIFIED"] = now_stamp(self.now)
        self.store.replace(odef.name, recordno, merged, id_value)
        if lines is not None:
            self._write_lines(odef, recordno, merged, lines)
        return merged

    def delete(self, odef: ObjectDef, key: str) -> None:
        if not self.store.delete(odef.name, int(key) if key.isdigit() else -1):
            raise Refused(errors.record_not_found(odef.label, key, "delete"))

    def with_lines(self, odef: ObjectDef, record: Record) -> Record:
        """The nested view of read: owned lines under their wrapper, lowercase item tags."""
        if odef.lines is None:
            return record
        lines = self.store.lines(odef.name, int(record["RECORDNO"]))
        if not lines:
            return record
        item = odef.lines.item.lower()
        return {**record, odef.lines.wrapper: {item: lines if len(lines) > 1 else lines[0]}}
