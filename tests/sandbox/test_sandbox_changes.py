"""What an exactly-once change feed needs from the sandbox: WHENCREATED and WHENMODIFIED kept on
every write (to the second, in the company's time zone, written MM/DD/YYYY HH:MM:SS with no
offset as the real gateway writes them) and queryable; deletes (and creates and changes) in
AUDITHISTORY; a clock tests can set or skew; and late commits, stamped when their request starts
but visible only when they commit."""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from sandbox_gw import Client

from connector.intacct.sandbox import SandboxConfig, running_sandbox
from connector.intacct.sandbox.commits import LateCommits

T0 = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def parse(stamp: str) -> datetime:
    """A stamp of the default company, whose zone is UTC."""
    return datetime.strptime(stamp, "%m/%d/%Y %H:%M:%S").replace(tzinfo=timezone.utc)


def near(stamp: str, when: datetime, seconds: float = 5) -> bool:
    """The clock runs on after it is set: a stamp is within a few seconds after `when`."""
    return timedelta(0) <= parse(stamp) - when <= timedelta(seconds=seconds)


def create_vendor(client: Client, vendor_id: str) -> str:
    reply = client.call(f"<create><VENDOR><VENDORID>{vendor_id}</VENDORID><NAME>{vendor_id}"
                        "</NAME></VENDOR></create>")
    return reply.result().findtext("data/vendor/RECORDNO")


def listed(client: Client, obj: str, query: str, fields: str = "*") -> list[dict]:
    reply = client.call(f"<readByQuery><object>{obj}</object><fields>{fields}</fields>"
                        f"<query>{query}</query><pagesize>1000</pagesize></readByQuery>")
    return [{c.tag: c.text or "" for c in r} for r in reply.result().find("data")]


# -- timestamps ------------------------------------------------------------------------------


def test_creates_and_updates_are_stamped_by_the_sandbox_clock(client: Client) -> None:
    sandbox = client.sandbox
    sandbox.clock.set(T0)
    recordno = create_vendor(client, "STAMP-1")
    created = sandbox.store.get("VENDOR", recordno)
    assert created["WHENCREATED"] == created["WHENMODIFIED"]
    assert near(created["WHENCREATED"], T0)
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", created["WHENCREATED"])

    sandbox.clock.skew(3600)
    client.call(f"<update><VENDOR><RECORDNO>{recordno}</RECORDNO><COMMENTS>later</COMMENTS>"
                "</VENDOR></update>")
    updated = sandbox.store.get("VENDOR", recordno)
    assert updated["WHENCREATED"] == created["WHENCREATED"]
    assert near(updated["WHENMODIFIED"], T0 + timedelta(hours=1))

    sandbox.clock.reset()
    client.call(f"<update><VENDOR><RECORDNO>{recordno}</RECORDNO><COMMENTS>now</COMMENTS>"
                "</VENDOR></update>")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    assert near(sandbox.store.get("VENDOR", recordno)["WHENMODIFIED"], now - timedelta(
        seconds=2))


def test_a_database_stamped_in_iso_8601_is_restamped_once_in_the_gateways_format(
        tmp_path) -> None:
    from connector.intacct.sandbox.store import Store

    path = str(tmp_path / "old.sqlite3")
    old = Store(path)
    recordno = int(old.add("VENDOR", {"VENDORID": "OLD", "WHENCREATED": "2024-01-10T16:48:17Z",
                                      "WHENMODIFIED": "2024-01-10T08:48:17-08:00"},
                           id_value="OLD")["RECORDNO"])
    old._db.conn.execute("DELETE FROM sequences WHERE name = 'format:gateway-stamps'")
    old.close()
    reopened = Store(path)
    vendor = reopened.get("VENDOR", recordno)
    assert (vendor["WHENCREATED"], vendor["WHENMODIFIED"]) == ("01/10/2024 16:48:17",
                                                               "01/10/2024 08:48:17")
    reopened.close()


def test_documents_keep_their_date_and_are_stamped_in_auwhencreated(client: Client) -> None:
    client.sandbox.clock.set(T0)
    reply = client.call(
        "<create><APBILL><VENDORID>V-00101</VENDORID><WHENCREATED>02/15/2024</WHENCREATED>"
        "<APBILLITEMS><APBILLITEM><ACCOUNTNO>6000</ACCOUNTNO><TRX_AMOUNT>5</TRX_AMOUNT>"
        "</APBILLITEM></APBILLITEMS></APBILL></create>")
    recordno = reply.result().findtext("data/apbill/RECORDNO")
    bill = client.sandbox.store.get("APBILL", recordno)
    assert bill["WHENCREATED"] == "02/15/2024"  # the transaction date, as sent
    assert near(bill["AUWHENCREATED"], T0) and bill["WHENMODIFIED"] == bill["AUWHENCREATED"]
    [line] = client.sandbox.store.find("APBILLITEM", RECORDKEY=recordno)
    assert near(line["WHENMODIFIED"], T0)


def test_timestamps_are_in_the_companys_time_zone() -> None:
    config = SandboxConfig(timezone="America/Los_Angeles")
    config.clock.set(datetime(2024, 1, 11, 0, 48, 17, tzinfo=timezone.utc))
    with running_sandbox(seed=None, config=config) as sb:
        client = Client(sb)
        recordno = create_vendor(client, "TZ-1")
        stamp = sb.store.get("VENDOR", recordno)["WHENMODIFIED"]
        # 00:48:17 UTC is the evening before in Los Angeles (PST, UTC-8); no offset is written
        assert re.fullmatch(r"01/10/2024 16:48:\d\d", stamp)
        # a filter in the company's local time without offset reads as that zone
        assert [v["VENDORID"] for v in listed(client, "VENDOR",
                                              "WHENMODIFIED >= '01/10/2024 16:48:00'")] == ["TZ-1"]
        assert listed(client, "VENDOR", "WHENMODIFIED >= '01/10/2024 17:48:00'") == []
        client.close()


def test_whenmodified_is_queryable_in_read_by_query_and_query(client: Client) -> None:
    sandbox = client.sandbox
    sandbox.clock.set(T0)
    create_vendor(client, "Q-OLD")
    sandbox.clock.skew(60)
    mark = sandbox.store.find("VENDOR", VENDORID="Q-OLD")[0]["WHENMODIFIED"]
    sandbox.clock.skew(60)
    create_vendor(client, "Q-NEW")
    # (the demo company was seeded at the real time, after T0: only Q- vendors are compared)
    newer = listed(client, "VENDOR", f"WHENMODIFIED > '{mark}' AND VENDORID LIKE 'Q-%'",
                   "VENDORID,WHENMODIFIED")
    assert [v["VENDORID"] for v in newer] == ["Q-NEW"]
    reply = client.call(
        "<query><object>VENDOR</object><select><field>VENDORID</field></select><filter><and>"
        f"<greaterthanorequalto><field>WHENMODIFIED</field><value>{mark}</value>"
        "</greaterthanorequalto><like><field>VENDORID</field><value>Q-%</value></like></and>"
        "</filter><orderby><order><field>WHENMODIFIED</field></order></orderby></query>")
    assert [v.findtext("VENDORID") for v in reply.result().find("data")] == ["Q-OLD", "Q-NEW"]


@pytest.mark.parametrize("value", ["2024-03-01T12:00:00Z", "2024-03-01", "yesterday"])
def test_a_date_compared_with_anything_but_the_gateways_format_is_refused(
        client: Client, value: str) -> None:
    """Intacct reads dates as MM/DD/YYYY [HH:MM:SS] and does not support ISO 8601 (FAQ)."""
    for body in (f"<readByQuery><object>VENDOR</object><query>WHENMODIFIED &gt; '{value}'"
                 "</query></readByQuery>",
                 "<query><object>AUDITHISTORY</object><select><field>OBJECTKEY</field></select>"
                 f"<filter><greaterthan><field>ACCESSTIME</field><value>{value}</value>"
                 "</greaterthan></filter></query>"):
        result = client.call(body).result()
        assert result.findtext("status") == "failure"
        assert result.findtext("errormessage/error/errorno") == "Query Failed"
        assert "MM/DD/YYYY" in result.findtext("errormessage/error/description2")
    # a text field that happens to hold a date-like value is compared as text, unrefused
    assert listed(client, "VENDOR", "NAME > '2024-03-01'") != []


def test_a_company_that_hides_its_audit_trail_refuses_auditing_reads() -> None:
    with running_sandbox(seed=None, config=SandboxConfig(audit_trail=False)) as sb:
        client = Client(sb)
        for body in ("<readByQuery><object>AUDITHISTORY</object><query/></readByQuery>",
                     "<query><object>AUDITHISTORY</object><select><field>OBJECTKEY</field>"
                     "</select></query>"):
            error = client.call(body).result().find("errormessage/error")
            assert error.findtext("errorno") == "PL04000005"
            assert "audithistory" in error.findtext("description2")
        client.close()


def test_sessions_live_by_the_sandbox_clock(client: Client) -> None:
    sid = client.session()
    client.sandbox.clock.skew(1800 + 60)  # past the 30-minute inactivity timeout
    reply = client.call("<getAPISession/>", auth=f"<sessionid>{sid}</sessionid>")
    assert reply.auth_status == "failure"


# -- AUDITHISTORY ---------------------------------------------------------------------------


def test_deletes_leave_an_audit_trail_readable_by_time_and_type(client: Client) -> None:
    sandbox = client.sandbox
    sandbox.clock.set(T0)
    before = sandbox.store.count("AUDITHISTORY")
    assert before == 0  # the demo seed leaves none: the trail starts with the API
    recordno = create_vendor(client, "GONE-1")
    sandbox.clock.skew(120)
    since = f"{(T0 + timedelta(seconds=120)):%m/%d/%Y %H:%M:%S}"
    client.call(f"<delete><object>VENDOR</object><keys>{recordno}</keys></delete>")
    client.call('<delete_customer customerid="C-00205"/>')

    deleted = listed(client, "AUDITHISTORY",
                     f"ACCESSMODE = 'Deleted' AND ACCESSTIME >= '{since}'",
                     "OBJECTTYPE,OBJECTKEY,OBJECTDESC,ACCESSMODE,ACCESSTIME,USERID,SOURCE")
    customer = [d for d in deleted if d["OBJECTTYPE"] == "customer"]
    vendor = [d for d in deleted if d["OBJECTTYPE"] == "vendor"]
    assert vendor == [{
        "OBJECTTYPE": "vendor", "OBJECTKEY": recordno, "OBJECTDESC": "GONE-1",
        "ACCESSMODE": "Deleted", "ACCESSTIME": vendor[0]["ACCESSTIME"],
        "USERID": "sandbox_user", "SOURCE": "api"}]
    assert near(vendor[0]["ACCESSTIME"], T0 + timedelta(seconds=120))
    assert customer[0]["OBJECTDESC"] == "C-00205"
    created = listed(client, "AUDITHISTORY", "ACCESSMODE = 'Created'", "OBJECTKEY")
    assert created == [{"OBJECTKEY": recordno}]
    reply = client.call(
        "<query><object>AUDITHISTORY</object><select><field>OBJECTKEY</field></select>"
        "<filter><and><equalto><field>OBJECTTYPE</field><value>vendor</value></equalto>"
        f"<greaterthan><field>ACCESSTIME</field><value>{T0:%m/%d/%Y %H:%M:%S}</value>"
        "</greaterthan></and></filter></query>")
    assert [r.findtext("OBJECTKEY") for r in reply.result().find("data")] == [recordno]


def test_a_rolled_back_write_leaves_no_trail(client: Client) -> None:
    reply = client.call(
        "<create><VENDOR><VENDORID>ROLL-1</VENDORID><NAME>r</NAME></VENDOR></create>",
        "<create><VENDOR><VENDORID>V-00101</VENDORID><NAME>dup</NAME></VENDOR></create>",
        transaction=True)
    assert [r.findtext("status") for r in reply.results] == ["aborted", "failure"]
    assert client.sandbox.store.count("AUDITHISTORY") == 0


# -- late commits ---------------------------------------------------------------------------


def test_a_late_commit_is_stamped_at_its_start_and_seen_only_when_committed(
        client: Client) -> None:
    sandbox = client.sandbox
    sandbox.commit_late(2.5)
    writer = threading.Thread(target=create_vendor, args=(Client(sandbox), "LATE-1"))
    started = time.monotonic()
    writer.start()
    time.sleep(1.2)  # the write's stamp is now at least a second old
    # A poller reads while the write is in flight: it is not held up, and sees nothing.
    assert listed(client, "VENDOR", "VENDORID = 'LATE-1'") == []
    assert writer.is_alive()
    high_water = datetime.now(timezone.utc).replace(microsecond=0)
    writer.join(timeout=10)
    assert time.monotonic() - started >= 2.5

    [vendor] = listed(client, "VENDOR", "VENDORID = 'LATE-1'", "VENDORID,WHENMODIFIED")
    # Stamped when the request started, before the poll that could not see it: a poller
    # that asks for "modified after my last poll" by its own clock loses this change.
    assert parse(vendor["WHENMODIFIED"]) < high_water
    since_poll = f"WHENMODIFIED > '{high_water:%m/%d/%Y %H:%M:%S}' AND VENDORID = 'LATE-1'"
    assert listed(client, "VENDOR", since_poll) == []
    assert sandbox.late_commits.pending == 0


def test_late_commits_apply_to_writes_only(client: Client) -> None:
    client.sandbox.commit_late(5.0)
    started = time.monotonic()
    client.call("<readByQuery><object>VENDOR</object><query/></readByQuery>")
    assert time.monotonic() - started < 2.0
    assert client.sandbox.late_commits.pending == 1  # still waiting for a write
    client.sandbox.late_commits.pending = 0


def test_late_commit_rate_is_reproducible_with_its_seed() -> None:
    def draws(seed: int) -> list[float]:
        late = LateCommits(seconds=0.01, rate=0.5, seed=seed)
        return [late.draw() for _ in range(20)]

    assert draws(3) == draws(3)
    assert set(draws(3)) == {0.0, 0.01}


@pytest.mark.parametrize("seconds", [0.0, -1.0])
def test_no_delay_means_no_late_commit(seconds: float) -> None:
    late = LateCommits()
    late.next_writes(seconds, 3)
    assert late.draw() == 0.0
