"""The OpenAPI document: valid 3.1, every route, one typed operation per action and source."""

from __future__ import annotations

import jsonschema
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


def assert_embeds(embedded: dict, schema: dict) -> None:
    """The inputs as the service takes them: the same inputs, titles and requirements, and
    no input the schema does not name (the connector refuses those)."""
    assert embedded["properties"].keys() == schema["properties"].keys()
    for name, prop in schema["properties"].items():
        assert embedded["properties"][name].get("title") == prop.get("title")
    assert embedded.get("required") == schema.get("required")
    assert embedded["additionalProperties"] is schema.get("additionalProperties", False)


def type_lists(node, path="#"):
    if isinstance(node, dict):
        if isinstance(node.get("type"), list):
            yield path
        for key, value in node.items():
            if key not in ("examples", "example", "default", "enum", "const"):
                yield from type_lists(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from type_lists(item, f"{path}/{index}")


def test_each_action_has_typed_operations_embedding_its_schema(document, connector):
    for key, action in connector.actions.items():
        for verb in ("invoke", "render"):
            schema = body_schema(document, f"/actions/{key}/{verb}")
            assert schema["additionalProperties"] is False
            ref = schema["properties"]["inputs"]["$ref"]
            assert ref == f"#/components/schemas/{key}Inputs"
            assert_embeds(resolve(document, ref), action.schema)
            if action.schema.get("required"):  # an empty body would be refused
                assert "inputs" in schema["required"]
        assert resolve(document, schema["properties"]["connection"]["$ref"])["enum"] == \
            ["sandbox", "wrong-sender"]
        invoke = body_schema(document, f"/actions/{key}/invoke")
        assert "connection" in invoke["required"]  # two connections: it must be named
        responses = document["paths"][f"/actions/{key}/invoke"]["post"]["responses"]
        assert {"200", "400", "401", "404", "413", "422", "502", "503", "504"} <= set(responses)


def test_each_data_source_has_a_typed_operation(document, connector):
    for key, source in connector.datasources.items():
        schema = body_schema(document, f"/datasources/{key}")
        assert set(schema["properties"]) == {"connection", "inputs", "search", "limit",
                                             "cursor"}
        assert_embeds(resolve(document, schema["properties"]["inputs"]["$ref"]), source.schema)


def test_no_schema_in_the_document_has_a_list_of_types(document):
    assert list(type_lists(document)) == []


def test_error_responses_are_problem_details(document):
    for response in document["components"]["responses"].values():
        assert response["content"]["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/ProblemDetails"}
        assert "X-Request-ID" in response["headers"]
    error = document["components"]["schemas"]["ProblemDetails"]
    assert {"type", "title", "status", "detail", "instance", "code", "request_id", "problems",
            "errors", "layer"} <= set(error["properties"])


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


UNION = {"title": "Custom Fields", "type": ["object", "array"],
         "additionalProperties": {"type": ["string", "number", "boolean"]},
         "items": {"type": ["object", "array"]}, "minItems": 1,
         "examples": [{"type": ["kept", "as", "data"], "$ref": "#/not/a/ref"}]}


def test_a_list_of_types_becomes_one_schema_per_type_with_its_keywords():
    embedded = embed_schema(UNION, "#/components/schemas/x")
    assert embedded["title"] == "Custom Fields"
    assert embedded["examples"] == UNION["examples"]
    assert embedded["anyOf"] == [
        {"type": "object", "additionalProperties": {"anyOf": [
            {"type": "string"}, {"type": "number"}, {"type": "boolean"}]}},
        {"type": "array", "minItems": 1, "items": {"anyOf": [
            {"type": "object"}, {"type": "array", "items": {}}]}},
    ]


@pytest.mark.parametrize("instance", [
    {"a": "x", "b": 1, "c": True}, {"a": None}, {"a": {}}, [["NAME", "value"]],
    [{"name": "a", "value": 1}], [], [5], "text", 5, None,
])
def test_the_rewritten_schema_accepts_exactly_what_the_original_accepts(instance):
    original = jsonschema.Draft202012Validator(UNION)
    rewritten = jsonschema.Draft202012Validator(embed_schema(UNION, "#"))
    assert rewritten.is_valid(instance) == original.is_valid(instance)


def answer_schema(document: dict, path: str) -> dict:
    """The 200 answer's schema (a list action's whole answer, not one of its pages)."""
    response = document["paths"][path]["post"]["responses"]["200"]
    schema = response["content"]["application/json"]["schema"]
    return schema["anyOf"][0] if "anyOf" in schema else schema


def test_each_answer_is_typed_by_the_declared_output_schema(document, connector):
    for key, action in connector.actions.items():
        ref = answer_schema(document, f"/actions/{key}/invoke")["$ref"]
        assert ref == f"#/components/schemas/{key}Output"
        assert resolve(document, ref)["properties"]["data"] == embed_schema(
            action.output_schema, ref + "/properties/data")
    for key, source in connector.datasources.items():
        ref = answer_schema(document, f"/datasources/{key}")["$ref"]
        assert resolve(document, ref)["properties"]["items"] == embed_schema(
            source.output_schema, ref + "/properties/items")


def test_a_real_answer_validates_against_its_typed_response(document, api):
    vendor = api.post("/datasources/selectVendor", {"connection": "sandbox"}).json()["items"][0]
    body = api.post("/actions/getVendor/invoke", {"connection": "sandbox",
                                                   "inputs": {"recordNo": vendor["key"]}}).json()
    ref = answer_schema(document, "/actions/getVendor/invoke")["$ref"]
    jsonschema.validate(body, {**document, "$ref": ref})
    assert body["data"]["_data"][0]["RECORDNO"] == vendor["key"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"data": {**body["data"], "_count": "one"}}, {**document, "$ref": ref})
