"""Jinja filters for the Intacct templates: the value conversions Intacct's XML asks for."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from connector.errors import XMLInputError
from connector.inputs import parse_date

DATE_FORMATS = ("%m/%d/%Y",)  # what Intacct users type, besides ISO 8601


def active_status(value: bool | None) -> str | None:
    """Intacct's STATUS for an "Active Status" toggle: true -> active, false -> inactive."""
    if value is None:
        return None
    return "active" if value else "inactive"


def ymd(value: dt.date | str | None) -> Markup | None:
    """A date as the legacy functions' <year><month><day> children. An input declared as a
    date arrives as a date; a date inside free-form line fields is still text."""
    if value is None:
        return None
    date = value if isinstance(value, dt.date) else _date_text(value)
    return Markup(f"<year>{date.year}</year><month>{date.month:02d}</month>"
                  f"<day>{date.day:02d}</day>")


def _date_text(text: str) -> dt.date:
    try:
        return parse_date(str(text), DATE_FORMATS)
    except ValueError as exc:
        raise XMLInputError(f"a date in the line fields: {exc}") from None


FILTERS = {"active_status": active_status, "ymd": ymd}
