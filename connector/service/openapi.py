"""An OpenAPI 3.1 document for the service, generated from the connector's manifest.

Besides the generic routes (`/actions/{key}/invoke`, `/triggers/{key}/poll`...), every action,
data source and trigger gets its own concrete paths whose request body embeds its input JSON
Schema and whose answer embeds its output schema where it declares one, so a platform can
import the API and get one typed operation per action, inputs and outputs.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from connector.core import Connector
from connector.manifest import ActionSpec, DataSourceSpec, TriggerSpec
from connector.protocol import ConnectorProtocol

SCHEMAS = "#/components/schemas/"
RESPONSES = "#/components/responses/"
PROBLEM_MEDIA_TYPE = "application/problem+json"
_REQUEST_ID = {"X-Request-ID": {"description": "The request's id (the caller's, or made "
                                               "here): in the access log and error bodies.",
                                "schema": {"type": "string"}}}

_ERROR_RESPONSES = {
    "400": ("BadRequest", "The gateway refused the function (FunctionError: {fields} are "
            "kept)."),
    "401": ("Unauthorized", "Missing or wrong bearer token; nothing ran."),
    "404": ("NotFound", "No such action, data source, trigger or route."),
    "413": ("PayloadTooLarge", "The request body is over the service's limit."),
    "422": ("Unprocessable", "The request cannot be sent as it is: a body that is not a JSON "
            "object of UTF-8 text, values no request can carry (NaN, Infinity, lone surrogates, "
            "nesting deeper than 64), invalid inputs, request fields or connection name; every "
            "problem with its path. Nothing was sent."),
    "500": ("InternalError", "A bug in the service; details are in its log."),
    "502": ("BadGateway", "The gateway refused the sender or the company credentials, or could "
            "not be reached or understood; or (OutcomeUnknown: outcome, controlids) the request "
            "was sent and no complete answer came back after every retry: it may have been "
            "applied, so look the controlids up before sending it again."),
    "503": ("Unavailable", "The gateway kept rate limiting (HTTP 429), or no request slot for "
            "the company came free in time (SlotTimeout: nothing was sent), or another poller "
            "holds the trigger's feed (LeaseBusy: nothing was read). Retry after Retry-After "
            "seconds. On /ready: a readiness check failed (NotReady)."),
    "504": ("GatewayTimeout", "The gateway did not answer in time, or the call's deadline "
            "passed (DeadlineExceeded)."),
}
_ERROR_HEADERS = {
    "401": {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}},
    "503": {"Retry-After": {"description": "Seconds to wait before retrying, when known.",
                            "schema": {"type": "integer", "minimum": 1}}},
}
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "description": "Send a retried call with the same key: it is applied once. "
                                  "A key first used with other inputs is refused (422).",
                   "schema": {"type": "string", "minLength": 1, "maxLength": 255,
                              "pattern": "^[\\x21-\\x7e]+$"}}
_CALL_ERRORS = ("400", "401", "404", "413", "422", "500", "502", "503", "504")
_READ_ERRORS = ("401", "404", "500")


def build_openapi(connector: Connector, connection_names: Sequence[str], version: str
                  ) -> dict[str, Any]:
    """The whole document; `connection_names` become the enum of every `connection` field,
    which calls must name unless there is exactly one."""
    protocol = connector.protocol
    schemas = _base_schemas(connection_names, protocol)
    paths = _generic_paths(protocol.request_format)
    named = len(connection_names) != 1
    for action in connector.actions.values():
        name = _free_name(f"{action.key}Inputs", schemas)
        schemas[name] = inputs_schema(action.schema, SCHEMAS + name)
        paths[f"/actions/{action.key}/render"] = {"post": _render(action, name,
                                                                  protocol.request_format)}
        output = _typed("Output", "data", action.key, action.output_schema, schemas)
        paths[f"/actions/{action.key}/invoke"] = {"post": _invoke(action, name, named, output)}
    for source in connector.datasources.values():
        name = _free_name(f"{source.key}Inputs", schemas)
        schemas[name] = inputs_schema(source.schema, SCHEMAS + name)
        items = _typed("Picklist", "items", source.key, source.output_schema, schemas)
        paths[f"/datasources/{source.key}"] = {"get": _describe_datasource(source),
                                               "post": _picklist(source, name, named, items)}
    for trigger in connector.triggers.values():
        name = _free_name(f"{trigger.key}Inputs", schemas)
        schemas[name] = inputs_schema(trigger.schema, SCHEMAS + name)
        data = {}
        if trigger.output_schema is not None:
            output = _free_name(f"{trigger.key}Delivery", schemas)
            schemas[output] = _hoisted(trigger.output_schema, output, schemas)
            data = {"$ref": SCHEMAS + output}
        result = _free_name(f"{trigger.key}PollResult", schemas)
        schemas[result] = {"allOf": [{"$ref": SCHEMAS + "PollResult"}, _object({
            "outputs": {"type": "array", "items": _object({"data": data}, ["data"])}})]}
        paths[f"/triggers/{trigger.key}/poll"] = {"post": _poll(trigger, name, result, named)}
    label = connector.manifest.connector.get("label", connector.key)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{label} connector",
            "version": version,
            "description": f"{connector.manifest.connector.get('description', '')}\n\nCall "
                           "actions with a server-side connection named in the request. Errors "
                           "are RFC 9457 problem details (application/problem+json); every "
                           "answer carries X-Request-ID.",
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
            "responses": {name: _json_response(text.format(fields=_detail_fields(protocol)),
                                               "ProblemDetails",
                                               {**_REQUEST_ID, **_ERROR_HEADERS.get(code, {})},
                                               PROBLEM_MEDIA_TYPE)
                          for code, (name, text) in _ERROR_RESPONSES.items()},
        },
    }


def inputs_schema(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    """An action's or data source's input schema as the service enforces it: embedded, and
    closed to inputs it does not name unless it says otherwise, as the connector refuses them
    (connector.inputs.prepare_inputs)."""
    embedded = embed_schema(schema, pointer)
    embedded.setdefault("additionalProperties", False)
    return embedded


def embed_schema(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    """A copy of a JSON Schema fit to live at `pointer` inside the document.

    Its own `$schema` and `$id` are dropped (the document's dialect applies), internal `$ref`s
    ("#/...") rewritten to point below `pointer`, and every list of types turned into `anyOf`
    one schema per type, each with the keywords that apply to it: client generators read a
    union that way, and openapi-python-client drops a schema (and every operation using it)
    whose `"type": ["object", "array"]` carries `items` and `additionalProperties`. An array
    schema without `items` gets `"items": {}` (the same meaning): the generator needs one.
    """
    embedded = {key: value for key, value in schema.items() if key not in ("$schema", "$id")}
    return _embed(embedded, pointer)


# What a schema keyword's value is: schemas (walked), a map of names to schemas (each walked),
# or data (examples, defaults, enum values: copied as they are).
_SCHEMA_MAPS = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
_DATA = {"examples", "example", "default", "enum", "const", "required", "dependentRequired"}
# The keywords that only constrain values of one type.
_TYPE_KEYWORDS = {
    "object": {"properties", "patternProperties", "additionalProperties", "required",
               "propertyNames", "minProperties", "maxProperties", "dependentRequired",
               "dependentSchemas", "unevaluatedProperties"},
    "array": {"items", "prefixItems", "contains", "minContains", "maxContains", "minItems",
              "maxItems", "uniqueItems", "unevaluatedItems"},
    "string": {"minLength", "maxLength", "pattern", "format", "contentMediaType",
               "contentEncoding", "contentSchema"},
    "number": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
               "format"},
}
_TYPE_KEYWORDS["integer"] = _TYPE_KEYWORDS["number"]
_TYPED = set().union(*_TYPE_KEYWORDS.values())


def _embed(node: Any, pointer: str) -> Any:
    """One schema (or boolean schema), its subschemas embedded first."""
    if not isinstance(node, dict):
        return copy.deepcopy(node)
    embedded: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#"):
            embedded[key] = pointer + value[1:]
        elif key in _DATA or key.startswith("x-"):
            embedded[key] = copy.deepcopy(value)
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            embedded[key] = {name: _embed(item, pointer) for name, item in value.items()}
        elif isinstance(value, list):
            embedded[key] = [_embed(item, pointer) for item in value]
        else:
            embedded[key] = _embed(value, pointer)
    types = embedded.get("type")
    if isinstance(types, list):
        return _one_schema_per_type(embedded, types)
    return _with_items(embedded)


def _one_schema_per_type(node: dict[str, Any], types: list[str]) -> dict[str, Any]:
    shared = {key: value for key, value in node.items() if key != "type" and key not in _TYPED}
    branches = [_with_items({"type": type_, **{key: value for key, value in node.items()
                                               if key in _TYPE_KEYWORDS.get(type_, ())}})
                for type_ in types]
    if len(branches) == 1:
        return {**shared, **branches[0]}
    if "anyOf" in shared:  # keep the schema's own anyOf: both must hold
        shared["allOf"] = [*shared.get("allOf", []), {"anyOf": shared.pop("anyOf")}]
    return {**shared, "anyOf": branches}


def _with_items(schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("type") == "array" and "items" not in schema and "prefixItems" not in schema:
        return {**schema, "items": {}}
    return schema


def _typed(generic: str, field: str, key: str, output_schema: dict[str, Any] | None,
           schemas: dict[str, Any]) -> str:
    """The name of the answer's schema: the generic one, or a copy of it whose `field` embeds
    the declared output schema."""
    if output_schema is None:
        return generic
    name = _free_name(f"{key}{generic}", schemas)
    typed = copy.deepcopy(schemas[generic])
    typed["properties"][field] = embed_schema(output_schema, f"{SCHEMAS}{name}/properties/{field}")
    schemas[name] = typed
    return name


def _free_name(wanted: str, taken: dict[str, Any]) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]", "_", wanted)
    while name in taken:
        name = "DataSource" + name
    return name


def _detail_fields(protocol: ConnectorProtocol) -> str:
    """The text fields of the protocol's error detail, for the 400 response's description."""
    properties = protocol.error_detail_schema.get("properties", {})
    return ", ".join(name for name, prop in properties.items() if prop.get("type") == "string")


def _base_schemas(connection_names: Sequence[str], protocol: ConnectorProtocol
                  ) -> dict[str, Any]:
    connection: dict[str, Any] = {
        "type": "string",
        "description": "A connection configured on the server (see GET /connections). May be "
                       "omitted when the server has exactly one.",
    }
    if connection_names:
        connection["enum"] = list(connection_names)
    problem = {"type": "object", "required": ["path", "problem"], "properties": {
        "pointer": {"type": "string", "description": "JSON Pointer (RFC 6901) of the value in "
                    "the request body: /inputs/vendorName, /connection."},
        "header": {"type": "string", "description": "The request header at fault, instead "
                   "of a pointer."},
        "path": {"type": "string"}, "title": {"type": "string"}, "problem": {"type": "string"}}}
    gateway_error = embed_schema(dict(protocol.error_detail_schema), SCHEMAS + "GatewayError")
    error = {"type": "object", "required": ["type", "title", "status", "detail", "code",
                                            "request_id"], "properties": {
        "type": {"type": "string", "format": "uri", "description": "The kind of problem "
                 "(RFC 9457), one URI per code."},
        "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The request path."},
        "code": {"type": "string", "examples": ["InputError", "FunctionError", "Unauthorized"]},
        "request_id": {"type": "string", "description": "Also the X-Request-ID header and "
                       "the access log's."},
        "problems": {"type": "array", "items": {"$ref": SCHEMAS + "Problem"}},
        "layer": {"enum": list(protocol.error_layers)},
        "errors": {"type": "array", "items": {"$ref": SCHEMAS + "GatewayError"}},
        "function": {"type": "string"}, "controlid": {"type": "string"},
        "aborted": {"type": "boolean"}, "upstream_status": _nullable("integer"),
        "transient": {"type": "boolean"},
        "retry_after": {"type": "number", "description": "Seconds to wait before retrying "
                        "(SlotTimeout); also the Retry-After header, rounded up."},
        "outcome": {"const": "unknown", "description": "OutcomeUnknown: the request was sent "
                    "and no complete answer came back; it may have been applied."},
        "controlids": {"type": "array", "items": {"type": "string"}, "description": "The "
                       "functions' control ids, to look up before sending the call again."},
        "advice": {"type": "string", "description": "What to do about this failure."},
        "checks": {"type": "object", "additionalProperties": {"type": "string"}}}}
    item = {"type": "object", "required": ["key", "label"],
            "properties": {"key": {"type": "string"}, "label": {"type": "string"}}}
    return {
        "ConnectionName": connection,
        "Problem": problem,
        "GatewayError": gateway_error,
        "ProblemDetails": error,
        "Health": {"type": "object", "required": ["status", "connector", "version"],
                   "properties": {"status": {"const": "ok"}, "connector": {"type": "string"},
                                  "version": {"type": "string"}}},
        "Connections": {"type": "object", "required": ["connections"], "properties": {
            "connections": {"type": "array", "items": {
                "type": "object", "required": ["name"],
                "properties": {"name": {"type": "string"}}}}}},
        "Catalog": {"type": "object", "description": "Every action and data source, with its "
                    "input schema, output mode and example output."},
        "ActionDescription": {"type": "object", "description": "An action's inputs, schema, "
                              "data source references, output mode and example output."},
        "DataSourceDescription": {"type": "object"},
        "Output": {"type": "object", "required": ["data"], "properties": {"data": {}}},
        "RenderedRequest": {"type": "object", "required": ["xml"],
                            "properties": {"xml": {"type": "string"}}},
        "TriggerDescription": {"type": "object", "description": "A trigger's inputs, schema "
                               "and the schema of what one delivery carries."},
        "TriggerEvent": _object({
            "id": {"type": "string", "description": "The record's key and the time of the "
                   "version (deletions end in /deleted): the same until acknowledged."},
            "changeType": {"enum": ["created", "updated", "deleted"]},
            "record": {"type": "object"}}, ["id", "changeType", "record"]),
        "PollResult": _object({
            "trigger": {"type": "string"}, "instance": {"type": "string"},
            "events": {"type": "array", "items": {"$ref": SCHEMAS + "TriggerEvent"}},
            "outputs": {"type": "array", "items": _object({"data": {}}, ["data"]),
                        "description": "The deliveries a workflow reads, in the trigger's "
                        "output shape."},
            "ackToken": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "more": {"type": "boolean", "description": "A backlog remains: poll again."},
            "baseline": {"type": "boolean", "description": "This first poll only set the "
                         "baseline."},
            "deletions": _object({"visible": {"type": "boolean"},
                                  "reason": {"type": "string"}}, ["visible"])},
            ["trigger", "instance", "events", "outputs", "ackToken", "more", "baseline",
             "deletions"]),
        "Acknowledged": _object({"acknowledged": {"type": "integer", "minimum": 0}},
                                ["acknowledged"]),
        "TriggerInstance": _object({
            "trigger": {"type": "string"}, "instance": {"type": "string"},
            "connection": {"type": "string"}, "inputs": {"type": "object"},
            "every": {"type": "number"}, "webhook": _nullable("string"),
            "polls": {"type": "integer"}, "delivered": {"type": "integer"},
            "pending": {"type": "integer"}, "lastPoll": _nullable("number"),
            "lastError": _nullable("string")}, ["trigger", "instance", "connection"]),
        "TriggerInstances": _object({"instances": {"type": "array", "items": {
            "$ref": SCHEMAS + "TriggerInstance"}}}, ["instances"]),
        "PicklistItem": item,
        "Picklist": {"type": "object", "required": ["items", "next_cursor"], "properties": {
            "items": {"type": "array", "items": {"$ref": SCHEMAS + "PicklistItem"}},
            "next_cursor": {**_nullable("string"), "description": "The next page's cursor; "
                            "null on the last page."}}},
        "Ready": {"type": "object", "required": ["status", "checks"], "properties": {
            "status": {"const": "ready"},
            "checks": {"type": "object", "additionalProperties": {"type": "string"}}}},
        "ConnectionTest": {"type": "object", "required": ["connection", "ok", "checks"],
                           "properties": {
                               "connection": {"type": "string"}, "ok": {"type": "boolean"},
                               "checks": {"type": "array", "items": {
                                   "type": "object", "required": ["name", "ok", "detail"],
                                   "properties": {"name": {"type": "string"},
                                                  "ok": {"type": "boolean"},
                                                  "detail": {"type": "string"}}}}}},
        "RecordsPage": {"type": "object", "required": ["data", "next_cursor"], "properties": {
            "data": {"type": "array", "items": {}},
            "next_cursor": {**_nullable("string"), "description": "The next page's cursor; "
                            "null on the last page."}}},
    }


def _nullable(type_: str) -> dict[str, Any]:
    return {"anyOf": [{"type": type_}, {"type": "null"}]}


def _generic_paths(request_format: str) -> dict[str, Any]:
    key = {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "/health": {"get": {**_op("health", "Liveness, connector key and version.", "service",
                                  "Health", ()), "security": []}},
        "/ready": {"get": {**_op("ready", "Readiness: the state store answers and calls can "
                                 "run.", "service", "Ready", ("503",)), "security": []}},
        "/metrics": {"get": {**_op("metrics", "Prometheus metrics (text format).", "service",
                                   None, _READ_ERRORS),
                             "responses": {"200": {"description": "Prometheus text format",
                                                   "content": {"text/plain": {}}},
                                           **_errors(_READ_ERRORS)}}},
        "/connections/{name}/test": {"post": {
            **_op("testConnection", "Sign in with a connection and report what it can do.",
                  "catalog", "ConnectionTest", _READ_ERRORS),
            "parameters": [{"name": "name", "in": "path", "required": True,
                            "schema": {"type": "string"}}]}},
        "/": {"get": {**_op("playground", "The browser playground page.", "service", None, ()),
                      "security": [],
                      "responses": {"200": {"description": "HTML",
                                            "content": {"text/html": {}}}}}},
        "/static/{path}": {"get": {
            **_op("static", "Files of the playground.", "service", None, ()),
            "security": [],
            "parameters": [{"name": "path", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The file"},
                          "404": {"$ref": RESPONSES + "NotFound"}}}},
        "/openapi.json": {"get": {**_op("openapi", "This document.", "service", None,
                                        _READ_ERRORS),
                                  "responses": {"200": {"description": "OpenAPI 3.1",
                                                        "content": {"application/json": {}}},
                                                **_errors(_READ_ERRORS)}}},
        "/catalog": {"get": _op("catalog", "Every action, data source and trigger.", "catalog",
                                "Catalog", _READ_ERRORS)},
        "/connections": {"get": _op("connections", "The names of the server's connections "
                                    "(never their values).", "catalog", "Connections",
                                    _READ_ERRORS)},
        "/actions/{key}": {"get": {**_op("describeAction", "One action.", "catalog",
                                         "ActionDescription", _READ_ERRORS),
                                   "parameters": [key]}},
        "/actions/{key}/render": {"post": {
            **_op("renderAction", f"The request {request_format} the action would send, "
                  "secrets redacted; sends nothing.", "actions", "RenderedRequest",
                  _CALL_ERRORS),
            "parameters": [key], "requestBody": _body(_call_body({"type": "object"}))}},
        "/actions/{key}/invoke": {"post": {
            **_op("invokeAction", "Run an action.", "actions", "Output", _CALL_ERRORS),
            "parameters": [key, IDEMPOTENCY_KEY],
            "requestBody": _body(_invoke_body({"type": "object"}))}},
        "/datasources/{key}": {
            "get": {**_op("describeDataSource", "One data source.", "catalog",
                          "DataSourceDescription", _READ_ERRORS), "parameters": [key]},
            "post": {**_op("picklist", "A data source's items, optionally searched and capped.",
                           "datasources", "Picklist", _CALL_ERRORS),
                     "parameters": [key],
                     "requestBody": _body(_picklist_body({"type": "object"}))}},
        **_trigger_paths(key),
    }


def _trigger_paths(key: dict[str, Any]) -> dict[str, Any]:
    instance = {"name": "instance", "in": "path", "required": True,
                "schema": {"type": "string", "minLength": 1, "maxLength": 200}}
    read, call = _READ_ERRORS, _CALL_ERRORS
    return {
        "/triggers/{key}": {"get": {**_op("describeTrigger", "One trigger.", "catalog",
                                          "TriggerDescription", read), "parameters": [key]}},
        "/triggers/{key}/poll": {"post": {
            **_op("pollTrigger", "One recurrence: the events not yet acknowledged, oldest "
                  "first, and a token that acknowledges them.", "triggers", "PollResult", call),
            "parameters": [key], "requestBody": _body(_poll_body({"type": "object"}))}},
        "/triggers/{key}/ack": {"post": {
            **_op("ackTrigger", "Acknowledge the events of a poll: they are not delivered "
                  "again.", "triggers", "Acknowledged", call),
            "parameters": [key], "requestBody": _body(_object({"token": {"type": "string"}},
                                                              ["token"]))}},
        "/triggers/{key}/reset": {"post": {
            **_op("resetTrigger", "Forget an instance's cursor and events: its next poll is "
                  "a first one again.", "triggers", None, call),
            "parameters": [key], "requestBody": _body(_poll_body({"type": "object"}, False))}},
        "/triggers/{key}/instances": {"get": {
            **_op("triggerInstances", "The instances the service polls on a schedule.",
                  "triggers", "TriggerInstances", read), "parameters": [key]}},
        "/triggers/{key}/instances/{instance}": {
            "put": {**_op("putTriggerInstance", "Poll this instance every `every` seconds "
                          "(default 300), delivering to `webhook` when given (one POST per "
                          "event, Idempotency-Key: the event's id, retried until 2xx).",
                          "triggers", "TriggerInstance", call),
                    "parameters": [key, instance],
                    "requestBody": _body(_instance_body({"type": "object"}))},
            "delete": {**_op("deleteTriggerInstance", "Stop polling the instance; its cursor "
                             "and pending events are kept.", "triggers", None, read),
                       "parameters": [key, instance]}},
    }


def _poll(trigger: TriggerSpec, inputs: str, result: str, named: bool) -> dict[str, Any]:
    required = _required(trigger.schema, named)
    return {**_op(f"poll_{trigger.key}", trigger.label, "triggers", result, _CALL_ERRORS),
            "description": trigger.description,
            "requestBody": _body(_poll_body({"$ref": SCHEMAS + inputs}, True, required))}


def _hoisted(schema: dict[str, Any], name: str, schemas: dict[str, Any]) -> dict[str, Any]:
    """The schema embedded as component `name`, each of its `$defs` a component of its own
    (client generators resolve references to components, not into one)."""
    pointer = SCHEMAS + name
    embedded = embed_schema(schema, pointer)
    definitions = embedded.pop("$defs", {})
    targets = {f"{pointer}/$defs/{key}": _free_name(f"{name}{key[:1].upper()}{key[1:]}",
                                                    schemas)
               for key in definitions}
    for key, definition in definitions.items():
        schemas[targets[f"{pointer}/$defs/{key}"]] = _rewired(definition, targets)
    return _rewired(embedded, targets)


def _rewired(node: Any, targets: dict[str, str]) -> Any:
    """`node` with each reference found in `targets` pointing at that component instead."""
    if isinstance(node, dict):
        return {key: SCHEMAS + targets[value] if key == "$ref" and value in targets
                else _rewired(value, targets) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewired(item, targets) for item in node]
    return node


def _poll_body(inputs: dict[str, Any], polling: bool = True,
               required: Sequence[str] = ()) -> dict[str, Any]:
    body = _call_body(inputs, required)
    body["properties"]["instance"] = {
        "type": "string", "minLength": 1, "maxLength": 200, "default": "default",
        "description": "Which instance of the trigger (each keeps its own cursor)."}
    if polling:
        body["properties"]["maxEvents"] = {"type": "integer", "minimum": 1,
                                           "description": "Events one poll returns at most."}
    return body


def _instance_body(inputs: dict[str, Any]) -> dict[str, Any]:
    body = _call_body(inputs)
    body["properties"]["every"] = {"type": "number", "minimum": 1, "maximum": 86400,
                                   "default": 300, "description": "Seconds between polls."}
    body["properties"]["webhook"] = {"type": "string", "format": "uri",
                                     "description": "An http(s) URL that receives each event."}
    return body


def _object(properties: dict[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def _render(action: ActionSpec, inputs: str, request_format: str) -> dict[str, Any]:
    return {**_op(f"render_{action.key}", f"{action.label}: the request {request_format}, secrets "
                  "redacted; sends nothing.", "actions", "RenderedRequest", _CALL_ERRORS),
            "requestBody": _body(_call_body({"$ref": SCHEMAS + inputs},
                                            _required(action.schema, named=False)))}


def _invoke(action: ActionSpec, inputs: str, named: bool, output: str) -> dict[str, Any]:
    operation = {**_op(f"invoke_{action.key}", action.label, "actions", output, _CALL_ERRORS),
                 "description": action.description,
                 "requestBody": _body(_invoke_body({"$ref": SCHEMAS + inputs},
                                                   _required(action.schema, named)))}
    if action.output.get("mode") == "records":
        operation["description"] += (" A list: `page` or `cursor` answers one page with "
                                     "next_cursor; Accept: application/x-ndjson streams one "
                                     "record a line.")
        content = operation["responses"]["200"]["content"]
        content["application/x-ndjson"] = {"schema": {"type": "object"}}
        content["application/json"]["schema"] = {"anyOf": [
            {"$ref": SCHEMAS + output}, {"$ref": SCHEMAS + "RecordsPage"}]}
    else:
        operation["parameters"] = [IDEMPOTENCY_KEY]
        operation["responses"]["200"]["headers"] = {
            "Idempotent-Replayed": {"description": "true when this Idempotency-Key was used "
                                                   "before: the answer reports that earlier "
                                                   "execution.", "schema": {"const": "true"}}}
    if action.example_output is not None:
        operation["responses"]["200"]["content"]["application/json"]["example"] = \
            action.example_output
    return operation


def _describe_datasource(source: DataSourceSpec) -> dict[str, Any]:
    return _op(f"describe_{source.key}", f"{source.label}: description.", "catalog",
               "DataSourceDescription", _READ_ERRORS)


def _picklist(source: DataSourceSpec, inputs: str, named: bool, items: str) -> dict[str, Any]:
    return {**_op(f"picklist_{source.key}", source.label, "datasources", items, _CALL_ERRORS),
            "description": source.description,
            "requestBody": _body(_picklist_body({"$ref": SCHEMAS + inputs},
                                                _required(source.schema, named)))}


def _required(schema: dict[str, Any], named: bool) -> list[str]:
    """The body fields a call cannot do without: inputs when some input is required, the
    connection when the server does not have exactly one."""
    return (["connection"] if named else []) + (["inputs"] if schema.get("required") else [])


def _call_body(inputs: dict[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": {
        "connection": {"$ref": SCHEMAS + "ConnectionName"}, "inputs": inputs}}
    if required:
        body["required"] = list(required)
    return body


def _invoke_body(inputs: dict[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    body = _call_body(inputs, required)
    body["properties"]["page"] = {"type": "boolean", "description": "List actions: answer "
                                  "one page and its next_cursor."}
    body["properties"]["cursor"] = {"type": "string", "description": "List actions: the page "
                                    "after the one that gave this next_cursor."}
    return body


def _picklist_body(inputs: dict[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    body = _call_body(inputs, required)
    body["properties"]["search"] = {
        "type": "string", "description": "Keep items whose label contains this text; the "
                                         "gateway's query does the matching."}
    body["properties"]["limit"] = {"type": "integer", "minimum": 1,
                                   "description": "Items in a page (default 100)."}
    body["properties"]["cursor"] = {"type": "string", "description": "The page after the one "
                                    "that gave this next_cursor (same inputs and search)."}
    return body


def _op(operation_id: str, summary: str, tag: str, result: str | None,
        errors: Sequence[str]) -> dict[str, Any]:
    ok = _json_response("OK", result) if result else {"description": "OK"}
    return {"operationId": operation_id, "summary": summary, "tags": [tag],
            "responses": {"200": ok, **_errors(errors)}}


def _errors(codes: Sequence[str]) -> dict[str, Any]:
    return {code: {"$ref": RESPONSES + _ERROR_RESPONSES[code][0]} for code in codes}


def _json_response(description: str, schema: str, headers: dict[str, Any] | None = None,
                   media_type: str = "application/json") -> dict[str, Any]:
    response = {"description": description,
                "content": {media_type: {"schema": {"$ref": SCHEMAS + schema}}}}
    if headers:
        response["headers"] = headers
    return response


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    """An empty body is read as {}: a body is required only when {} would be refused."""
    return {"required": bool(schema.get("required")),
            "content": {"application/json": {"schema": schema}}}
