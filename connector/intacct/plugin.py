"""The bundled Sage Intacct connector, registered through the same hooks as any plugin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from connector.hookspecs import hookimpl
from connector.intacct.client import IntacctGateway

_PACKAGE = Path(__file__).resolve().parent.parent


def bundled_path(name: str) -> Path:
    """A file of the bundled connector: inside the wheel, or at the source checkout's root."""
    installed = _PACKAGE / "bundled" / name
    return installed if installed.exists() else _PACKAGE.parent / name


@hookimpl
def register_connectors(register: Callable[[Any], None]) -> None:
    register(bundled_path("manifest.yaml"))


@hookimpl
def register_auth_schemes(register: Callable[[str, Any], None]) -> None:
    register("intacct-xml", IntacctGateway)


@hookimpl
def register_jinja_filters(register: Callable[[str, Callable[..., Any]], None]) -> None:
    register("active_status", active_status)
    register("ymd", ymd)


def active_status(value: bool | None) -> str | None:
    """Intacct's STATUS for an "Active Status" toggle: true -> active, false -> inactive."""
    if value is None:
        return None
    return "active" if value else "inactive"


def ymd(value: str | None) -> Markup | None:
    """A MM/DD/YYYY date as the legacy functions' <year><month><day> children."""
    if value is None:
        return None
    date = dt.datetime.strptime(value, "%m/%d/%Y").date()
    return Markup(f"<year>{date.year}</year><month>{date.month:02d}</month>"
                  f"<day>{date.day:02d}</day>")
