"""The bundled Sage Intacct connector, registered through the same hooks as any plugin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from connector.hookspecs import hookimpl
from connector.intacct.client import IntacctGateway
from connector.intacct.filters import FILTERS

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
    for name, function in FILTERS.items():
        register(name, function)
