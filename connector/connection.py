"""Finding a connection: a JSON/YAML file, environment variables, or an INI profile.

Which environment variables and which profile keys map to which connection field is declared
in the manifest, so the Intacct connector reads exactly what the official SDKs read
(INTACCT_SENDER_ID..., ~/.intacct/credentials.ini).
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema

from connector import jsontext
from connector.errors import ConnectionConfigError


def resolve_connection(declaration: Mapping[str, Any], schema: Mapping[str, Any], *,
                       file: str | Path | None = None, profile: str | None = None,
                       environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The connection from a file if given, else a named profile if given, else the environment."""
    if file is not None:
        values = load_connection_file(file)
    elif profile is not None:
        values = _from_profile(declaration, profile)
    else:
        values = _from_environment(declaration, os.environ if environ is None else environ)
        if not values:
            raise ConnectionConfigError(
                "no connection given: pass --connection FILE, --profile NAME, --sandbox, or set "
                + ", ".join(sorted(declaration.get("env", {}).values())))
    check_connection(schema, values)
    return values


def load_connection_file(path: str | Path) -> dict[str, Any]:
    """A connection object from a JSON or YAML file. A syntax error names the line and column,
    never the text there: the file holds passwords."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConnectionConfigError(f"cannot read connection file {path}: {exc.strerror}") from None
    try:
        values = (jsontext.loads(raw) if str(path).endswith(".json")
                  else jsontext.loads_json_or_yaml(raw))
    except jsontext.JSONTextError as exc:
        raise ConnectionConfigError(f"connection file {path}: {exc}") from None
    if not isinstance(values, dict):
        raise ConnectionConfigError(f"connection file {path} must hold an object")
    return values


def check_connection(schema: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    """Validate against the connection schema; messages name fields, never their values."""
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in validator.iter_errors(dict(values)):
        field = ".".join(str(p) for p in error.path)
        if error.validator == "required":
            problems.append(error.message.split("'")[1] + " is required")
        elif error.validator == "additionalProperties":
            problems.append("unknown field(s): " + ", ".join(sorted(set(values) - set(
                schema.get("properties", {})))))
        else:
            problems.append(f"{field}: invalid ({error.validator} {error.validator_value!r})")
    if problems:
        raise ConnectionConfigError("invalid connection: " + "; ".join(problems))


def _from_environment(declaration: Mapping[str, Any], environ: Mapping[str, str]
                      ) -> dict[str, Any]:
    return {field: environ[var] for field, var in declaration.get("env", {}).items()
            if environ.get(var)}


def _from_profile(declaration: Mapping[str, Any], profile: str) -> dict[str, Any]:
    profiles = declaration.get("profiles")
    if not profiles:
        raise ConnectionConfigError("this connector declares no profile file")
    path = Path(os.path.expanduser(profiles["file"]))
    parser = configparser.ConfigParser(interpolation=None)
    if not parser.read(path, encoding="utf-8"):
        raise ConnectionConfigError(f"profile file {path} does not exist")
    if not parser.has_section(profile):
        raise ConnectionConfigError(f"profile {profile!r} is not in {path}")
    section = parser[profile]
    return {field: section[key] for field, key in profiles["keys"].items() if section.get(key)}
