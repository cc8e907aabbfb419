"""Several companies in one sandbox: each with its own records, sessions, concurrency limit and
demo data, chosen by companyid at sign-in; the stats report each company's peak of requests in
flight and its refusals. One company with today's credentials stays the default."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
import requests
from sandbox_gw import Client, login_xml, request_xml

from connector.core import load_connector
from connector.intacct.sandbox import Faults, SandboxConfig, running_sandbox
from connector.intacct.sandbox.config import CompanyConfig

ACME = CompanyConfig("ACME", user_id="acme_user", user_password="acme-pass")


@pytest.fixture
def two() -> SandboxConfig:
    return SandboxConfig(companies=(ACME,), hold_seconds=0.5)


def acme_login(extra: str = "") -> str:
    return login_xml(user="acme_user", company="ACME", password="acme-pass", extra=extra)


def test_the_default_is_one_company_with_todays_credentials() -> None:
    config = SandboxConfig()
    assert [c.company_id for c in config.all_companies] == ["SANDBOX"]
    with running_sandbox(seed=None) as sb:
        assert sb.connection_for("sandbox") == sb.connection
        with pytest.raises(ValueError, match="no company 'ACME'"):
            sb.connection_for("ACME")


def test_each_company_has_its_own_records(two: SandboxConfig) -> None:
    with running_sandbox(config=two) as sb:
        client = Client(sb)
        sandbox, acme = sb.store, sb.store_for("acme")
        assert acme.count("VENDOR") == sandbox.count("VENDOR") == 5  # the demo data in each
        reply = client.call(
            "<create><VENDOR><VENDORID>ACME-ONLY</VENDORID><NAME>a</NAME></VENDOR></create>",
            auth=acme_login())
        assert reply.result().findtext("status") == "success"
        assert acme.find("VENDOR", VENDORID="ACME-ONLY")
        assert sandbox.find("VENDOR", VENDORID="ACME-ONLY") == []
        # IDs are unique within a company only
        same_id = client.call(
            "<create><VENDOR><VENDORID>ACME-ONLY</VENDORID><NAME>s</NAME></VENDOR></create>")
        assert same_id.result().findtext("status") == "success"
        listed = client.call("<readByQuery><object>VENDOR</object><fields>NAME</fields>"
                             "<query>VENDORID = 'ACME-ONLY'</query></readByQuery>",
                             auth=acme_login())
        assert [v.findtext("NAME") for v in listed.result().find("data")] == ["a"]
        client.close()


def test_sessions_belong_to_their_company(two: SandboxConfig) -> None:
    with running_sandbox(config=two) as sb:
        client = Client(sb)
        sid = client.session(extra="")  # SANDBOX
        acme = client.call("<getAPISession/>", auth=acme_login())
        acme_sid = acme.result().findtext("data/api/sessionid")
        assert acme.root.findtext("operation/authentication/companyid") == "ACME"
        recordno = sb.store_for("ACME").find("VENDOR", VENDORID="V-00101")[0]["RECORDNO"]
        as_acme = client.call(f"<read><object>VENDOR</object><keys>{recordno}</keys></read>",
                              auth=f"<sessionid>{acme_sid}</sessionid>")
        assert as_acme.result().find("data").get("count") == "1"
        as_sandbox = client.call(f"<read><object>VENDOR</object><keys>{recordno}</keys></read>",
                                 auth=f"<sessionid>{sid}</sessionid>")
        assert as_sandbox.result().find("data").get("count") == "0"
        # a readMore resultId is its company's
        first = client.call("<readByQuery><object>VENDOR</object><pagesize>2</pagesize>"
                            "</readByQuery>", auth=f"<sessionid>{acme_sid}</sessionid>")
        result_id = first.result().find("data").get("resultId")
        other = client.call(f"<readMore><resultId>{result_id}</resultId></readMore>",
                            auth=f"<sessionid>{sid}</sessionid>")
        assert other.result().findtext("errormessage/error/errorno") == "readMore failed"
        client.close()


def test_sign_in_is_checked_against_the_companys_own_user(two: SandboxConfig) -> None:
    with running_sandbox(config=two, seed=None) as sb:
        client = Client(sb)
        wrong_user = client.call("<getAPISession/>", auth=login_xml(company="ACME"))
        assert wrong_user.auth_status == "failure"
        unknown = client.call("<getAPISession/>", auth=login_xml(company="NOSUCH"))
        auth = unknown.root.find("operation/authentication")
        assert [(c.tag, c.text) for c in auth] == [
            ("status", "failure"), ("userid", "sandbox_user"), ("companyid", "NOSUCH")]
        assert unknown.root.findtext("operation/errormessage/error/description2") == (
            "Sign-in information is incorrect")
        entity = client.call("<getAPISession/>", auth=acme_login("<locationid>E100</locationid>"))
        assert entity.root.findtext("operation/authentication/locationid") == "E100"
        client.close()


def test_uniqueid_is_per_company(two: SandboxConfig) -> None:
    with running_sandbox(config=two, seed=None) as sb:
        client = Client(sb)
        fn = ('<function controlid="once">'
              "<create><VENDOR><VENDORID>U-1</VENDORID><NAME>u</NAME></VENDOR></create>"
              "</function>")
        assert client.post(request_xml([fn], uniqueid=True)).result().findtext(
            "status") == "success"
        acme = client.post(request_xml([fn], uniqueid=True, auth=acme_login()))
        assert acme.result().findtext("status") == "success"
        again = client.post(request_xml([fn], uniqueid=True, auth=acme_login()))
        assert again.errorno(0) == "XL03000005"
        client.close()


def _parallel(url: str, bodies: list[bytes]) -> list[requests.Response]:
    out: list[requests.Response] = [None] * len(bodies)  # type: ignore[list-item]

    def run(i: int) -> None:
        out[i] = requests.post(url, data=bodies[i], timeout=30)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
        time.sleep(0.02)
    for t in threads:
        t.join()
    return out


def test_each_company_has_its_own_slots_peak_and_refusals() -> None:
    config = SandboxConfig(companies=(CompanyConfig("ACME", max_concurrent=1),),
                           hold_seconds=0.3, faults=Faults(latency_ms=900))
    with running_sandbox(config=config, seed=None) as sb:
        acme = request_xml(["<getAPISession/>"], auth=login_xml(company="ACME"))
        own = request_xml(["<getAPISession/>"])
        replies = _parallel(sb.url, [acme, acme, own, own])
        stats = sb.stats.snapshot()
    refused = [r for r in replies if b"too many operations running" in r.content]
    assert len(refused) == 1 and refused[0].request.body == acme
    assert sum(b"<sessionid>" in r.content for r in replies) == 3
    assert stats["companies"] == {
        "ACME": {"peak_in_flight": 1, "held": 1, "refused": 1},
        "SANDBOX": {"peak_in_flight": 2, "held": 0, "refused": 0},
    }


def test_the_demo_data_loads_per_company(two: SandboxConfig) -> None:
    with running_sandbox(config=two, seed=None) as sb:
        assert sb.store.count("VENDOR") == sb.store_for("ACME").count("VENDOR") == 0
        sb.load_seed("ACME")
        sb.load_seed("ACME")  # once only
        assert sb.store_for("ACME").count("VENDOR") == 5
        assert sb.store.count("VENDOR") == 0


def test_our_client_works_with_every_company(two: SandboxConfig) -> None:
    connector = load_connector()
    try:
        with running_sandbox(config=two) as sb:
            created = connector.invoke("createVendor", {"vendorName": "Through the client"},
                                       sb.connection_for("ACME"))
            recordno = created["data"]["_data"][0]["RECORDNO"]
            assert sb.store_for("ACME").get("VENDOR", recordno)["NAME"] == "Through the client"
            assert sb.store.get("VENDOR", recordno) is None
    finally:
        connector.close()


def test_company_ids_are_unique_and_time_zones_known() -> None:
    with pytest.raises(ValueError, match="unique"):
        SandboxConfig(companies=(CompanyConfig("sandbox"),))
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Base'"):
        SandboxConfig(companies=(CompanyConfig("ACME", timezone="Mars/Base"),))


def test_a_database_from_before_companies_keeps_its_records(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE records (object TEXT NOT NULL, recordno INTEGER NOT NULL, id TEXT, "
        "parent_object TEXT, parent_recordno INTEGER, line_no INTEGER, data TEXT NOT NULL, "
        "PRIMARY KEY (object, recordno));"
        "CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
        "INSERT INTO records VALUES ('VENDOR', 5001, 'V-00007', NULL, NULL, NULL, "
        "'{\"RECORDNO\": \"5001\", \"VENDORID\": \"V-00007\", \"NAME\": \"Old\"}');"
        "INSERT INTO sequences VALUES ('recordno:VENDOR', 5001), ('docseq:VENDOR', 7), "
        "('seeded:demo:demo', 1);")
    conn.commit()
    conn.close()
    with running_sandbox(db=str(db), seed="demo") as sb:
        assert sb.store.count("VENDOR") == 1  # the old data was seeded: not seeded again
        assert sb.store.get("VENDOR", 5001)["NAME"] == "Old"
        reply = Client(sb).call("<create><VENDOR><NAME>New</NAME></VENDOR></create>")
        data = reply.result().find("data/vendor")
        assert (data.findtext("RECORDNO"), data.findtext("VENDORID")) == ("5002", "V-00008")
