"""The bulk journal answers only for its own input, resumes unknown outcomes, retries failures
on request, and keeps its records to its owner."""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner

from connector.bulk import run_bulk
from connector.cli import main
from connector.core import load_connector
from connector.intacct.sandbox import running_sandbox
from connector.journal import InputIdentity, Journal, JournalMismatch

FAST = {"max_retries": 2, "delay_ms": 10, "max_delay_ms": 20}


@pytest.fixture()
def fresh():
    connector = load_connector()
    with running_sandbox(db=":memory:", seed=None) as sandbox:
        yield connector, sandbox
    connector.close()


def vendors(prefix: str, count: int) -> list[dict]:
    return [{"vendorId": f"{prefix}-{i:03d}", "vendorName": f"{prefix} {i}"}
            for i in range(count)]


def stored(sandbox, prefix: str) -> list[str]:
    return sorted(r["VENDORID"] for r in sandbox.store.all("VENDOR")
                  if r.get("VENDORID", "").startswith(prefix))


def test_the_journal_is_created_owner_only(fresh, tmp_path):
    connector, sandbox = fresh
    journal = tmp_path / "run.journal"
    list(run_bulk(connector, "createVendor", vendors("OWN", 3), sandbox.connection,
                  journal=journal))
    assert stat.S_IMODE(journal.stat().st_mode) == 0o600


def test_resuming_with_another_input_file_is_refused_before_anything_is_sent(fresh, tmp_path):
    _, sandbox = fresh
    journal = tmp_path / "run.journal"
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps(v) + "\n" for v in vendors("FIRST", 5)))
    second.write_text("".join(json.dumps(v) + "\n" for v in vendors("OTHER", 5)))
    connection = tmp_path / "connection.json"
    connection.write_text(json.dumps(sandbox.connection))
    runner = CliRunner()
    ran = runner.invoke(main, ["bulk", "createVendor", "--input", str(first), "--journal",
                               str(journal), "--connection", str(connection)])
    assert ran.exit_code == 0, ran.output
    before = sandbox.stats.snapshot()["requests"]
    resumed = runner.invoke(main, ["bulk", "createVendor", "--input", str(second),
                                   "--journal", str(journal), "--connection", str(connection)])
    assert resumed.exit_code == 2
    assert "second.jsonl (5 records) is not the input" in resumed.output
    assert "first.jsonl" in resumed.output and "FIRST-" not in resumed.stdout
    assert sandbox.stats.snapshot()["requests"] == before
    assert stored(sandbox, "OTHER") == []


def test_a_record_edited_since_the_run_is_refused_not_answered_with_old_results(fresh,
                                                                                 tmp_path):
    connector, sandbox = fresh
    journal = tmp_path / "run.journal"
    records = vendors("EDIT", 4)
    list(run_bulk(connector, "createVendor", records, sandbox.connection, journal=journal))
    records[2] = {**records[2], "vendorName": "Edited"}
    with pytest.raises(JournalMismatch) as caught:
        list(run_bulk(connector, "createVendor", records, sandbox.connection,
                      journal=journal))
    assert caught.value.problems[0].title == "line 3"
    assert "differs from the record this journal ran" in caught.value.message


def test_unknown_outcomes_are_sent_again_on_resume_and_stored_once(fresh, tmp_path):
    connector, sandbox = fresh
    journal = tmp_path / "run.journal"
    records = vendors("UNK", 30)
    connector.invoke("queryAndList", {"objectName": "VENDOR"}, sandbox.connection)  # sign in
    sandbox.faults.sequence = ["ok", "empty", "empty", "empty"]  # batch 2: answer always lost
    first = list(run_bulk(connector, "createVendor", records, sandbox.connection,
                          journal=journal, batch_size=10, concurrency=1, retry=FAST))
    assert [e["status"] for e in first] == ["success"] * 10 + ["unknown"] * 10 + \
        ["success"] * 10
    assert "may have been applied" in first[10]["error"]["message"]
    resumed = list(run_bulk(connector, "createVendor", records, sandbox.connection,
                            journal=journal, batch_size=10, retry=FAST))
    assert [e["status"] for e in resumed] == ["success"] * 30
    assert all(e["data"].get("_alreadyApplied") for e in resumed[10:20])
    assert stored(sandbox, "UNK") == [r["vendorId"] for r in records]


def test_retry_failed_sends_failed_records_again_with_their_control_ids(fresh, tmp_path):
    connector, sandbox = fresh
    journal = tmp_path / "run.journal"
    records = vendors("RTF", 20)
    connector.invoke("queryAndList", {"objectName": "VENDOR"}, sandbox.connection)  # sign in
    sandbox.faults.sequence = ["ok", 503, 503, 503]  # batch 2 refused before any work
    first = list(run_bulk(connector, "createVendor", records, sandbox.connection,
                          journal=journal, batch_size=10, concurrency=1, retry=FAST))
    assert [e["status"] for e in first] == ["success"] * 10 + ["error"] * 10
    assert stored(sandbox, "RTF") == [r["vendorId"] for r in records[:10]]
    before = sandbox.stats.snapshot()["requests"]
    replayed = list(run_bulk(connector, "createVendor", records, sandbox.connection,
                             journal=journal, batch_size=10))
    assert replayed == first and sandbox.stats.snapshot()["requests"] == before
    retried = list(run_bulk(connector, "createVendor", records, sandbox.connection,
                            journal=journal, batch_size=10, retry_failed=True))
    assert [e["status"] for e in retried] == ["success"] * 20
    assert sandbox.stats.snapshot()["requests"] == before + 1  # only the failed batch
    assert stored(sandbox, "RTF") == [r["vendorId"] for r in records]


def test_a_journal_from_the_cli_binds_its_input_identity(tmp_path):
    lines = [json.dumps(v) for v in vendors("ID", 3)]
    identity = InputIdentity.of_lines("vendors.jsonl", lines)
    assert identity.records == 3 and len(identity.sha256) == 64
    assert identity != InputIdentity.of_lines("vendors.jsonl", [*lines[:2], lines[2] + " "])


def test_a_run_without_a_journal_keeps_nothing_per_record(fresh):
    connector, sandbox = fresh
    kept_nowhere = Journal(None, "createVendor")
    results = list(run_bulk(connector, "createVendor", vendors("NOWHERE", 250),
                            sandbox.connection, journal=kept_nowhere))
    assert [r["status"] for r in results] == ["success"] * 250
    assert stored(sandbox, "NOWHERE") == sorted(v["vendorId"] for v in vendors("NOWHERE", 250))
    assert kept_nowhere.done == {}
