"""What an open store transaction holds in memory instead of writing at once: the numbers it
takes from a sequence after the first, and rows nothing needs to read before the transaction
ends (the audit trail's). A bulk request writes them once at the end instead of once per
function.

Each savepoint keeps a copy, so rolling back to it drops what was held inside it, as SQLite drops
what was written inside it.
"""

from __future__ import annotations

from typing import Any

#: The (company, object) rows are held for: what a read of them must wait for.
RowKey = tuple[str, str]


class Pending:
    """Held sequence numbers and rows of the open transaction; see the module docstring."""

    __slots__ = ("numbers", "objects", "rows")

    def __init__(self) -> None:
        self.numbers: dict[str, tuple[int, int]] = {}  # name -> (last taken, value in table)
        self.rows: list[tuple[Any, ...]] = []  # parameters of record inserts
        self.objects: set[RowKey] = set()

    def copy(self) -> Pending:
        held = Pending()
        held.numbers, held.rows, held.objects = (
            dict(self.numbers), list(self.rows), set(self.objects))
        return held

    def next_number(self, name: str) -> int | None:
        """The sequence's next number, when this transaction has taken one before; None when
        the table must give it (and so be locked for writing until the transaction ends)."""
        held = self.numbers.get(name)
        if held is None:
            return None
        value = held[0] + 1
        self.numbers[name] = (value, held[1])
        return value

    def first_number(self, name: str, value: int) -> None:
        """The sequence's number the table gave (and now holds)."""
        self.numbers[name] = (value, value)

    def changed_numbers(self) -> list[tuple[int, str]]:
        """(last number taken, name) of each sequence the table is behind on."""
        return [(last, name) for name, (last, stored) in self.numbers.items() if last != stored]

    def hold(self, key: RowKey, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        self.objects.add(key)

    def holds(self, key: RowKey) -> bool:
        return key in self.objects

    def release_rows(self) -> list[tuple[Any, ...]]:
        """The held rows, to be written now; none are held after."""
        rows, self.rows, self.objects = self.rows, [], set()
        return rows
