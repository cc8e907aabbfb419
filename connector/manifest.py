"""Loading a manifest: YAML, validated against manifest.schema.json, every reference checked.

A broken manifest gives one ManifestError naming the file, the line, the path inside the YAML
(`actions[3].template`) and the problem, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import jsonschema
import yaml

from connector.errors import ManifestError
from connector.templates import compile_check, make_environment

_SCHEMA_PATH = Path(__file__).with_name("manifest.schema.json")


@dataclass(frozen=True)
class ActionSpec:
    """One declared action: what a form needs (schema) and what the runtime needs (the rest)."""

    key: str
    label: str
    description: str
    schema: dict[str, Any]
    template: str | None
    output: dict[str, Any]
    base_dir: Path
    xml_inputs: tuple[dict[str, Any], ...] = ()
    options_from_inputs: dict[str, str] = field(default_factory=dict)
    ui_callable: bool = False
    example_output: Any = None


@dataclass(frozen=True)
class DataSourceSpec:
    """One picklist: which object to read, which field is the key and how to label an item."""

    key: str
    label: str
    description: str
    schema: dict[str, Any]
    object: str
    key_field: str | dict[str, Any]
    label_format: str | dict[str, Any]
    query: str = ""


@dataclass(frozen=True)
class Manifest:
    """A validated manifest and the directory its paths are relative to."""

    path: Path
    connector: dict[str, Any]
    connection_schema: dict[str, Any]
    connection: dict[str, Any]
    defaults: dict[str, Any]
    actions: tuple[ActionSpec, ...]
    datasources: tuple[DataSourceSpec, ...]

    @property
    def base_dir(self) -> Path:
        return self.path.parent


def load_manifest(path: str | Path,
                  filters: Mapping[str, Callable[..., Any]] | None = None) -> Manifest:
    """Load and fully check a manifest; `filters` are the Jinja filters plugins registered."""
    path = Path(path).resolve()
    checker = _Checker(path)
    data = checker.load_yaml()
    checker.validate(data)
    base = path.parent
    env = make_environment(base, filters or {})
    connection_schema = checker.json_schema(data["connection"]["schema"], "connection.schema")
    actions = tuple(checker.action(i, a, env) for i, a in enumerate(data["actions"]))
    datasources = tuple(checker.datasource(i, d) for i, d in enumerate(data.get("datasources", [])))
    checker.unique([a.key for a in actions] + [d.key for d in datasources], data)
    return Manifest(path, data["connector"], connection_schema, data["connection"],
                    data.get("defaults", {}), actions, datasources)


def load_actions(path: str | Path) -> tuple[tuple[ActionSpec, ...], tuple[DataSourceSpec, ...]]:
    """Actions and data sources from a plugin's own YAML file (`actions:` / `datasources:`).

    Paths in it are relative to the file. Templates are compiled when the connector loads,
    once every plugin's filters are known.
    """
    path = Path(path).resolve()
    checker = _Checker(path)
    data = checker.load_yaml()
    defs = _manifest_validator().schema["$defs"]
    fragment_schema = {
        "type": "object", "additionalProperties": False, "$defs": defs,
        "properties": {"actions": {"type": "array", "items": {"$ref": "#/$defs/action"}},
                       "datasources": {"type": "array",
                                       "items": {"$ref": "#/$defs/datasource"}}}}
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(fragment_schema).iter_errors(data))
    if error is not None:
        raise checker.fail(error.absolute_path, error.message)
    data.setdefault("actions", [])
    actions = tuple(checker.action(i, a, None) for i, a in enumerate(data["actions"]))
    datasources = tuple(checker.datasource(i, d) for i, d in enumerate(data.get("datasources", [])))
    checker.unique([a.key for a in actions] + [d.key for d in datasources], data)
    return actions, datasources


@cache
def _manifest_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(_SCHEMA_PATH.read_text()))


class _Checker:
    """Collects the context (file, YAML nodes) needed to say exactly where a problem is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.node: yaml.Node | None = None

    def fail(self, location: Iterable[Any], problem: str) -> ManifestError:
        parts = list(location)
        return ManifestError(str(self.path), _format_path(parts), problem, self._line(parts))

    def load_yaml(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ManifestError(str(self.path), "", f"cannot read: {exc.strerror}") from None
        try:
            self.node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else None
            raise ManifestError(str(self.path), "", f"not valid YAML: {exc}", line) from None
        if not isinstance(data, dict):
            raise ManifestError(str(self.path), "", "must be a mapping at the top level")
        return data

    def validate(self, data: dict[str, Any]) -> None:
        error = jsonschema.exceptions.best_match(_manifest_validator().iter_errors(data))
        if error is not None:
            raise self.fail(error.absolute_path, error.message)

    def file(self, location: list[Any], relative: str) -> Path:
        target = (self.path.parent / relative).resolve()
        if not target.is_file():
            raise self.fail(location, f"file {relative} does not exist")
        return target

    def json_schema(self, relative: str, where: str) -> dict[str, Any]:
        location = where.split(".")
        try:
            schema = json.loads(self.file(location, relative).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise self.fail(location, f"{relative} is not valid JSON: {exc}") from None
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            path = "/".join(str(p) for p in exc.absolute_path) or "(root)"
            raise self.fail(location, f"{relative} is not a valid JSON Schema at {path}: "
                                      f"{exc.message}") from None
        if schema.get("type") != "object":
            raise self.fail(location, f"{relative} must describe an object of inputs")
        return schema

    def action(self, index: int, entry: dict[str, Any],
               env: jinja2.Environment | None) -> ActionSpec:
        where = ["actions", index]
        schema = self.json_schema(entry["schema"], f"actions.{index}.schema")
        template = entry.get("template")
        xml_inputs = tuple(entry.get("xml_inputs", []))
        if template:
            self.file([*where, "template"], template)
            try:
                if env is not None:
                    compile_check(env, template)
            except jinja2.TemplateSyntaxError as exc:
                raise self.fail([*where, "template"],
                                f"{template}:{exc.lineno}: {exc.message}") from None
            except jinja2.TemplateError as exc:
                raise self.fail([*where, "template"], f"{template}: {exc}") from None
        elif not any(x.get("as_function") for x in xml_inputs):
            raise self.fail(where, "needs a template, or an xml input with as_function: true")
        inputs = set(schema.get("properties", {}))
        for i, xml_input in enumerate(xml_inputs):
            if xml_input["input"] not in inputs:
                raise self.fail([*where, "xml_inputs", i, "input"],
                                f"{xml_input['input']!r} is not an input of {entry['schema']}")
        for option, name in entry.get("options_from_inputs", {}).items():
            if name not in inputs:
                raise self.fail([*where, "options_from_inputs", option],
                                f"{name!r} is not an input of {entry['schema']}")
        example = None
        if "example_output" in entry:
            example_path = self.file([*where, "example_output"], entry["example_output"])
            example = json.loads(example_path.read_text(encoding="utf-8"))
        return ActionSpec(
            key=entry["key"], label=entry["label"], description=entry["description"],
            schema=schema, template=template, output=entry["output"], base_dir=self.path.parent,
            xml_inputs=xml_inputs, options_from_inputs=entry.get("options_from_inputs", {}),
            ui_callable=entry.get("ui_callable", False), example_output=example,
        )

    def datasource(self, index: int, entry: dict[str, Any]) -> DataSourceSpec:
        schema = self.json_schema(entry["schema"], f"datasources.{index}.schema")
        where = ["datasources", index, "declaration"]
        path = self.file(where, entry["declaration"])
        try:
            declaration = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise self.fail(where, f"{entry['declaration']} is not valid YAML: {exc}") from None
        validator = jsonschema.Draft202012Validator(
            {**_manifest_validator().schema["$defs"]["datasourceDeclaration"],
             "$defs": _manifest_validator().schema["$defs"]})
        error = jsonschema.exceptions.best_match(validator.iter_errors(declaration))
        if error is not None:
            inner = ".".join(map(str, error.absolute_path))
            raise self.fail(where, f"{entry['declaration']}{' at ' + inner if inner else ''}: "
                                   f"{error.message}")
        return DataSourceSpec(
            key=entry["key"], label=entry["label"], description=entry["description"],
            schema=schema, object=declaration["object"], key_field=declaration["key_field"],
            label_format=declaration["label_format"], query=declaration.get("query", ""),
        )

    def unique(self, keys: list[str], data: dict[str, Any]) -> None:
        seen: set[str] = set()
        entries = [("actions", i) for i in range(len(data["actions"]))] + [
            ("datasources", i) for i in range(len(data.get("datasources", [])))]
        for key, where in zip(keys, entries, strict=True):
            if key in seen:
                raise self.fail([*where, "key"], f"duplicate key {key!r}")
            seen.add(key)

    def _line(self, parts: list[Any]) -> int | None:
        """The line of the deepest YAML node the path reaches."""
        node, found = self.node, self.node
        for part in parts:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                node = node.value[part] if part < len(node.value) else None
            else:
                node = None
            if node is None:
                break
            found = node
        return found.start_mark.line + 1 if found is not None else None


def _format_path(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
