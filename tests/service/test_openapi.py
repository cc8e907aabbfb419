"""The OpenAPI document: valid 3.1, every route, one typed operation per action and source."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from connector.service.openapi import embed_schema

GENERIC = {
    "/health": {"get"}, "/": {"get"}, "/static/{path}": {"get"}, "/openapi.json": {"get"},
    "/catalog": {"get"}, "/connections": {"get"}, "/actions/{key}": {"get"},
    "/actions/{key}/render": {"post"}, "/actions/{key}/invoke": {"post"},
    "/datasources/{key}": {"get", "post"},
}


@pytest.fixture(scope="module")
def document(api):
    response = api.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def resolve(document: dict, ref: str) -> dict:
    node = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def body_schema(document: dict, path: str) -> dict:
    return document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_is_described(document):
    for path, methods in GENERIC.items():
        assert set(document["paths"][path]) == methods, path
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http",
                                                                   "scheme": "bearer"}
    assert document["security"] == [{"bearer": []}]
    assert document["paths"]["/health"]["get"]["security"] == []


def test_each_action_has_typed_operations_embedding_its_schema(document, connector):
    for key, action in connector.actions.items():
        for verb in ("invoke", "render"):
            schema = body_schema(document, f"/actions/{key}/{verb}")
            assert schema["additionalProperties"] is False
            ref = schema["properties"]["inputs"]["$ref"]
            assert ref == f"#/components/schemas/{key}Inputs"
            embedded = resolve(document, ref)
            assert embedded == {k: v for k, v in action.schema.items() if k != "$schema"}
        assert resolve(document, schema["properties"]["connection"]["$ref"])["enum"] == \
            ["sandbox", "wrong-sender"]
        responses = document["paths"][f"/actions/{key}/invoke"]["post"]["responses"]
        assert {"200", "400", "401", "404", "413", "422", "502", "504"} <= set(responses)


def test_each_data_source_has_a_typed_operation(document, connector):
    for key, source in connector.datasources.items():
        schema = body_schema(document, f"/datasources/{key}")
        assert set(schema["properties"]) == {"connection", "inputs", "search", "limit"}
        embedded = resolve(document, schema["properties"]["inputs"]["$ref"])
        assert embedded == {k: v for k, v in source.schema.items() if k != "$schema"}


def test_error_responses_share_one_schema(document):
    for response in document["components"]["responses"].values():
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorBody"}
    error = document["components"]["schemas"]["Error"]
    assert {"type", "message", "problems", "errors", "layer"} <= set(error["properties"])


def test_internal_refs_are_rewritten_to_the_embedded_place():
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:x",
              "$defs": {"money": {"type": "number"}},
              "properties": {"amount": {"$ref": "#/$defs/money"},
                             "lines": {"type": "array", "items": {"$ref": "#"}},
                             "other": {"$ref": "https://example.com/other.json"}}}
    embedded = embed_schema(schema, "#/components/schemas/xInputs")
    assert "$schema" not in embedded and "$id" not in embedded
    assert embedded["properties"]["amount"]["$ref"] == "#/components/schemas/xInputs/$defs/money"
    assert embedded["properties"]["lines"]["items"]["$ref"] == "#/components/schemas/xInputs"
    assert embedded["properties"]["other"]["$ref"] == "https://example.com/other.json"
    assert schema["properties"]["amount"]["$ref"] == "#/$defs/money"  # the original is intact
    document = {"components": {"schemas": {"xInputs": embedded}}}
    assert resolve(document, embedded["properties"]["amount"]["$ref"]) == {"type": "number"}
