"""Input validation: every problem at once, with titles and paths; coercion of form text."""

import datetime as dt

import pytest

from connector.errors import InputError
from connector.inputs import parse_date, prepare_inputs

SCHEMA = {
    "type": "object",
    "required": ["vendorName"],
    "properties": {
        "vendorName": {"type": "string", "title": "Vendor Name"},
        "onHold": {"type": "boolean", "title": "On Hold"},
        "creditLimit": {"type": "number", "title": "Credit Limit"},
        "whenDue": {"type": "string", "format": "date", "title": "Due Date"},
        "keys": {"type": ["string", "array"], "x-delimiter": ",", "maxItems": 3,
                 "items": {"type": "string"}, "title": "Keys"},
        "field": {"type": "string", "default": "*", "title": "Field"},
        "lines": {"type": ["array", "string"], "title": "Lines", "items": {
            "type": "object", "required": ["amount"],
            "properties": {"amount": {"type": "number", "title": "Amount"}}}},
    },
}


def test_form_text_is_coerced_and_defaults_applied():
    values = prepare_inputs("x", SCHEMA, {
        "vendorName": "Acme", "onHold": "TRUE", "creditLimit": "1500.50",
        "whenDue": "2024-01-15", "keys": " 1, 2 ,,3 ", "lines": [{"amount": "3"}]})
    assert values == {"vendorName": "Acme", "onHold": True, "creditLimit": 1500.5,
                      "whenDue": dt.date(2024, 1, 15), "keys": ["1", "2", "3"],
                      "lines": [{"amount": 3}], "field": "*"}


def test_a_protocol_s_own_date_format_is_accepted_besides_iso():
    values = prepare_inputs("x", SCHEMA, {"vendorName": "A", "onHold": False,
                                          "whenDue": "1/5/2024"}, ("%m/%d/%Y",))
    assert values["onHold"] is False and values["whenDue"] == dt.date(2024, 1, 5)
    with pytest.raises(InputError, match="use YYYY-MM-DD"):
        prepare_inputs("x", SCHEMA, {"vendorName": "A", "whenDue": "1/5/2024"})


@pytest.mark.parametrize("text", ["02/30/2024", "2024-13-01", "yesterday", "2024/01/15", ""])
def test_bad_dates_are_rejected(text):
    with pytest.raises(ValueError):
        parse_date(text, ("%m/%d/%Y",))


def test_every_problem_is_reported_at_once_with_title_and_path():
    with pytest.raises(InputError) as caught:
        prepare_inputs("createThing", SCHEMA, {
            "onHold": "maybe", "whenDue": "15.01.2024", "keys": "1,2,3,4",
            "bogus": 1, "lines": [{"amount": 1}, {}]}, ("%m/%d/%Y",))
    problems = {p.path: p for p in caught.value.problems}
    assert set(problems) == {"vendorName", "onHold", "whenDue", "keys", "bogus",
                             "lines[1].amount"}
    assert problems["vendorName"].problem == "is required"
    assert problems["vendorName"].title == "Vendor Name"
    assert "use MM/DD/YYYY or YYYY-MM-DD" in problems["whenDue"].problem
    assert problems["lines[1].amount"].title == "Lines > Amount"
    assert problems["bogus"].problem == "is not an input of this action"
    message = str(caught.value)
    assert message.startswith("invalid input for createThing:")
    assert "On Hold (onHold): 'maybe' is not of type boolean" in message
    assert caught.value.exit_code == 2


def test_inputs_must_be_an_object():
    with pytest.raises(InputError, match="Inputs: must be a JSON object"):
        prepare_inputs("x", SCHEMA, ["not", "an", "object"])


def test_json_text_for_list_inputs_is_decoded_and_xml_left_alone():
    values = prepare_inputs("x", SCHEMA, {"vendorName": "A",
                                          "lines": '[{"amount": "2"}, {"amount": 3}]'})
    assert values["lines"] == [{"amount": 2}, {"amount": 3}]
    xml = "<lineitem><amount>1</amount></lineitem>"
    assert prepare_inputs("x", SCHEMA, {"vendorName": "A", "lines": xml})["lines"] == xml
    with pytest.raises(InputError, match="looks like JSON but is not valid"):
        prepare_inputs("x", SCHEMA, {"vendorName": "A", "lines": "[{oops"})


def test_a_problem_under_a_key_that_looks_like_a_digit_is_still_named():
    """'²' is a digit to str.isdigit, not to int(): the path must not crash the report."""
    schema = {"type": "object", "properties": {"notes": {"type": "object", "title": "Notes"}}}
    with pytest.raises(InputError) as caught:
        prepare_inputs("x", schema, {"notes": {"²": "bell\u0007"}})
    assert caught.value.problems[0].path == "notes.²"
