"""Transactions, uniqueid, limits, fault injection and persistence."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from sandbox_gw import Client, request_xml

from connector.intacct.sandbox import Faults, SandboxConfig, running_sandbox

NEW_VENDOR = "<create><VENDOR><VENDORID>{vid}</VENDORID><NAME>n</NAME></VENDOR></create>"


# -- transactions --------------------------------------------------------------------------------


def test_transaction_rolls_back_everything(client: Client) -> None:
    store = client.sandbox.store
    vendors, bills = store.count("VENDOR"), store.count("APBILLITEM")
    reply = client.call(
        NEW_VENDOR.format(vid="T-1"),
        "<create><APBILL><VENDORID>T-1</VENDORID><WHENCREATED>01/01/2024</WHENCREATED>"
        "<APBILLITEMS><APBILLITEM><ACCOUNTNO>1</ACCOUNTNO><TRX_AMOUNT>1</TRX_AMOUNT>"
        "</APBILLITEM></APBILLITEMS></APBILL></create>",
        NEW_VENDOR.format(vid="V-00101"),  # duplicate: fails
        NEW_VENDOR.format(vid="T-3"),
        transaction=True,
    )
    statuses = [r.findtext("status") for r in reply.results]
    assert statuses == ["aborted", "aborted", "failure", "aborted"]
    rolled = "The entire transaction in this operation has been rolled back due to an error."
    for result in reply.results:
        errs = result.findall("errormessage/error")
        assert errs[-1].findtext("errorno") == "XL03000009"
        assert errs[-1].findtext("description2") == rolled
    assert reply.result(2).findtext("errormessage/error/errorno") == "BL34000061"
    assert store.count("VENDOR") == vendors
    assert store.count("APBILLITEM") == bills
    assert store.find("VENDOR", VENDORID="T-1") == []


def test_without_transaction_functions_are_independent(client: Client) -> None:
    reply = client.call(
        NEW_VENDOR.format(vid="I-1"),
        NEW_VENDOR.format(vid="V-00101"),
        NEW_VENDOR.format(vid="I-3"),
    )
    assert [r.findtext("status") for r in reply.results] == ["success", "failure", "success"]
    assert len(client.sandbox.store.find("VENDOR", VENDORID="I-1")) == 1
    assert len(client.sandbox.store.find("VENDOR", VENDORID="I-3")) == 1


def test_successful_transaction_commits(client: Client) -> None:
    reply = client.call(
        NEW_VENDOR.format(vid="OK-1"), NEW_VENDOR.format(vid="OK-2"), transaction=True
    )
    assert [r.findtext("status") for r in reply.results] == ["success", "success"]
    assert len(client.sandbox.store.find("VENDOR", VENDORID="OK-2")) == 1


# -- uniqueid -------------------------------------------------------------------------------------


def test_uniqueid_prevents_duplicate_execution(client: Client) -> None:
    fn = '<function controlid="create-U-1">' + NEW_VENDOR.format(vid="U-1") + "</function>"
    first = client.post(request_xml([fn], uniqueid=True))
    second = client.post(request_xml([fn], uniqueid=True))
    assert first.result().findtext("status") == "success"
    result = second.result()
    assert result.findtext("status") == "failure"
    assert result.findtext("errormessage/error/errorno") == "XL03000005"
    assert "create-U-1" in result.findtext("errormessage/error/description2")
    assert len(client.sandbox.store.find("VENDOR", VENDORID="U-1")) == 1


def test_uniqueid_does_not_block_a_retry_of_a_failed_function(client: Client) -> None:
    fn = '<function controlid="retry-me">' + NEW_VENDOR.format(vid="V-00101") + "</function>"
    assert client.post(request_xml([fn], uniqueid=True)).errorno(0) == "BL34000061"
    client.sandbox.store.delete(
        "VENDOR", int(client.sandbox.store.find("VENDOR", VENDORID="V-00101")[0]["RECORDNO"])
    )
    assert client.post(request_xml([fn], uniqueid=True)).result().findtext("status") == "success"


# -- concurrency and rate limits ------------------------------------------------------------------


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


def test_third_parallel_request_is_held_then_refused() -> None:
    config = SandboxConfig(max_concurrent=2, hold_seconds=0.3, faults=Faults(latency_ms=800))
    with running_sandbox(config=config) as sb:
        replies = _parallel(sb.url, [request_xml(["<getAPISession/>"])] * 3)
    too_many = [r for r in replies if b"too many operations running" in r.content]
    assert len(too_many) == 1
    assert b"<errorno>XL03000012</errorno>" in too_many[0].content
    assert b"<status>failure</status>" in too_many[0].content
    assert sum(b"<sessionid>" in r.content for r in replies) == 2


def test_held_request_proceeds_when_a_slot_frees() -> None:
    config = SandboxConfig(max_concurrent=1, hold_seconds=2.0, faults=Faults(latency_ms=200))
    with running_sandbox(config=config) as sb:
        replies = _parallel(sb.url, [request_xml(["<getAPISession/>"])] * 2)
    assert all(b"<sessionid>" in r.content for r in replies)


def test_failed_auth_does_not_take_a_slot() -> None:
    config = SandboxConfig(max_concurrent=1, hold_seconds=0.2, faults=Faults(latency_ms=500))
    bad = request_xml(["<getAPISession/>"], sender_password="wrong")
    with running_sandbox(config=config) as sb:
        replies = _parallel(sb.url, [request_xml(["<getAPISession/>"]), bad, bad])
    assert b"<sessionid>" in replies[0].content
    assert all(b"XL03000006" in r.content for r in replies[1:])


def test_rate_limit_answers_429_with_retry_after() -> None:
    with running_sandbox(config=SandboxConfig(rate_limit_per_second=2)) as sb:
        codes = [requests.post(sb.url, data=request_xml(["<getAPISession/>"])) for _ in range(3)]
    assert [r.status_code for r in codes] == [200, 200, 429]
    assert codes[2].headers["Retry-After"] == "1"
    assert b"GW-0010" in codes[2].content
    assert codes[2].headers["Content-Type"] == "text/xml; charset=UTF-8"


# -- faults -------------------------------------------------------------------------------------


def test_fault_sequence_then_normal(client: Client) -> None:
    sb = client.sandbox
    sb.faults.sequence = [503, 503]
    before = sb.store.count("VENDOR")
    codes = [
        client.post(request_xml([NEW_VENDOR.format(vid=f"S-{i}")])).http.status_code
        for i in range(3)
    ]
    assert codes == [503, 503, 200]
    assert sb.store.count("VENDOR") == before + 1  # the 503s did no work
    assert sb.stats.http_status[503] == 2


def test_fail_rate_is_reproducible_with_a_seed() -> None:
    def run() -> list[int]:
        config = SandboxConfig(faults=Faults(fail_rate=0.5, fail_status=502, seed=7))
        with running_sandbox(config=config) as sb:
            return [
                requests.post(sb.url, data=request_xml(["<getAPISession/>"])).status_code
                for _ in range(12)
            ]

    first, second = run(), run()
    assert first == second
    assert {502, 200} == set(first)


def test_524_after_commit_loses_the_response_but_keeps_the_work(client: Client) -> None:
    client.sandbox.faults.sequence = [524]
    reply = client.post(request_xml([NEW_VENDOR.format(vid="LOST-1")]))
    assert reply.http.status_code == 524
    assert reply.http.headers["Content-Type"] == "text/html"
    assert b"<title>api.intacct.com | 524: A timeout occurred</title>" in reply.http.content
    assert b"Error code 524" in reply.http.content
    assert len(client.sandbox.store.find("VENDOR", VENDORID="LOST-1")) == 1


@pytest.mark.parametrize("status", [502, 520])
def test_cloudflare_html_error_page(client: Client, status: int) -> None:
    client.sandbox.faults.sequence = [f"html:{status}"]
    reply = client.post(request_xml([NEW_VENDOR.format(vid="HTML-1")]))
    assert reply.http.status_code == status
    assert reply.http.headers["Content-Type"] == "text/html"
    assert b"cf-error-details" in reply.http.content
    assert client.sandbox.store.find("VENDOR", VENDORID="HTML-1") == []


def test_dropped_connection_after_commit(client: Client) -> None:
    client.sandbox.faults.sequence = ["drop"]
    with pytest.raises(requests.ConnectionError):
        requests.post(client.sandbox.url, data=request_xml([NEW_VENDOR.format(vid="DROP-1")]))
    assert len(client.sandbox.store.find("VENDOR", VENDORID="DROP-1")) == 1


def test_latency_is_the_answers_time_with_the_work_done_inside_it(client: Client) -> None:
    client.sandbox.faults.latency_ms = 1200
    start = time.monotonic()
    call = threading.Thread(target=client.call, args=(NEW_VENDOR.format(vid="LATE-1"),))
    call.start()

    def stored() -> list[dict[str, str]]:
        return client.sandbox.store.find("VENDOR", VENDORID="LATE-1")

    while not stored() and time.monotonic() < start + 1.0:
        time.sleep(0.01)
    committed_while_waiting = call.is_alive()
    assert stored(), "committed within the latency"
    call.join(timeout=5)
    assert committed_while_waiting, "the answer waited for the latency after the work was done"
    assert time.monotonic() - start >= 1.2


def test_sessions_expire_after_n_requests(client: Client) -> None:
    sid = client.session()  # request 1
    client.sandbox.faults.expire_sessions_after = 2
    auth = f"<sessionid>{sid}</sessionid>"
    assert client.call("<getAPISession/>", auth=auth).auth_status == "success"  # request 2
    assert client.call("<getAPISession/>", auth=auth).auth_status == "failure"  # request 3


def test_faults_do_not_apply_to_get(client: Client) -> None:
    client.sandbox.faults.sequence = [503]
    assert requests.get(client.sandbox.url).status_code == 405
    assert client.call("<getAPISession/>").http.status_code == 503


# -- persistence and lifecycle ------------------------------------------------------------------


def test_file_database_survives_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.sqlite3")
    with running_sandbox(db=db) as sb:
        client = Client(sb)
        sid = client.session()
        client.call(NEW_VENDOR.format(vid="KEEP-1"))
        fn = '<function controlid="once">' + NEW_VENDOR.format(vid="KEEP-2") + "</function>"
        client.post(request_xml([fn], uniqueid=True))
        seeded = sb.store.count("VENDOR")
        client.close()
    with running_sandbox(db=db) as sb:
        client = Client(sb)
        assert sb.store.count("VENDOR") == seeded  # not seeded twice
        assert len(sb.store.find("VENDOR", VENDORID="KEEP-1")) == 1
        reply = client.call("<getAPISession/>", auth=f"<sessionid>{sid}</sessionid>")
        assert reply.auth_status == "success"  # sessions persist too
        assert client.post(request_xml([fn], uniqueid=True)).errorno(0) == "XL03000005"
        client.close()


def test_start_stop_many_times_leaks_no_threads_or_sockets() -> None:
    baseline = threading.active_count()
    for _ in range(5):
        with running_sandbox(seed=None) as sb:
            session = requests.Session()  # keep-alive connection left open on purpose
            session.post(sb.url, data=request_xml(["<getAPISession/>"]))
            port = sb.port
        session.close()
        with socket.socket() as s:
            # Nothing listens any more (TIME_WAIT connections are normal and allowed).
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
    assert threading.active_count() == baseline
