"""The bundled Sage Intacct connector, registered through the same hooks as any plugin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from connector.hookspecs import hookimpl
from connector.intacct.filters import FILTERS
from connector.intacct.protocol import IntacctProtocol

_PACKAGE = Path(__file__).resolve().parent.parent


def bundled_path(name: str) -> Path:
    """A file of the bundled connector: inside the wheel, or at the source checkout's root."""
    installed = _PACKAGE / "bundled" / name
    return installed if installed.exists() else _PACKAGE.parent / name


@hookimpl
def register_connectors(register: Callable[[Any], None]) -> None:
    register(bundled_path("manifest.yaml"))


@hookimpl
def register_protocols(register: Callable[[str, Any], None]) -> None:
    register(IntacctProtocol.name, IntacctProtocol)


@hookimpl
def register_jinja_filters(register: Callable[[str, Callable[..., Any]], None]) -> None:
    for name, function in FILTERS.items():
        register(name, function)


@hookimpl
def register_commands(register: Callable[[Any], None]) -> None:
    from connector.intacct.commands import LazySandboxGroup  # click: for the CLI only

    register(LazySandboxGroup("sandbox", help="A local emulator of the Sage Intacct XML "
                                              "gateway (docs/sandbox.md)."))
