"""Unit tests of readByQuery's query parser and evaluator."""

from __future__ import annotations

import pytest

from connector.intacct.sandbox.querylang import QueryError, parse, tokenize

VENDORS = [
    {
        "RECORDNO": "1",
        "VENDORID": "V-1",
        "NAME": "Acme",
        "CREDITLIMIT": "15000",
        "STATUS": "active",
    },
    {
        "RECORDNO": "2",
        "VENDORID": "V-2",
        "NAME": "O'Hara",
        "CREDITLIMIT": "900",
        "STATUS": "active",
    },
    {"RECORDNO": "3", "VENDORID": "V-10", "NAME": "Zeta", "CREDITLIMIT": "", "STATUS": "inactive"},
    {
        "RECORDNO": "4",
        "VENDORID": "V-3",
        "NAME": "Acme West",
        "CREDITLIMIT": "10000.5",
        "STATUS": "active",
        "DISPLAYCONTACT": {"MAILADDRESS": {"CITY": "Seattle"}},
        "WHENCREATED": "01/15/2024",
    },
]


def ids(query: str) -> list[str]:
    node = parse(query)
    return [v["VENDORID"] for v in VENDORS if node.matches(v, "VENDOR")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["V-1", "V-2", "V-10", "V-3"]),
        ("VENDORID = 'V-1'", ["V-1"]),
        ("VENDORID != 'V-1'", ["V-2", "V-10", "V-3"]),
        ("VENDORID <> 'V-1'", ["V-2", "V-10", "V-3"]),
        ("CREDITLIMIT > 10000", ["V-1", "V-3"]),  # numeric, not text, comparison
        ("CREDITLIMIT >= 15000", ["V-1"]),
        ("CREDITLIMIT < 1000", ["V-2"]),  # empty CREDITLIMIT is NULL: never matches
        ("CREDITLIMIT <= 900", ["V-2"]),
        ("VENDOR.CREDITLIMIT > 10000", ["V-1", "V-3"]),
        ("NAME LIKE 'Acme%'", ["V-1", "V-3"]),
        ("NAME LIKE 'Ac_e'", ["V-1"]),
        ("NAME NOT LIKE 'Acme%'", ["V-2", "V-10"]),
        ("NAME = 'O''Hara'", ["V-2"]),
        ("VENDORID IN ('V-1', 'V-10')", ["V-1", "V-10"]),
        ("VENDORID NOT IN ('V-1', 'V-10')", ["V-2", "V-3"]),
        ("CREDITLIMIT IS NULL", ["V-10"]),
        ("CREDITLIMIT IS NOT NULL", ["V-1", "V-2", "V-3"]),
        ("STATUS = 'active' AND CREDITLIMIT > 1000", ["V-1", "V-3"]),
        ("VENDORID = 'V-1' OR VENDORID = 'V-2'", ["V-1", "V-2"]),
        ("STATUS = 'active' AND (NAME = 'Zeta' OR NAME = 'Acme')", ["V-1"]),
        ("NOT STATUS = 'active'", ["V-10"]),
        ("DISPLAYCONTACT.MAILADDRESS.CITY = 'Seattle'", ["V-3"]),
        ("WHENCREATED > '01/01/2024'", ["V-3"]),
        ("status = 'active' and name like 'Acme%'", []),  # field names are case-sensitive
        ("STATUS = 'active' and NAME like 'Acme%'", ["V-1", "V-3"]),  # keywords are not
        ("VENDORID > 'V-1'", ["V-2", "V-10", "V-3"]),  # text comparison when not numeric
    ],
)
def test_query_selects(query: str, expected: list[str]) -> None:
    assert ids(query) == expected


def test_and_binds_tighter_than_or() -> None:
    assert ids("NAME = 'Zeta' OR STATUS = 'active' AND CREDITLIMIT < 1000") == ["V-2", "V-10"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("VENDORID = ", "expected a quoted string or a number"),
        ("VENDORID 'V-1'", "expected an operator after VENDORID"),
        ("VENDORID = 'V-1", "unterminated string"),
        ("(VENDORID = 'V-1'", "expected ')'"),
        ("VENDORID = 'V-1')", "unexpected ')'"),
        ("VENDORID IN ()", "expected a quoted string or a number"),
        ("VENDORID LIKE 5", "expected a quoted LIKE pattern"),
        ("VENDORID IS 'x'", "expected NULL after IS"),
        ("VENDORID = 'a' AND", "expected a field name"),
        ("VENDORID == 'a'", "expected a quoted string or a number"),
        ("VENDORID = 'a' ; DROP", "unexpected character ';'"),
        ("VENDOR. = 'a'", "field name after '.'"),
    ],
)
def test_bad_queries_raise_clear_errors(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(query)


def test_tokenizer_unescapes_quotes_and_marks_keywords() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("NAME like 'it''s' and X in (1, -2.5)")]
    assert kinds == [
        ("name", "NAME"),
        ("keyword", "LIKE"),
        ("string", "it's"),
        ("keyword", "AND"),
        ("name", "X"),
        ("keyword", "IN"),
        ("punct", "("),
        ("number", "1"),
        ("punct", ","),
        ("number", "-2.5"),
        ("punct", ")"),
        ("end", ""),
    ]
