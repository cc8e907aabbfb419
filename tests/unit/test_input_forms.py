"""The forms inputs arrive in besides the flat default: grouped, blank, key-value lists; what no
text request can carry; refusals a schema words itself."""

import pytest

from connector.errors import InputError
from connector.inputs import prepare_inputs

SCHEMA = {
    "type": "object",
    "required": ["vendorName"],
    "x-groups": {
        "name": {"title": "Name", "description": "First and last name."},
        "contactDetails": {"title": "Contact Details"},
    },
    "properties": {
        "vendorName": {"type": "string", "title": "Vendor Name"},
        "firstName": {"type": "string", "title": "First Name", "x-group": "name",
                      "x-group-key": "firstNameInput"},
        "lastName": {"type": "string", "title": "Last Name", "x-group": "name",
                     "x-group-key": "lastNameInput"},
        "city": {"type": "string", "title": "City", "x-group": "contactDetails",
                 "x-group-key": "cityInput"},
        "taxable": {"type": "boolean", "title": "Taxable", "x-group": "contactDetails",
                    "x-group-key": "taxableInput"},
        "onHold": {"type": ["boolean", "string"], "maxLength": 0, "title": "On Hold"},
        "creditLimit": {"type": ["number", "string"], "maxLength": 0, "title": "Credit Limit"},
        "whenDue": {"type": "string", "format": "date", "title": "Due Date"},
        "action": {"type": "string", "enum": ["Draft", "Submit"], "title": "Action"},
        "fields": {"type": ["string", "array"], "x-delimiter": ",", "default": ["*"],
                   "items": {"type": "string"}, "title": "Field"},
        "comments": {"type": "string", "title": "Comments"},
        "header": {"type": ["array", "object", "string"], "x-key-value": True,
                   "items": {"type": "string"}, "additionalProperties": {"type": "string"},
                   "title": "Header"},
        "lines": {"type": "array", "title": "Lines", "items": {
            "type": "object", "properties": {"memo": {"type": "string", "title": "Memo"}}}},
    },
}


def problems_of(inputs: dict, schema: dict = SCHEMA) -> dict:
    with pytest.raises(InputError) as caught:
        prepare_inputs("createThing", schema, inputs)
    return {p.path: p for p in caught.value.problems}


# -- grouped inputs ------------------------------------------------------------------------------


def test_a_group_given_as_an_object_is_read_as_its_flat_inputs():
    values = prepare_inputs("x", SCHEMA, {
        "vendorName": "Acme", "name": {"firstNameInput": "Ann", "lastName": "Lee"},
        "contactDetails": '{"cityInput": "Paris", "taxableInput": "true"}'})
    assert values == {"vendorName": "Acme", "firstName": "Ann", "lastName": "Lee",
                      "city": "Paris", "taxable": True, "fields": ["*"]}


def test_blank_members_of_a_group_are_not_given():
    # The grouped form is the one whose every member arrives, "" when the form left it blank.
    values = prepare_inputs("x", SCHEMA, {
        "vendorName": "Acme", "name": {"firstNameInput": "", "lastNameInput": "Lee"},
        "contactDetails": {"cityInput": "", "taxableInput": ""}})
    assert values == {"vendorName": "Acme", "lastName": "Lee", "fields": ["*"]}


def test_one_value_given_flat_and_grouped_names_both():
    problems = problems_of({"vendorName": "A", "city": "Rome",
                            "contactDetails": {"cityInput": "Paris"}})
    assert list(problems) == ["contactDetails.cityInput"]
    assert problems["contactDetails.cityInput"].problem == (
        "is also given as city; give one of contactDetails.cityInput and city")


def test_unknown_members_and_groups_that_are_not_objects_are_named():
    problems = problems_of({"vendorName": "A", "name": {"nickNameInput": "Al"},
                            "contactDetails": "Paris"})
    assert set(problems) == {"name.nickNameInput", "contactDetails"}
    assert problems["name.nickNameInput"].problem == (
        "is not an input of Name (it has firstNameInput, lastNameInput)")
    assert problems["contactDetails"].title == "Contact Details"
    assert "must be an object of its inputs" in problems["contactDetails"].problem


def test_a_member_s_problem_is_reported_where_it_was_given():
    problems = problems_of({"vendorName": "A", "contactDetails": {"taxableInput": "perhaps"}})
    assert list(problems) == ["contactDetails.taxableInput"]
    assert problems["contactDetails.taxableInput"].title == "Taxable"


# -- blank values --------------------------------------------------------------------------------


def test_blank_is_not_given_where_an_input_s_only_text_is_blank():
    values = prepare_inputs("x", SCHEMA, {
        "vendorName": "A", "onHold": " ", "creditLimit": "", "fields": " , ", "comments": ""})
    # plain text stays a value (an empty element clears the field); the rest is not given
    assert values == {"vendorName": "A", "comments": "", "fields": ["*"]}
    values = prepare_inputs("x", SCHEMA, {"vendorName": "A", "onHold": "TRUE",
                                          "creditLimit": "12.5"})
    assert values["onHold"] is True and values["creditLimit"] == 12.5
    problems = problems_of({"vendorName": "A", "onHold": "maybe"})
    assert "'maybe' is not of type boolean" in problems["onHold"].problem


def test_blank_is_refused_where_the_schema_does_not_allow_it():
    problems = problems_of({"vendorName": "A", "whenDue": "", "action": "", "taxable": ""})
    assert set(problems) == {"whenDue", "action", "taxable"}


def test_a_required_input_given_blank_is_missing():
    problems = problems_of({"onHold": ""}, {**SCHEMA, "required": ["onHold"]})
    assert problems["onHold"].problem == "is required"


# -- key-value lists -----------------------------------------------------------------------------


def test_a_key_value_list_is_read_as_an_object():
    values = prepare_inputs("x", SCHEMA, {"vendorName": "A", "header": [
        {"key": "X-One", "value": "1"}, {"key": "X-Two", "value": "2"}]})
    assert values["header"] == {"X-One": "1", "X-Two": "2"}
    lines = ["X-One: 1"]
    assert prepare_inputs("x", SCHEMA, {"vendorName": "A", "header": lines})["header"] == lines


# -- what no text request can carry --------------------------------------------------------------


def test_control_characters_are_refused_where_they_are():
    problems = problems_of({"vendorName": "Acme\x00", "comments": "tab\tand\r\nnewline ok",
                            "lines": [{"memo": "bell\x07"}],
                            "contactDetails": {"cityInput": "Par\x1bis"}})
    assert set(problems) == {"vendorName", "lines[0].memo", "contactDetails.cityInput"}
    assert problems["vendorName"].problem == (
        "contains the control character U+0000; of the control characters only tab, line feed "
        "and carriage return can be sent")
    assert problems["lines[0].memo"].title == "Lines > Memo"


@pytest.mark.parametrize("inputs, at", [
    ({"vendorName": "A\x0c"}, "vendorName"),
    ({"vendorName": "A", "lines": [{"memo": "x"}, {"memo": "\x1f"}]}, "lines[1].memo"),
    ({"vendorName": "A", "contactDetails": {"cityInput": "\x08"}}, "contactDetails.cityInput"),
    ({"vendorName": "A", "header": {"X-\x0b": "1"}}, "header"),
    ({"vendorName": "é\x01"}, "vendorName"),
])
def test_one_control_character_anywhere_is_found(inputs, at):
    assert set(problems_of(inputs)) == {at}


def test_control_characters_in_names_are_refused():
    problems = problems_of({"vendorName": "A", "header": {"X-\x01": "1"}})
    assert "U+0001" in problems["header"].problem


# -- refusals a schema words itself --------------------------------------------------------------

CURRENCY = {
    "type": "object",
    "properties": {
        "currency": {"type": "string", "title": "Currency"},
        "rateType": {"type": "string", "title": "Exchange Rate Type"},
        "rate": {"type": "number", "title": "Exchange Rate"},
        "tags": {"type": "string", "title": "Additional XML Tags", "maxLength": 0,
                 "x-error-message": "cannot be sent with this function"},
    },
    "dependentRequired": {"rateType": ["currency"]},
    "allOf": [{"not": {"required": ["rate", "rateType"]}, "x-error-at": "rate",
               "x-error-message": "cannot be given with rateType: give one or the other"}],
}


def test_a_dependency_is_reported_at_the_missing_input():
    problems = problems_of({"rateType": "Daily"}, CURRENCY)
    assert problems["currency"].problem == "is required when rateType is given"
    assert problems["currency"].title == "Currency"


def test_a_rule_about_several_inputs_is_reported_where_the_schema_says():
    problems = problems_of({"currency": "EUR", "rateType": "Daily", "rate": 1.1}, CURRENCY)
    assert list(problems) == ["rate"]
    assert problems["rate"].problem == "cannot be given with rateType: give one or the other"
    assert problems["rate"].title == "Exchange Rate"


def test_a_schema_s_own_message_replaces_the_validator_s():
    problems = problems_of({"tags": "<x/>"}, CURRENCY)
    assert problems["tags"].problem == "cannot be sent with this function"
    assert prepare_inputs("x", CURRENCY, {"tags": ""}) == {"tags": ""}


# -- name/value pairs ----------------------------------------------------------------------------

PAIRS = {"type": "object", "properties": {"customFields": {
    "title": "Custom Fields", "type": ["object", "array"], "x-pairs": True,
    "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
    "additionalProperties": {"type": ["string", "number"]},
    "items": {"anyOf": [
        {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": ["string", "number"]}},
        {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}],
        "x-error-message": "must be a [name, value] pair or {\"name\": ..., \"value\": ...}"}}}}


def test_pair_names_are_held_to_the_object_s_names():
    pairs = [["REGION", "W"], {"name": "T", "value": 2}]
    assert prepare_inputs("x", PAIRS, {"customFields": pairs}) == {"customFields": pairs}
    problems = problems_of({"customFields": [["1abc", "x"], {"name": "bad name", "value": 1}]},
                           PAIRS)
    assert set(problems) == {"customFields[0]", "customFields[1]"}
    assert problems["customFields[0]"].problem.startswith("'1abc' is not a name this input takes")
    assert problems["customFields[1]"].title == "Custom Fields"
    problems = problems_of({"customFields": {"bad name": 1}}, PAIRS)
    assert "'bad name' does not match" in problems["customFields"].problem


def test_a_pair_of_the_wrong_shape_is_named_with_the_schema_s_words():
    problems = problems_of({"customFields": [["ONLY"], "REGION=W"]}, PAIRS)
    assert {p: x.problem for p, x in problems.items()} == {
        "customFields[0]": 'must be a [name, value] pair or {"name": ..., "value": ...}',
        "customFields[1]": 'must be a [name, value] pair or {"name": ..., "value": ...}'}


def test_a_timestamp_gives_its_date_as_written():
    from connector.inputs import parse_date

    assert parse_date("2023-12-31T23:59:59.999Z").isoformat() == "2023-12-31"
    assert parse_date("2024-01-01T00:00+02:00").isoformat() == "2024-01-01"
    with pytest.raises(ValueError):
        parse_date("2024-01-01T25")
