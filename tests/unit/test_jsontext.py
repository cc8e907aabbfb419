"""The check of input values: what cannot be sent is refused with the path of the value at
fault, however deep it is; what can be sent passes, whatever its script."""

from decimal import Decimal

import pytest

from connector.jsontext import MAX_DEPTH, JSONTextError, check


def nested(levels: int, leaf, container: str = "dict"):
    """`leaf` at depth `levels` (the value itself is at depth 0)."""
    value = leaf
    for _ in range(levels):
        value = {"k": value} if container == "dict" else [value]
    return value


@pytest.mark.parametrize("value", [
    {"vendorName": "Café Ωmega ✓ 🚀", "notes": ["日本語", "x"], "n": 1.5, "d": Decimal("0.1")},
    {1: "a key that is not text", "flag": True, "none": None},
    nested(MAX_DEPTH, "leaf"), nested(MAX_DEPTH, 1, "list"), nested(MAX_DEPTH, {}),
    nested(MAX_DEPTH, []), {}, [], "", 0,
])
def test_sendable_values_pass(value):
    check(value)


@pytest.mark.parametrize("value, path, problem", [
    ({"a": [{"b": {"c": ["fine", "bad\ud800"]}}]}, "a[0].b.c[1]", "lone surrogate (U+D800)"),
    ({"lines": [{"memo": "ok"}, {"memo": "ok", "note": "x\udfff"}]}, "lines[1].note",
     "lone surrogate (U+DFFF)"),
    ({"outer": {"k\udc00ey": "value"}}, "outer", "lone surrogate (U+DC00)"),
    ({"amounts": [1.0, Decimal("2"), float("nan")]}, "amounts[2]", "nan is not a number"),
    ({"limit": Decimal("-Infinity")}, "limit", "-Infinity is not a number"),
    ("\ud83d", "", "lone surrogate (U+D83D)"),
])
def test_a_refused_value_is_named_by_its_path(value, path, problem):
    with pytest.raises(JSONTextError) as caught:
        check(value)
    assert caught.value.path == path and problem in caught.value.problem


@pytest.mark.parametrize("leaf", ["text", 1, {"k": 1}, [1]])
@pytest.mark.parametrize("container", ["dict", "list"])
def test_a_value_one_level_too_deep_is_refused(leaf, container):
    with pytest.raises(JSONTextError, match=f"nested more than {MAX_DEPTH} levels deep"):
        check(nested(MAX_DEPTH + 1, leaf, container))


def test_the_path_of_a_value_nested_too_deep_is_shortened():
    with pytest.raises(JSONTextError) as caught:
        check({"customFields": nested(MAX_DEPTH + 5, "x")})
    assert caught.value.path.startswith("customFields.k.k") and caught.value.path.endswith("...")
    assert len(caught.value.path) == 63


class _Text:
    """A value given through the Python API whose text a request would carry."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


def test_the_text_of_another_value_is_checked_and_returned():
    assert "Paris" in check({"city": _Text("Paris")})
    with pytest.raises(JSONTextError) as refused:
        check({"lines": [{"memo": _Text("x\ud800")}]})
    assert refused.value.path == "lines[0].memo"
