"""The service's named connections and its token, read from owner-only files.

Credentials stay on the server: callers name a connection, they never send or see one. Files
holding secrets are refused when group or others may read or write them, as ssh refuses keys.
Error messages name files, fields and lines, never values.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from connector.connection import check_connection
from connector.errors import ConnectionConfigError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_private(path: str | Path, what: str) -> None:
    """Refuse a file that group or others can read or write (mode & 0o077)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise ConnectionConfigError(f"cannot read {what} {path}: {exc.strerror}") from None
    if not stat.S_ISREG(mode):
        raise ConnectionConfigError(f"{what} {path} is not a regular file")
    if os.name == "posix" and mode & 0o077:
        raise ConnectionConfigError(
            f"{what} {path} is accessible by group or others (mode {stat.S_IMODE(mode):04o}); "
            f"it holds secrets: run chmod 600 {path}")


def load_connections(path: str | Path, schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A YAML or JSON mapping of name -> connection, each checked against the schema."""
    check_private(path, "connections file")
    loaded = _parse(Path(path))
    if not isinstance(loaded, dict):
        raise ConnectionConfigError(f"connections file {path} must map names to connections")
    connections = {}
    for name, values in loaded.items():
        if not isinstance(name, str) or not NAME.match(name):
            raise ConnectionConfigError(
                f"connections file {path}: {str(name)[:64]!r} is not a connection name "
                "(letters, digits, '_', '.', '-'; at most 64)")
        if not isinstance(values, dict):
            raise ConnectionConfigError(f"connections file {path}: {name!r} must be an object")
        try:
            check_connection(schema, values)
        except ConnectionConfigError as exc:
            raise ConnectionConfigError(f"connections file {path}: {name!r}: {exc}") from None
        connections[name] = values
    return connections


def read_token(path: str | Path) -> str:
    """The bearer token from an owner-only file (surrounding whitespace ignored)."""
    check_private(path, "token file")
    token = _read(Path(path), "token file").strip()
    if not token:
        raise ConnectionConfigError(f"token file {path} is empty")
    return token


def _parse(path: Path) -> Any:
    """JSON or YAML; parse errors give the position only, since the text around it may be a
    password."""
    text = _read(path, "connections file")
    try:
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ConnectionConfigError(f"connections file {path} is not valid JSON "
                                    f"(line {exc.lineno}, column {exc.colno})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConnectionConfigError(f"connections file {path} is not valid YAML{where}") from None


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConnectionConfigError(f"cannot read {what} {path}: {reason}") from None
