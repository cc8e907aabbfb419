"""Response bodies: a Decimal is written as the number it holds."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from connector.service.responses import APIResponse, exact_json


def test_decimals_keep_their_digits_anywhere_in_the_value():
    value = {"a": [Decimal("12345678901234567890.12"), {"b": Decimal("-0.000000000000000001")}],
             "c": "text é", "d": 1.5, "e": None, "f": True, "g": Decimal("1E+400")}
    text = exact_json(value)
    assert json.loads(text, parse_float=Decimal) == value
    assert "12345678901234567890.12" in text and "1E+400" in text


def test_a_response_without_decimals_is_plain_json():
    body = APIResponse({"x": [1, 2.5, "é"]}).body
    assert body == '{"x":[1,2.5,"é"]}'.encode()


def test_a_response_with_a_decimal_is_exact():
    body = APIResponse({"data": {"amount": Decimal("0.1000000000000000055511151231257827")}}).body
    assert body == b'{"data":{"amount":0.1000000000000000055511151231257827}}'


@pytest.mark.parametrize("number", [Decimal("NaN"), Decimal("-Infinity")])
def test_a_decimal_that_is_not_a_number_is_refused(number):
    with pytest.raises(ValueError, match="not a JSON number"):
        exact_json({"x": number})
