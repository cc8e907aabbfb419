"""An OpenAPI 3.1 document for the service, generated from the connector's manifest.

Besides the generic routes (`/actions/{key}/invoke`...), every action and data source gets its
own concrete paths whose request body embeds its input JSON Schema, so a platform can import
the API and get one typed operation per action.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from connector.core import Connector
from connector.manifest import ActionSpec, DataSourceSpec

SCHEMAS = "#/components/schemas/"
RESPONSES = "#/components/responses/"

_ERROR_RESPONSES = {
    "400": ("BadRequest", "The gateway refused the function (FunctionError: errorno, "
            "description, description2, correction are kept)."),
    "401": ("Unauthorized", "Missing or wrong bearer token; nothing ran."),
    "404": ("NotFound", "No such action, data source or route."),
    "413": ("PayloadTooLarge", "The request body is over the service's limit."),
    "422": ("Unprocessable", "The request cannot be sent as it is: a body that is not a JSON "
            "object of UTF-8 text, values no request can carry (NaN, Infinity, lone surrogates, "
            "nesting deeper than 64), invalid inputs, request fields or connection name; every "
            "problem with its path. Nothing was sent."),
    "500": ("InternalError", "A bug in the service; details are in its log."),
    "502": ("BadGateway", "The gateway refused the sender or the company credentials, or could "
            "not be reached or understood."),
    "503": ("Unavailable", "The gateway is rate limiting; retry after Retry-After seconds."),
    "504": ("GatewayTimeout", "The gateway did not answer in time."),
}
_CALL_ERRORS = ("400", "401", "404", "413", "422", "500", "502", "503", "504")
_READ_ERRORS = ("401", "404", "500")


def build_openapi(connector: Connector, connection_names: Sequence[str], version: str
                  ) -> dict[str, Any]:
    """The whole document; `connection_names` become the enum of every `connection` field."""
    schemas = _base_schemas(connection_names)
    paths = _generic_paths()
    for action in connector.actions.values():
        name = _free_name(f"{action.key}Inputs", schemas)
        schemas[name] = embed_schema(action.schema, SCHEMAS + name)
        paths[f"/actions/{action.key}/render"] = {"post": _render(action, name)}
        paths[f"/actions/{action.key}/invoke"] = {"post": _invoke(action, name)}
    for source in connector.datasources.values():
        name = _free_name(f"{source.key}Inputs", schemas)
        schemas[name] = embed_schema(source.schema, SCHEMAS + name)
        paths[f"/datasources/{source.key}"] = {"get": _describe_datasource(source),
                                               "post": _picklist(source, name)}
    label = connector.manifest.connector.get("label", connector.key)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{label} connector",
            "version": version,
            "description": f"{connector.manifest.connector.get('description', '')}\n\nCall "
                           "actions with a server-side connection named in the request. Errors "
                           "are always {\"error\": {...}}.",
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
            "responses": {name: _json_response(text, "ErrorBody")
                          for name, text in _ERROR_RESPONSES.values()},
        },
    }


def embed_schema(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    """A copy of a JSON Schema fit to live at `pointer` inside the document: its own `$schema`
    and `$id` dropped (the document's dialect applies) and internal `$ref`s ("#/...")
    rewritten to point below `pointer`."""
    embedded = copy.deepcopy(schema)
    embedded.pop("$schema", None)
    embedded.pop("$id", None)
    return _rewrite_refs(embedded, pointer)


def _rewrite_refs(node: Any, pointer: str) -> Any:
    if isinstance(node, dict):
        return {key: (pointer + value[1:] if key == "$ref" and isinstance(value, str)
                      and value.startswith("#") else _rewrite_refs(value, pointer))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(item, pointer) for item in node]
    return node


def _free_name(wanted: str, taken: dict[str, Any]) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]", "_", wanted)
    while name in taken:
        name = "DataSource" + name
    return name


def _base_schemas(connection_names: Sequence[str]) -> dict[str, Any]:
    connection: dict[str, Any] = {
        "type": "string",
        "description": "A connection configured on the server (see GET /connections). May be "
                       "omitted when the server has exactly one.",
    }
    if connection_names:
        connection["enum"] = list(connection_names)
    problem = {"type": "object", "required": ["path", "problem"], "properties": {
        "path": {"type": "string"}, "title": {"type": "string"}, "problem": {"type": "string"}}}
    gateway_error = {"type": "object", "properties": {
        "errorno": {"type": "string"}, "description": {"type": "string"},
        "description2": {"type": "string"}, "correction": {"type": "string"},
        "supportId": {"type": ["string", "null"]}}}
    error = {"type": "object", "required": ["type", "message"], "properties": {
        "type": {"type": "string", "examples": ["InputError", "FunctionError", "Unauthorized"]},
        "message": {"type": "string"},
        "problems": {"type": "array", "items": {"$ref": SCHEMAS + "Problem"}},
        "layer": {"enum": ["control", "authentication", "function"]},
        "errors": {"type": "array", "items": {"$ref": SCHEMAS + "GatewayError"}},
        "function": {"type": "string"}, "controlid": {"type": "string"},
        "aborted": {"type": "boolean"}, "status": {"type": ["integer", "null"]},
        "transient": {"type": "boolean"}}}
    item = {"type": "object", "required": ["key", "label"],
            "properties": {"key": {"type": "string"}, "label": {"type": "string"}}}
    return {
        "ConnectionName": connection,
        "Problem": problem,
        "GatewayError": gateway_error,
        "Error": error,
        "ErrorBody": {"type": "object", "required": ["error"],
                      "properties": {"error": {"$ref": SCHEMAS + "Error"}}},
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
        "PicklistItem": item,
        "Picklist": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {"$ref": SCHEMAS + "PicklistItem"}}}},
    }


def _generic_paths() -> dict[str, Any]:
    key = {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "/health": {"get": {**_op("health", "Liveness, connector key and version.", "service",
                                  "Health", ()), "security": []}},
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
        "/catalog": {"get": _op("catalog", "Every action and data source.", "catalog",
                                "Catalog", _READ_ERRORS)},
        "/connections": {"get": _op("connections", "The names of the server's connections "
                                    "(never their values).", "catalog", "Connections",
                                    _READ_ERRORS)},
        "/actions/{key}": {"get": {**_op("describeAction", "One action.", "catalog",
                                         "ActionDescription", _READ_ERRORS),
                                   "parameters": [key]}},
        "/actions/{key}/render": {"post": {
            **_op("renderAction", "The request XML the action would send, secrets redacted; "
                  "sends nothing.", "actions", "RenderedRequest", _CALL_ERRORS),
            "parameters": [key], "requestBody": _body(_call_body({"type": "object"}))}},
        "/actions/{key}/invoke": {"post": {
            **_op("invokeAction", "Run an action.", "actions", "Output", _CALL_ERRORS),
            "parameters": [key], "requestBody": _body(_call_body({"type": "object"}))}},
        "/datasources/{key}": {
            "get": {**_op("describeDataSource", "One data source.", "catalog",
                          "DataSourceDescription", _READ_ERRORS), "parameters": [key]},
            "post": {**_op("picklist", "A data source's items, optionally searched and capped.",
                           "datasources", "Picklist", _CALL_ERRORS),
                     "parameters": [key],
                     "requestBody": _body(_picklist_body({"type": "object"}))}},
    }


def _render(action: ActionSpec, inputs: str) -> dict[str, Any]:
    return {**_op(f"render_{action.key}", f"{action.label}: the request XML, secrets "
                  "redacted; sends nothing.", "actions", "RenderedRequest", _CALL_ERRORS),
            "requestBody": _body(_call_body({"$ref": SCHEMAS + inputs}))}


def _invoke(action: ActionSpec, inputs: str) -> dict[str, Any]:
    operation = {**_op(f"invoke_{action.key}", action.label, "actions", "Output", _CALL_ERRORS),
                 "description": action.description,
                 "requestBody": _body(_call_body({"$ref": SCHEMAS + inputs}))}
    if action.example_output is not None:
        operation["responses"]["200"]["content"]["application/json"]["example"] = \
            action.example_output
    return operation


def _describe_datasource(source: DataSourceSpec) -> dict[str, Any]:
    return _op(f"describe_{source.key}", f"{source.label}: description.", "catalog",
               "DataSourceDescription", _READ_ERRORS)


def _picklist(source: DataSourceSpec, inputs: str) -> dict[str, Any]:
    return {**_op(f"picklist_{source.key}", source.label, "datasources", "Picklist",
                  _CALL_ERRORS),
            "description": source.description,
            "requestBody": _body(_picklist_body({"$ref": SCHEMAS + inputs}))}


def _call_body(inputs: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "properties": {
        "connection": {"$ref": SCHEMAS + "ConnectionName"}, "inputs": inputs}}


def _picklist_body(inputs: dict[str, Any]) -> dict[str, Any]:
    body = _call_body(inputs)
    body["properties"]["search"] = {
        "type": "string", "description": "Keep items whose label or key contains this text "
                                         "(case-insensitive)."}
    body["properties"]["limit"] = {"type": "integer", "minimum": 1,
                                   "description": "At most this many items."}
    return body


def _op(operation_id: str, summary: str, tag: str, result: str | None,
        errors: Sequence[str]) -> dict[str, Any]:
    ok = _json_response("OK", result) if result else {"description": "OK"}
    return {"operationId": operation_id, "summary": summary, "tags": [tag],
            "responses": {"200": ok, **_errors(errors)}}


def _errors(codes: Sequence[str]) -> dict[str, Any]:
    return {code: {"$ref": RESPONSES + _ERROR_RESPONSES[code][0]} for code in codes}


def _json_response(description: str, schema: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": SCHEMAS + schema}}}}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": False, "content": {"application/json": {"schema": schema}}}
