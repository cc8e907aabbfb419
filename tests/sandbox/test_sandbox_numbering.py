"""RECORDNOs and the audit trail around failures: a function that fails amid a bulk request
leaves no number taken and no trail row behind, an operation-level transaction that rolls back
leaves the sequences as they were, and committed numbers are never handed out again, even by
another connection to the same database file."""

from __future__ import annotations

from pathlib import Path

from sandbox_gw import Client

from connector.intacct.sandbox.store import Store

VENDOR = "<VENDOR><VENDORID>{vid}</VENDORID><NAME>n {vid}</NAME></VENDOR>"


def _create(*vendor_ids: str) -> str:
    return "<create>" + "".join(VENDOR.format(vid=v) for v in vendor_ids) + "</create>"


def _recordnos(store: Store, *vendor_ids: str) -> list[int]:
    return [int(store.find("VENDOR", VENDORID=v)[0]["RECORDNO"]) for v in vendor_ids]


def _trail(store: Store) -> list[tuple[int, str, str]]:
    return [(int(r["RECORDNO"]), r["OBJECTKEY"], r["OBJECTDESC"])
            for r in store.all("AUDITHISTORY")]


def test_a_function_failing_after_its_first_insert_leaves_no_number_or_trail_row(
        client: Client) -> None:
    store = client.sandbox.store
    trail_before = _trail(store)
    # The third function stores B-2 and then fails on a duplicate: all of its work goes.
    functions = [_create("B-0"), _create("B-1"), _create("B-2", "V-00101"),
                 *(_create(f"B-{n}") for n in range(3, 60))]
    reply = client.call(*functions)
    statuses = [r.findtext("status") for r in reply.results]
    assert statuses == ["success"] * 2 + ["failure"] + ["success"] * 57
    assert store.find("VENDOR", VENDORID="B-2") == []
    created = ["B-0", "B-1", *(f"B-{n}" for n in range(3, 60))]
    numbers = _recordnos(store, *created)
    assert numbers == list(range(numbers[0], numbers[0] + len(created)))
    answered = [int(r.findtext("data/vendor/RECORDNO")) for r in reply.results if
                r.findtext("status") == "success"]
    assert answered == numbers
    new_rows = _trail(store)[len(trail_before):]
    assert [(key, desc) for _, key, desc in new_rows] == [
        (str(n), v) for n, v in zip(numbers, created, strict=True)]
    first_row = new_rows[0][0]
    assert [row for row, _, _ in new_rows] == list(range(first_row, first_row + len(created)))
    # The next request carries on from the last committed numbers.
    client.call(_create("B-next"))
    assert _recordnos(store, "B-next") == [numbers[-1] + 1]
    assert _trail(store)[-1][0] == new_rows[-1][0] + 1


def test_a_rolled_back_transaction_leaves_the_sequences_as_they_were(client: Client) -> None:
    store = client.sandbox.store
    client.call(_create("T-before"))
    [before] = _recordnos(store, "T-before")
    trail_before = _trail(store)
    functions = [_create(f"T-{n}") for n in range(50)] + [_create("V-00101")] + [
        _create(f"T-{n}") for n in range(50, 60)]
    reply = client.call(*functions, transaction=True)
    assert [r.findtext("status") for r in reply.results].count("aborted") == 60
    assert store.find("VENDOR", VENDORID="T-0") == []
    assert _trail(store) == trail_before
    client.call(_create("T-after"))
    assert _recordnos(store, "T-after") == [before + 1]
    assert _trail(store)[-1][0] == trail_before[-1][0] + 1


def test_committed_numbers_are_not_reused_by_another_connection_to_the_file(
        tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite3")
    first, second = Store(path), Store(path)
    try:
        numbers = []
        for store in (first, second, first) * 3:
            with store.transaction():
                for _ in range(2):
                    added = store.add("VENDOR", {"VENDORID": f"S-{len(numbers)}"})
                    numbers.append(int(added["RECORDNO"]))
        assert len(set(numbers)) == len(numbers) == 18
        assert numbers == sorted(numbers)
        assert [int(r["RECORDNO"]) for r in second.all("VENDOR")] == numbers
    finally:
        first.close()
        second.close()


def test_a_read_in_the_same_request_sees_the_trail_rows_of_the_writes_before_it(
        client: Client) -> None:
    reply = client.call(
        _create("R-1"), _create("R-2"),
        "<readByQuery><object>AUDITHISTORY</object><fields>OBJECTDESC,ACCESSMODE</fields>"
        "<query>OBJECTDESC LIKE 'R-%'</query><pagesize>10</pagesize></readByQuery>",
        _create("R-3"))
    rows = reply.result(2).findall("data/audithistory")
    assert [(r.findtext("OBJECTDESC"), r.findtext("ACCESSMODE")) for r in rows] == [
        ("R-1", "Created"), ("R-2", "Created")]
    assert [r["OBJECTDESC"] for r in client.sandbox.store.all("AUDITHISTORY")][-3:] == [
        "R-1", "R-2", "R-3"]


def test_trail_rows_held_back_are_written_once_and_only_if_their_savepoint_holds() -> None:
    store = Store()
    try:
        before = store.count("AUDITHISTORY")
        with store.transaction():
            kept = store.add_later("AUDITHISTORY", {"OBJECTDESC": "kept"})
            try:
                with store.transaction():
                    store.add_later("AUDITHISTORY", {"OBJECTDESC": "dropped"})
                    assert store.count("AUDITHISTORY") == before + 2  # a read writes them
                    raise RuntimeError("the function fails")
            except RuntimeError:
                pass
            after = store.add_later("AUDITHISTORY", {"OBJECTDESC": "after"})
        rows = store.all("AUDITHISTORY")[before:]
        assert [r["OBJECTDESC"] for r in rows] == ["kept", "after"]
        assert rows == [kept, after]
        assert int(after["RECORDNO"]) == int(kept["RECORDNO"]) + 1
        outside = store.add_later("AUDITHISTORY", {"OBJECTDESC": "outside"})
        assert store.all("AUDITHISTORY")[-1] == outside  # no transaction: written at once
    finally:
        store.close()
