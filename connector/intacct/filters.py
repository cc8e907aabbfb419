"""Jinja filters for the Intacct templates: the value conversions Intacct's XML asks for."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup


def active_status(value: bool | None) -> str | None:
    """Intacct's STATUS for an "Active Status" toggle: true -> active, false -> inactive."""
    if value is None:
        return None
    return "active" if value else "inactive"


def ymd(date: dt.date | None) -> Markup | None:
    """A date as the legacy functions' <year><month><day> children."""
    if date is None:
        return None
    return Markup(f"<year>{date.year}</year><month>{date.month:02d}</month>"
                  f"<day>{date.day:02d}</day>")


FILTERS = {"active_status": active_status, "ymd": ymd}
