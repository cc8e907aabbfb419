"""readByQuery's SQL-like filter language: a small recursive-descent parser and evaluator.

Grammar (keywords are case-insensitive)::

    expr       := and_expr ( OR and_expr )*
    and_expr   := unary ( AND unary )*
    unary      := NOT unary | '(' expr ')' | comparison
    comparison := field ( cmp_op literal
                        | [NOT] LIKE string
                        | [NOT] IN '(' literal ( ',' literal )* ')'
                        | IS [NOT] NULL )
    field      := name ( '.' name )*          -- OBJECT.FIELD and nested paths
    literal    := string | number             -- 'it''s' escapes a quote

Values compare as numbers when both sides are numeric, as dates or timestamps when both sides
are (MM/DD/YYYY [HH:MM[:SS]], the company's own time: the gateway's dates carry no zone and it
does not read ISO 8601), otherwise as text. `check_dates` refuses a date or timestamp field
compared with anything else. A missing or empty field is NULL: every comparison with it is
false, as in SQL. The `query` function's XML filters reuse the same node classes.
"""

from __future__ import annotations

import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

Record = dict[str, Any]


class QueryError(ValueError):
    """The query text cannot be parsed; the message says where and why."""


# -- field access and comparison semantics ------------------------------------------------------


def resolve_field(record: Record, path: str, obj: str | None = None) -> Any:
    """Value of a (possibly dotted, possibly OBJECT-prefixed) field, or None."""
    if path in record:
        return record[path]
    parts = path.split(".")
    if obj and len(parts) > 1 and parts[0].upper() == obj.upper():
        parts = parts[1:]
        if ".".join(parts) in record:
            return record[".".join(parts)]
    value: Any = record
    for part in parts:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def is_null(value: Any) -> bool:
    return value is None or value == "" or value == {}


@functools.lru_cache(maxsize=1 << 16)
def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None
    return number if number.is_finite() else None


_DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")
_DATE_SHAPE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$")


@functools.lru_cache(maxsize=1 << 16)
def as_date(text: str) -> datetime | None:
    """A date or timestamp as the gateway writes and reads them, MM/DD/YYYY [HH:MM[:SS]], in
    the company's own time (no zone); None for anything else."""
    value = text.strip()
    if not _DATE_SHAPE.match(value):
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def sort_key(value: Any) -> tuple[int, Any]:
    """A value's place in an ordering that agrees with `compare` within one kind: numbers,
    then dates and times, then text (a column that mixes kinds sorts by kind first)."""
    text = str(value)
    number = _number(text)
    if number is not None:
        return (0, number)
    when = as_date(text)
    return (1, when) if when is not None else (2, text)


def compare(left: Any, right: str) -> int | None:
    """-1/0/1 comparing a field value with a literal; None when the field is NULL."""
    if is_null(left) or isinstance(left, (dict, list)):
        return None
    a, b = str(left), str(right)
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        return (na > nb) - (na < nb)
    da, db = as_date(a), as_date(b)
    if da is not None and db is not None:
        return (da > db) - (da < db)
    return (a > b) - (a < b)


def like(value: Any, pattern: str) -> bool:
    """SQL LIKE: % is any run of characters, _ one character."""
    if is_null(value) or isinstance(value, (dict, list)):
        return False
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, str(value), re.DOTALL) is not None


# -- AST ---------------------------------------------------------------------------------------


class Node(ABC):
    """A condition on one record; `obj` lets OBJECT.FIELD prefixes resolve."""

    @abstractmethod
    def matches(self, record: Record, obj: str | None = None) -> bool: ...


_CMP = {
    "=": lambda c: c == 0,
    "!=": lambda c: c != 0,
    "<>": lambda c: c != 0,
    "<": lambda c: c < 0,
    ">": lambda c: c > 0,
    "<=": lambda c: c <= 0,
    ">=": lambda c: c >= 0,
}


@dataclass
class Comparison(Node):
    field: str
    op: str
    value: str

    def matches(self, record: Record, obj: str | None = None) -> bool:
        result = compare(resolve_field(record, self.field, obj), self.value)
        return result is not None and _CMP[self.op](result)


@dataclass
class Like(Node):
    field: str
    pattern: str
    negate: bool = False

    def matches(self, record: Record, obj: str | None = None) -> bool:
        value = resolve_field(record, self.field, obj)
        if is_null(value):
            return False
        return like(value, self.pattern) != self.negate


@dataclass
class In(Node):
    field: str
    values: list[str]
    negate: bool = False

    def matches(self, record: Record, obj: str | None = None) -> bool:
        value = resolve_field(record, self.field, obj)
        if is_null(value) or isinstance(value, (dict, list)):
            return False
        return (sort_key(value) in self._keys) != self.negate

    @functools.cached_property
    def _keys(self) -> frozenset[tuple[int, Any]]:
        """The values as `compare` sees them: equal to a value exactly when its key is here."""
        return frozenset(sort_key(v) for v in self.values)


@dataclass
class IsNull(Node):
    field: str
    negate: bool = False

    def matches(self, record: Record, obj: str | None = None) -> bool:
        return is_null(resolve_field(record, self.field, obj)) != self.negate


@dataclass
class And(Node):
    parts: list[Node]

    def matches(self, record: Record, obj: str | None = None) -> bool:
        return all(p.matches(record, obj) for p in self.parts)


@dataclass
class Or(Node):
    parts: list[Node]

    def matches(self, record: Record, obj: str | None = None) -> bool:
        return any(p.matches(record, obj) for p in self.parts)


@dataclass
class Not(Node):
    part: Node

    def matches(self, record: Record, obj: str | None = None) -> bool:
        return not self.part.matches(record, obj)


class MatchAll(Node):
    def matches(self, record: Record, obj: str | None = None) -> bool:
        return True


# -- tokenizer ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<number>-?\d+(?:\.\d+)?(?![A-Za-z_]))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|<>|!=|=|<|>)
  | (?P<punct>[(),.])
    """,
    re.VERBOSE,
)
_KEYWORDS = {"AND", "OR", "NOT", "LIKE", "IN", "IS", "NULL"}


@dataclass
class Token:
    kind: str  # string, number, name, keyword, op, punct, end
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos] == "'":
                raise QueryError(f"unterminated string starting at position {pos}")
            raise QueryError(f"unexpected character {text[pos]!r} at position {pos}")
        kind = m.lastgroup or ""
        value = m.group()
        if kind == "string":
            tokens.append(Token("string", value[1:-1].replace("''", "'"), pos))
        elif kind == "name" and value.upper() in _KEYWORDS:
            tokens.append(Token("keyword", value.upper(), pos))
        elif kind != "ws":
            tokens.append(Token(kind, value, pos))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# -- parser ------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def _advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def _accept(self, kind: str, text: str | None = None) -> Token | None:
        tok = self.tok
        if tok.kind == kind and (text is None or tok.text == text):
            return self._advance()
        return None

    def _expect(self, kind: str, text: str | None = None, what: str = "") -> Token:
        tok = self._accept(kind, text)
        if tok is None:
            found = self.tok.text or "end of query"
            raise QueryError(
                f"expected {what or text or kind} at position {self.tok.pos}, found {found!r}"
            )
        return tok

    def parse(self) -> Node:
        node = self.expr()
        if self.tok.kind != "end":
            raise QueryError(f"unexpected {self.tok.text!r} at position {self.tok.pos}")
        return node

    def expr(self) -> Node:
        parts = [self.and_expr()]
        while self._accept("keyword", "OR"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(parts)

    def and_expr(self) -> Node:
        parts = [self.unary()]
        while self._accept("keyword", "AND"):
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else And(parts)

    def unary(self) -> Node:
        if self._accept("keyword", "NOT"):
            return Not(self.unary())
        if self._accept("punct", "("):
            node = self.expr()
            self._expect("punct", ")", "')'")
            return node
        return self.comparison()

    def field(self) -> str:
        parts = [self._expect("name", what="a field name").text]
        while self._accept("punct", "."):
            parts.append(self._expect("name", what="a field name after '.'").text)
        return ".".join(parts)

    def literal(self) -> str:
        tok = self.tok
        if tok.kind in ("string", "number"):
            self._advance()
            return tok.text
        found = tok.text or "end of query"
        raise QueryError(
            f"expected a quoted string or a number at position {tok.pos}, found {found!r}"
        )

    def comparison(self) -> Node:
        name = self.field()
        if op := self._accept("op"):
            return Comparison(name, op.text, self.literal())
        negate = self._accept("keyword", "NOT") is not None
        if self._accept("keyword", "LIKE"):
            tok = self._expect("string", what="a quoted LIKE pattern")
            return Like(name, tok.text, negate)
        if self._accept("keyword", "IN"):
            self._expect("punct", "(", "'(' after IN")
            values = [self.literal()]
            while self._accept("punct", ","):
                values.append(self.literal())
            self._expect("punct", ")", "')' closing the IN list")
            return In(name, values, negate)
        if not negate and self._accept("keyword", "IS"):
            is_not = self._accept("keyword", "NOT") is not None
            self._expect("keyword", "NULL", "NULL after IS")
            return IsNull(name, is_not)
        found = self.tok.text or "end of query"
        raise QueryError(
            f"expected an operator after {name} at position {self.tok.pos}, found {found!r}"
        )


def parse(text: str | None) -> Node:
    """Parse a readByQuery query; empty text matches every record."""
    if text is None or not text.strip():
        return MatchAll()
    return _Parser(text).parse()


def check_dates(node: Node, is_date_field: Callable[[str], bool]) -> None:
    """Refuse a date or timestamp field compared with a value that is not MM/DD/YYYY
    [HH:MM[:SS]] (ISO 8601 included: the gateway does not read it)."""
    if isinstance(node, (And, Or)):
        for part in node.parts:
            check_dates(part, is_date_field)
    elif isinstance(node, Not):
        check_dates(node.part, is_date_field)
    elif isinstance(node, (Comparison, In)) and is_date_field(node.field):
        for value in [node.value] if isinstance(node, Comparison) else node.values:
            if as_date(value) is None:
                raise QueryError(f"{node.field} is a date: compare it with a date as "
                                 f"MM/DD/YYYY or a time as MM/DD/YYYY HH:MM:SS, not {value!r}")
