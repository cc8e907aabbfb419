"""Loading a manifest: YAML, validated against manifest.schema.json, every reference checked.

A broken manifest gives one ManifestError naming the file, the line, the path inside the YAML
(`actions[3].template`) and the problem, never a traceback. Files follow a convention so most
entries need no paths: `schemas/{key}.json`, the template `actions/{key}` plus the protocol's
suffix, `examples/outputs/{key}.json` and the output schema `schemas/outputs/{key}.json` when
present, `datasources/{key}.yaml`; any of them can be given explicitly. A trigger is declared
inline (its object, key and timestamp fields, which inputs steer it) with the same schema
conventions. JSON Schemas may share fragments through `$ref` to other files; those are
resolved here, so everything downstream (validation, the catalog, OpenAPI) sees flat schemas.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connector import manifestcache
from connector.errors import ManifestError
from connector.settings import Settings

if TYPE_CHECKING:  # a manifest read from the cache is never checked: imported on a miss
    import jsonschema
    import yaml

_SCHEMA_PATH = Path(__file__).with_name("manifest.schema.json")
# The manifest format this framework reads; a manifest without `manifest_version` is version 1.
MANIFEST_VERSION = 1


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
    template_params: dict[str, Any] = field(default_factory=dict)
    handler: str | None = None
    xml_inputs: tuple[dict[str, Any], ...] = ()
    ui_callable: bool = False
    example_output: Any = None
    output_schema: dict[str, Any] | None = None  # JSON Schema of the output's `data`


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
    output_schema: dict[str, Any] | None = None  # JSON Schema of the list of items


@dataclass(frozen=True)
class TriggerSpec:
    """One declared trigger: an exactly-once feed of one object's changes (connector.triggers).

    `object` and `created_field` may be read from an input ({input, values, default}); the
    `report` toggles and the batching options may be constants or inputs.
    """

    key: str
    label: str
    description: str
    schema: dict[str, Any]
    object: str | dict[str, Any]
    modified_field: str
    key_field: str | None = None
    created_field: str | dict[str, Any] | None = None
    report: dict[str, Any] = field(default_factory=dict)
    lookback_input: str | None = None
    batching: dict[str, Any] = field(default_factory=dict)
    overlap_seconds: int = 300
    max_events: int = 500
    output_schema: dict[str, Any] | None = None
    example_output: Any = None

    def inputs_read(self) -> dict[str, str]:
        """Every input the declaration reads, with the option that reads it."""
        options = {"object": self.object, "created_field": self.created_field,
                   **{f"report.{kind}": toggle for kind, toggle in self.report.items()},
                   **{f"batching.{name}": value for name, value in self.batching.items()}}
        read = {value["input"]: name for name, value in options.items()
                if isinstance(value, dict)}
        if self.lookback_input:
            read[self.lookback_input] = "lookback_input"
        return read

    def delivery_inputs(self) -> frozenset[str]:
        """The inputs that only change how events are delivered (batching), not which."""
        return frozenset(value["input"] for value in self.batching.values()
                         if isinstance(value, dict))


@dataclass(frozen=True)
class Manifest:
    """A validated manifest, the protocol that runs it, and its settings."""

    path: Path
    connector: dict[str, Any]
    connection_schema: dict[str, Any]
    connection: dict[str, Any]
    settings: Settings
    protocol: Any  # a connector.protocol.ConnectorProtocol
    actions: tuple[ActionSpec, ...]
    datasources: tuple[DataSourceSpec, ...]
    triggers: tuple[TriggerSpec, ...] = ()

    @property
    def base_dir(self) -> Path:
        return self.path.parent


def load_manifest(path: str | Path, protocols: Mapping[str, Callable[..., Any]],
                  filters: Mapping[str, Callable[..., Any]] | None = None, *,
                  cache: bool = True) -> Manifest:
    """Load and fully check a manifest. `protocols` are the factories plugins registered by
    name; the manifest's protocol is built with the Jinja `filters` plugins registered and
    checks every action it will run.

    A manifest checked before, whose files have not changed since, is read from the cache
    (connector.manifestcache) instead of being checked again; `cache=False` always checks.
    """
    path = Path(path).resolve()
    filters = filters or {}
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ManifestError(str(path), "", f"cannot read: {exc.strerror}") from None
    use_cache = cache and manifestcache.enabled()
    key = manifestcache.entry_key(raw, _cache_salt(path, protocols, filters)) \
        if use_cache else ""
    cached = manifestcache.load(key) if use_cache else None
    if cached is not None:
        return _from_cache(path, cached, protocols, filters)
    checker = _Checker(path)
    data = checker.load_yaml()
    checker.validate(data)
    _check_version(checker, data)
    name = data["connector"]["protocol"]
    if name not in protocols:
        known = ", ".join(sorted(protocols)) or "none"
        raise checker.fail(["connector", "protocol"], f"no plugin registered the protocol "
                                                      f"{name!r} (registered: {known})")
    protocol = protocols[name](filters)
    try:
        settings = Settings.from_manifest(data.get("defaults", {}), protocol.limits)
    except ValueError as exc:
        raise checker.fail(["defaults"], str(exc)) from None
    connection_schema = checker.json_schema(["connection", "schema"],
                                            data["connection"]["schema"])
    actions = tuple(checker.action(i, a, protocol) for i, a in enumerate(data["actions"]))
    datasources = tuple(checker.datasource(i, d) for i, d in enumerate(data.get("datasources", [])))
    triggers = tuple(checker.trigger(i, t) for i, t in enumerate(data.get("triggers", [])))
    if triggers and not callable(getattr(protocol, "change_streams", None)):
        raise checker.fail(["triggers"], f"the {protocol.name} protocol cannot poll for changes "
                                         "(it has no change_streams)")
    checker.unique([a.key for a in actions] + [d.key for d in datasources]
                   + [t.key for t in triggers], data)
    manifest = Manifest(path, data["connector"], connection_schema, data["connection"], settings,
                        protocol, actions, datasources, triggers)
    if use_cache:
        manifestcache.store(key, _to_cache(manifest, data.get("defaults", {})),
                            checker.depends(actions))
    return manifest


def _check_version(checker: _Checker, data: Mapping[str, Any]) -> None:
    """Refuse a manifest written for a format this framework does not read."""
    version = data.get("manifest_version", MANIFEST_VERSION)
    if version > MANIFEST_VERSION:
        raise checker.fail(["manifest_version"], f"this manifest is written for manifest_version "
                                                 f"{version}; this lowcode-connector reads "
                                                 f"versions up to {MANIFEST_VERSION}: upgrade it")


def _cache_salt(path: Path, protocols: Mapping[str, Callable[..., Any]],
                filters: Mapping[str, Callable[..., Any]]) -> list[str]:
    """What a checked manifest depends on besides its files: where it is, the checking code
    (this module, the manifest schema, each protocol's module) and the registered names."""
    code = [Path(__file__), _SCHEMA_PATH]
    code += [Path(sys.modules[factory.__module__].__file__ or "") for factory in
             protocols.values()]
    return [str(path), *(f"{p}={manifestcache.stamp(p)}" for p in code),
            "protocols=" + ",".join(sorted(protocols)), "filters=" + ",".join(sorted(filters))]


def _to_cache(manifest: Manifest, defaults: Mapping[str, Any]) -> dict[str, Any]:
    def spec(value: ActionSpec | DataSourceSpec | TriggerSpec) -> dict[str, Any]:
        fields = {f: getattr(value, f) for f in value.__dataclass_fields__}
        if isinstance(value, ActionSpec):
            fields["base_dir"] = str(value.base_dir)
            fields["xml_inputs"] = list(value.xml_inputs)
        return fields

    return {"connector": manifest.connector, "connection_schema": manifest.connection_schema,
            "connection": manifest.connection, "defaults": dict(defaults),
            "actions": [spec(a) for a in manifest.actions],
            "datasources": [spec(d) for d in manifest.datasources],
            "triggers": [spec(t) for t in manifest.triggers]}


def _from_cache(path: Path, data: dict[str, Any], protocols: Mapping[str, Callable[..., Any]],
                filters: Mapping[str, Callable[..., Any]]) -> Manifest:
    protocol = protocols[data["connector"]["protocol"]](filters)
    actions = tuple(ActionSpec(**{**a, "base_dir": Path(a["base_dir"]),
                                  "xml_inputs": tuple(a["xml_inputs"])})
                    for a in data["actions"])
    return Manifest(path, data["connector"], data["connection_schema"], data["connection"],
                    Settings.from_manifest(data["defaults"], protocol.limits), protocol, actions,
                    tuple(DataSourceSpec(**d) for d in data["datasources"]),
                    tuple(TriggerSpec(**t) for t in data.get("triggers", [])))


def load_actions(path: str | Path) -> tuple[tuple[ActionSpec, ...], tuple[DataSourceSpec, ...]]:
    """Actions and data sources from a plugin's own YAML file (`actions:` / `datasources:`).

    Paths in it are relative to the file and given explicitly (no protocol is known yet to
    say a template's suffix). The connector's protocol checks them when the connector loads.
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
    import jsonschema

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(fragment_schema).iter_errors(data))
    if error is not None:
        raise checker.fail(error.absolute_path, error.message)
    data.setdefault("actions", [])
    actions = tuple(checker.action(i, a, None) for i, a in enumerate(data["actions"]))
    datasources = tuple(checker.datasource(i, d) for i, d in enumerate(data.get("datasources", [])))
    checker.unique([a.key for a in actions] + [d.key for d in datasources], data)
    return actions, datasources


def load_triggers(path: str | Path) -> tuple[TriggerSpec, ...]:
    """Triggers from a plugin's own YAML file (`triggers:`), paths relative to the file."""
    path = Path(path).resolve()
    checker = _Checker(path)
    data = checker.load_yaml()
    defs = _manifest_validator().schema["$defs"]
    fragment_schema = {
        "type": "object", "additionalProperties": False, "$defs": defs,
        "properties": {"triggers": {"type": "array", "items": {"$ref": "#/$defs/trigger"}}}}
    import jsonschema

    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(fragment_schema).iter_errors(data))
    if error is not None:
        raise checker.fail(error.absolute_path, error.message)
    triggers = tuple(checker.trigger(i, t) for i, t in enumerate(data.get("triggers", [])))
    data.setdefault("actions", [])
    checker.unique([t.key for t in triggers], data)
    return triggers


@cache
def _manifest_validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(_SCHEMA_PATH.read_text()))


def manifest_schema() -> dict[str, Any]:
    """The JSON Schema every manifest is validated against."""
    return copy.deepcopy(_manifest_validator().schema)


class _Checker:
    """Collects the context (file, YAML nodes) needed to say exactly where a problem is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.node: yaml.Node | None = None
        self.read: set[Path] = {path}

    def depends(self, actions: Iterable[ActionSpec]) -> set[Path]:
        """Every file the check read, and each template's neighbours (the partials it may
        include)."""
        files = set(self.read)
        for action in actions:
            if action.template is not None:
                folder = (action.base_dir / action.template).parent
                files.update(p for p in folder.iterdir() if p.is_file())
        return files

    def fail(self, location: Iterable[Any], problem: str) -> ManifestError:
        parts = list(location)
        return ManifestError(str(self.path), _format_path(parts), problem, self._line(parts))

    def load_yaml(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ManifestError(str(self.path), "", f"cannot read: {exc.strerror}") from None
        import yaml  # a manifest read from the cache is never parsed

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
        import jsonschema

        error = jsonschema.exceptions.best_match(_manifest_validator().iter_errors(data))
        if error is not None:
            raise self.fail(error.absolute_path, error.message)

    def found(self, relative: str) -> bool:
        """Whether a file named by convention exists. The cache depends on it either way, so
        one added later is seen."""
        target = (self.path.parent / relative).resolve()
        self.read.add(target)
        return target.is_file()

    def file(self, location: list[Any], relative: str) -> Path:
        target = (self.path.parent / relative).resolve()
        if not target.is_file():
            raise self.fail(location, f"file {relative} does not exist")
        self.read.add(target)
        return target

    def json_schema(self, location: list[Any], relative: str) -> dict[str, Any]:
        """An input schema: a JSON Schema of an object of inputs."""
        schema = self.any_schema(location, relative)
        if schema.get("type") != "object":
            raise self.fail(location, f"{relative} must describe an object of inputs")
        return schema

    def any_schema(self, location: list[Any], relative: str) -> dict[str, Any]:
        """A JSON Schema file, its references to other files inlined, checked against 2020-12."""
        source = self.file(location, relative)
        try:
            schema = _inline_refs(self._json(location, source, relative), source,
                                  lambda target, shown: self._json(location, target, shown))
        except ValueError as exc:
            raise self.fail(location, f"{relative}: {exc}") from None
        import jsonschema

        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
            raise self.fail(location, f"{relative} is not a valid JSON Schema at {where}: "
                                      f"{exc.message}") from None
        return schema

    def output_schema(self, where: list[Any], entry: dict[str, Any]) -> dict[str, Any] | None:
        """The declared schema of what an action, data source or trigger outputs: the file
        `output_schema` names, else `schemas/outputs/{key}.json` when it exists."""
        relative = entry.get("output_schema", f"schemas/outputs/{entry['key']}.json")
        if "output_schema" not in entry and not self.found(relative):
            return None
        return self.any_schema([*where, "output_schema"], relative)

    def _json(self, location: list[Any], target: Path, shown: str) -> Any:
        self.read.add(target)
        try:
            return json.loads(target.read_text(encoding="utf-8"))
        except OSError as exc:
            raise self.fail(location, f"cannot read {shown}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise self.fail(location, f"{shown} is not valid JSON: {exc}") from None

    def action(self, index: int, entry: dict[str, Any], protocol: Any) -> ActionSpec:
        where: list[Any] = ["actions", index]
        key, handler = entry["key"], entry.get("handler")
        schema_file = entry.get("schema", f"schemas/{key}.json")
        schema = self.json_schema([*where, "schema"], schema_file)
        if handler and ("template" in entry or "output" in entry):
            raise self.fail(where, "an action with a handler declares no template or output: "
                                   "the handler provides them")
        if not handler and "output" not in entry:
            raise self.fail(where, "needs an output (or a handler)")
        template = entry.get("template")
        if template is None and not handler:
            if protocol is None:
                raise self.fail(where, "needs a template")
            template = f"actions/{key}{protocol.template_suffix}"
        if template is not None:
            self.file([*where, "template"], template)
        inputs = set(schema.get("properties", {}))
        for i, xml_input in enumerate(entry.get("xml_inputs", [])):
            if xml_input["input"] not in inputs:
                raise self.fail([*where, "xml_inputs", i, "input"],
                                f"{xml_input['input']!r} is not an input of {schema_file}")
        clashes = sorted(inputs & set(entry.get("template_params", {})))
        if clashes:
            raise self.fail([*where, "template_params"], f"{', '.join(clashes)} is also an "
                                                         f"input of {schema_file}")
        example = None
        example_file = entry.get("example_output", f"examples/outputs/{key}.json")
        if "example_output" in entry or self.found(example_file):
            example = self._json([*where, "example_output"],
                                 self.file([*where, "example_output"], example_file),
                                 example_file)
        spec = ActionSpec(
            key=key, label=entry["label"], description=entry["description"], schema=schema,
            template=template, output=entry.get("output", {}), base_dir=self.path.parent,
            template_params=entry.get("template_params", {}), handler=handler,
            xml_inputs=tuple(entry.get("xml_inputs", [])),
            ui_callable=entry.get("ui_callable", False), example_output=example,
            output_schema=self.output_schema(where, entry),
        )
        if protocol is None:
            return spec
        return self.checked(where, spec, protocol)

    def checked(self, where: list[Any], spec: ActionSpec, protocol: Any) -> ActionSpec:
        """The action as its protocol will run it, or the protocol's first objection."""
        problems = protocol.check_action(spec)
        if problems:
            field_name, problem = problems[0]
            raise self.fail([*where, field_name] if field_name else where, problem)
        if spec.handler:
            return _with_output(spec, protocol.handler(spec.handler).output)
        return spec

    def datasource(self, index: int, entry: dict[str, Any]) -> DataSourceSpec:
        key = entry["key"]
        schema = self.json_schema(["datasources", index, "schema"],
                                  entry.get("schema", f"schemas/{key}.json"))
        where = ["datasources", index, "declaration"]
        relative = entry.get("declaration", f"datasources/{key}.yaml")
        path = self.file(where, relative)
        import yaml

        try:
            declaration = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise self.fail(where, f"{relative} is not valid YAML: {exc}") from None
        import jsonschema

        validator = jsonschema.Draft202012Validator(
            {**_manifest_validator().schema["$defs"]["datasourceDeclaration"],
             "$defs": _manifest_validator().schema["$defs"]})
        error = jsonschema.exceptions.best_match(validator.iter_errors(declaration))
        if error is not None:
            inner = ".".join(map(str, error.absolute_path))
            raise self.fail(where, f"{relative}{' at ' + inner if inner else ''}: "
                                   f"{error.message}")
        return DataSourceSpec(
            key=key, label=entry["label"], description=entry["description"],
            schema=schema, object=declaration["object"], key_field=declaration["key_field"],
            label_format=declaration["label_format"], query=declaration.get("query", ""),
            output_schema=self.output_schema(["datasources", index], entry),
        )

    def trigger(self, index: int, entry: dict[str, Any]) -> TriggerSpec:
        where: list[Any] = ["triggers", index]
        key = entry["key"]
        schema_file = entry.get("schema", f"schemas/{key}.json")
        schema = self.json_schema([*where, "schema"], schema_file)
        output_schema = self.output_schema(where, entry)
        example = None
        example_file = entry.get("example_output", f"examples/outputs/{key}.json")
        if "example_output" in entry or self.found(example_file):
            example = self._json([*where, "example_output"],
                                 self.file([*where, "example_output"], example_file),
                                 example_file)
        spec = TriggerSpec(
            key=key, label=entry["label"], description=entry["description"], schema=schema,
            object=entry["object"], modified_field=entry["modified_field"],
            key_field=entry.get("key_field"), created_field=entry.get("created_field"),
            report=entry.get("report", {}), lookback_input=entry.get("lookback_input"),
            batching=entry.get("batching", {}),
            overlap_seconds=entry.get("overlap_seconds", 300),
            max_events=entry.get("max_events", 500), output_schema=output_schema,
            example_output=example)
        properties = schema.get("properties", {})
        for name, option in spec.inputs_read().items():
            if name not in properties:
                location = [*where, *option.split(".")]
                raise self.fail(location, f"reads input {name!r}, which {schema_file} does "
                                          "not declare")
        if spec.lookback_input and properties[spec.lookback_input].get("format") != "date":
            raise self.fail([*where, "lookback_input"], f"input {spec.lookback_input!r} must "
                                                        "be a date (format: date)")
        return spec

    def unique(self, keys: list[str], data: dict[str, Any]) -> None:
        seen: set[str] = set()
        entries = [("actions", i) for i in range(len(data["actions"]))] + [
            ("datasources", i) for i in range(len(data.get("datasources", [])))] + [
            ("triggers", i) for i in range(len(data.get("triggers", [])))]
        for key, where in zip(keys, entries, strict=True):
            if key in seen:
                raise self.fail([*where, "key"], f"duplicate key {key!r}")
            seen.add(key)

    def _line(self, parts: list[Any]) -> int | None:
        """The line of the deepest YAML node the path reaches."""
        import yaml

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


def check_plugin_action(spec: ActionSpec, protocol: Any, plugin: str) -> ActionSpec:
    """A plugin's action, checked by the connector's protocol once every filter is known."""
    problems = protocol.check_action(spec)
    if problems:
        field_name, problem = problems[0]
        raise ManifestError(f"plugin {plugin!r}", f"action {spec.key!r}"
                            + (f".{field_name}" if field_name else ""), problem)
    return _with_output(spec, protocol.handler(spec.handler).output) if spec.handler else spec


def _with_output(spec: ActionSpec, output: Mapping[str, Any]) -> ActionSpec:
    return replace(spec, output=dict(output))


def _inline_refs(schema: Any, source: Path, read: Callable[[Path, str], Any],
                 seen: tuple[str, ...] = ()) -> Any:
    """The schema with every `$ref` to another file replaced by what it points at (its
    siblings override), and each `allOf` of such fragments merged into the schema itself."""
    if isinstance(schema, list):
        return [_inline_refs(item, source, read, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#"):
        file_part, _, pointer = ref.partition("#")
        target = (source.parent / file_part).resolve()
        marker = f"{target}#{pointer}"
        if marker in seen:
            raise ValueError(f"$ref cycle through {ref}")
        fragment = _pointer(read(target, file_part), pointer, ref)
        resolved = _inline_refs(fragment, target, read, (*seen, marker))
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        return {**resolved, **_inline_refs(siblings, source, read, seen)}
    inlined = {k: _inline_refs(v, source, read, seen) for k, v in schema.items()}
    return _merge_all_of(inlined)


def _merge_all_of(schema: dict[str, Any]) -> dict[str, Any]:
    """`allOf` members that only add properties (and required names; a `$comment` for their
    authors) become the schema's own, in order: the members' properties first, then the
    schema's."""
    members = schema.get("allOf")
    if not members or not all(isinstance(m, dict)
                              and set(m) <= {"properties", "required", "$comment"}
                              for m in members):
        return schema
    merged = {k: v for k, v in schema.items() if k != "allOf"}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for member in [*members, schema]:
        properties.update(member.get("properties", {}))
        required += [n for n in member.get("required", []) if n not in required]
    merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _pointer(document: Any, pointer: str, ref: str) -> Any:
    node = document
    for part in [p for p in pointer.split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise ValueError(f"$ref {ref} points at nothing") from None
    return copy.deepcopy(node)


def _format_path(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
