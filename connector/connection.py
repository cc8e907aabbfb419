"""Finding a connection the way the official SDKs find one, field by field.

Which environment variables and which profile keys map to which connection field is declared
in the manifest, so the Intacct connector reads exactly what the official SDKs read
(INTACCT_SENDER_ID..., INTACCT_PROFILE, ~/.intacct/credentials.ini). Each field comes from the
first of these that has it (the ORDER below):

1. a connection file given explicitly (`--connection FILE`);
2. the environment variables;
3. a profile of the profile file: the one named (`--profile NAME`), else the one the profile
   variable names (INTACCT_PROFILE), else the default profile (`[default]`). A profile that
   was named must exist; the default one is used only when it does.

So variables fill what a profile omits, and override what it says, as in the SDKs. Where each
field came from is kept (`Found.sources`) for `connector connection show`.
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connector import jsontext
from connector.errors import ConnectionConfigError
from connector.validation import schema_errors

ORDER = ("the connection file (--connection)", "environment variables",
         "the profile named by --profile, else by the profile variable, else the default "
         "profile")
DEFAULT_PROFILE = "default"


@dataclass(frozen=True)
class Found:
    """A connection's values and, per field, the source it came from."""

    values: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)


def resolve_connection(declaration: Mapping[str, Any], schema: Mapping[str, Any], *,
                       file: str | Path | None = None, profile: str | None = None,
                       environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The connection, field by field from the file, the environment and a profile (see ORDER),
    checked against the schema."""
    found = find_connection(declaration, file=file, profile=profile, environ=environ)
    check_connection(schema, found.values)
    return found.values


def find_connection(declaration: Mapping[str, Any], *, file: str | Path | None = None,
                    profile: str | None = None, environ: Mapping[str, str] | None = None
                    ) -> Found:
    """The fields each source gives, merged in ORDER, not yet checked against the schema."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}

    def fill(given: Mapping[str, Any], source: Mapping[str, str] | str) -> None:
        for name, value in given.items():
            if name not in values:
                values[name] = value
                sources[name] = source if isinstance(source, str) else source[name]

    if file is not None:
        fill(load_connection_file(file), f"file {file}")
    variables = declaration.get("env", {})
    fill({name: environ[var] for name, var in variables.items() if environ.get(var)},
         {name: f"environment {var}" for name, var in variables.items()})
    from_profile = _profile(declaration, profile, environ)
    if from_profile is not None:
        fill(*from_profile)
    if not values:
        raise ConnectionConfigError(f"no connection given: {where_to_look(declaration)}")
    return Found(values, sources)


def secret_fields(schema: Mapping[str, Any]) -> set[str]:
    """Connection fields the schema marks as secret (format password, or writeOnly)."""
    return {name for name, prop in schema.get("properties", {}).items()
            if prop.get("format") == "password" or prop.get("writeOnly")}


def where_to_look(declaration: Mapping[str, Any]) -> str:
    """What a user can give, in one sentence, for messages and help."""
    options = ["pass --connection FILE", "--sandbox"]
    profiles = declaration.get("profiles")
    if profiles:
        options.insert(1, f"--profile NAME (of {profiles['file']})")
    variables = sorted(declaration.get("env", {}).values())
    text = ", ".join(options)
    return text + (", or set " + ", ".join(variables) if variables else "")


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
    problems = []
    for error in schema_errors(schema, dict(values), None):
        field_name = ".".join(str(p) for p in error.path)
        if error.validator == "required":
            problems.append(error.message.split("'")[1] + " is required")
        elif error.validator == "additionalProperties":
            problems.append("unknown field(s): " + ", ".join(sorted(set(values) - set(
                schema.get("properties", {})))))
        else:
            problems.append(f"{field_name}: invalid ({error.validator} "
                            f"{error.validator_value!r})")
    if problems:
        raise ConnectionConfigError("invalid connection: " + "; ".join(problems))


def _profile(declaration: Mapping[str, Any], named: str | None, environ: Mapping[str, str]
             ) -> tuple[dict[str, Any], str] | None:
    """The chosen profile's fields and where they came from; None when no profile applies."""
    profiles = declaration.get("profiles")
    if not profiles:
        if named is not None:
            raise ConnectionConfigError("this connector declares no profile file")
        return None
    variable = profiles.get("variable")
    by_variable = environ.get(variable, "").strip() if variable else ""
    name = named or by_variable or profiles.get("default", DEFAULT_PROFILE)
    explicit = bool(named or by_variable)
    path = Path(os.path.expanduser(profiles["file"]))
    parser = configparser.ConfigParser(interpolation=None, default_section="\0none")
    try:
        read = parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        reason = exc.message if isinstance(exc, configparser.Error) else "not UTF-8 text"
        raise ConnectionConfigError(f"profile file {path} cannot be read: "
                                    f"{reason.splitlines()[0]}") from None
    if not read or not parser.has_section(name):
        if not explicit:
            return None
        chosen = "--profile" if named else variable
        if not read:
            raise ConnectionConfigError(f"profile file {path} does not exist ({chosen} names "
                                        f"profile {name!r})")
        raise ConnectionConfigError(f"profile {name!r} ({chosen}) is not in {path}; it has: "
                                    + (", ".join(parser.sections()) or "no profile"))
    section = parser[name]
    values = {field_name: section[key] for field_name, key in profiles["keys"].items()
              if section.get(key)}
    return values, f"profile [{name}] of {profiles['file']}"
