"""The benchmarks compare fairly, run end to end at small sizes, and their non-timing facts hold.

Timings are not asserted here (the machine is shared). What is: every contender of B1 sends the
same fields and escapes text; the floor sends the connector's very request and reads the same
result; the stages are timed inside real calls, each once; requests sent, records stored,
duplicates, memory growth bounded by a page, no error under load.
"""

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The benchmark modules, importable as the benchmarks import each other."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module


@pytest.fixture
def b1(bench: Any) -> Any:
    """B1's connector, inputs and responses captured from the sandbox."""
    overhead = bench("overhead")
    connector = overhead.load_connector()
    inputs = overhead.vendor_inputs(connector)
    canned = overhead.capture(connector, inputs)
    yield overhead, connector, inputs, canned
    connector.close()


def _contenders(b1: Any, action: str, node: Any = None) -> Any:
    overhead, connector, inputs, canned = b1
    call_inputs = inputs if action == "createVendor" else {"recordNo": overhead.RECORDNO}
    http = overhead.CannedHTTP(canned["session"], canned[action])
    return overhead, http, lambda sdk: overhead.Contenders(connector, action, call_inputs, http,
                                                          sdk, node)


@pytest.mark.parametrize("action", ["createVendor", "getVendor"])
def test_every_python_contender_sends_the_connectors_fields_and_the_floor_its_request(b1, action):
    overhead, http, contenders = _contenders(b1, action)
    with overhead.signed_in_sdk(http) as sdk:
        facts = contenders(sdk).facts()  # raises unless the floor sends the connector's request

    assert facts["same_body_as_connector"] == {"connector": True, "floor": True, "sdk": True}
    fields = facts["fields"]
    assert fields["floor"] == fields["sdk"] == fields["connector"] == (
        66 if action == "createVendor" else 3)


def test_every_python_contender_escapes_markup_in_a_value(b1):
    overhead, http, contenders = _contenders(b1, "createVendor")
    with overhead.signed_in_sdk(http) as sdk:
        facts = contenders(sdk).facts()

    assert facts["escapes"] == {"connector": True, "floor": True, "sdk": True}
    assert b"Paid &lt;b&gt;early&lt;/b&gt; &amp; in full" in http.sent  # the SDK's, sent last


def test_the_sdk_payload_is_built_once_not_per_call(b1, monkeypatch):
    overhead, http, contenders = _contenders(b1, "createVendor")
    built = []
    monkeypatch.setattr(overhead.floor, "record_dict",
                        lambda element: built.append(1) or {"VENDORID": "BENCH-1"})
    with overhead.signed_in_sdk(http) as sdk:
        ready = contenders(sdk)
        for _ in range(5):
            ready.sdk_call()
    assert len(built) == 1


def test_node_sdk_contender_sends_the_same_fields_escaped_and_reads_the_same_data(b1, bench):
    reason = bench("node_sdk").unavailable()
    if reason is not None:
        pytest.skip(f"the Node SDK contender cannot run: {reason}")
    overhead, _, _, canned = b1
    with overhead.node_contender(b1[2], canned) as node:
        for action in ("createVendor", "getVendor"):
            o, http, contenders = _contenders(b1, action, node)
            with o.signed_in_sdk(http) as sdk:
                ready = contenders(sdk)
                facts = ready.facts()
                per_call_us = ready.timers()["node"](3)

            assert facts["node_same_data"] is True
            assert facts["fields"]["node"] >= facts["fields"]["connector"]
            assert per_call_us > 0
            if action == "createVendor":
                assert facts["fields"]["node"] == 66 and facts["escapes"]["node"] is True
                # The SDK's own element names for two fields, and nothing else differs.
                assert facts["names_unlike_connector"]["node"] == {
                    "theirs": ["OFFSETGLACCOUNT"], "ours": ["OFFSETGLACCOUNTNO"]}


def test_node_sdk_contender_that_fails_says_why(bench):
    node_sdk = bench("node_sdk")
    reason = node_sdk.unavailable()
    if reason is not None:
        pytest.skip(f"the Node SDK contender cannot run: {reason}")
    with pytest.raises(RuntimeError, match=r"the Node SDK contender stopped: (.|\n)*TypeError"):
        node_sdk.NodeSDK({"inputs": {}})  # no connection: the SDK cannot be configured


def test_stages_are_timed_inside_real_calls_each_once_and_put_back_after(b1, bench):
    overhead, http, contenders = _contenders(b1, "createVendor")
    import connector.intacct.client
    import connector.intacct.protocol

    originals = (connector.intacct.protocol.render_xml, connector.intacct.client.parse_response)
    with overhead.signed_in_sdk(http) as sdk:
        ready = contenders(sdk)
        ready.invoke()  # signs in: getAPISession is an envelope and a parse of its own
        clock = overhead.StageClock()
        with clock.installed():
            for _ in range(4):
                ready.invoke()

    assert clock.calls == dict.fromkeys(
        ("validate", "render", "body", "envelope", "parse", "shape"), 4)
    assert (connector.intacct.protocol.render_xml,
            connector.intacct.client.parse_response) == originals


def test_process_peak_counts_the_whole_process_and_the_growth(tmp_path, bench):
    harness, floor = bench("harness"), bench("floor")
    page = tmp_path / "page.xml"
    records = "".join(f"<VENDOR><RECORDNO>{n}</RECORDNO><NAME>{'x' * 200}</NAME></VENDOR>"
                      for n in range(20_000))
    page.write_text("<response><operation><result><data>" + records
                    + "</data></result></operation></response>")
    assert len(floor.page_records(page.read_bytes())) == 20_000

    peak = harness.process_peak("floor", "page_records", page)

    assert peak.growth_mb > 5  # 20,000 parsed records and their dicts
    assert peak.whole_mb >= peak.before_mb + peak.growth_mb - 0.2  # (rounding)


@pytest.mark.slow
def test_quick_benchmark_run_writes_results_and_keeps_its_invariants(tmp_path):
    results, figures_file = tmp_path / "RESULTS.md", tmp_path / "figures.json"
    subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--quick",
                    "--output", str(results), "--json", str(figures_file)],
                   check=True, capture_output=True, timeout=600)
    text = results.read_text()
    assert text.startswith("# Benchmark results\n\nMachine: ")
    for heading in ("## B1", "## B2", "## B3", "## B4", "## B5", "## CLI start-up",
                    "## Service under load", "## Corrections to the results of 2026-11-21"):
        assert heading in text
    figures = json.loads(figures_file.read_text())

    b1 = figures["b1"]
    assert b1["inputs"] == 66
    assert b1["createVendor"]["facts"]["escapes"]["sdk"] is True
    assert ("node_us" in b1["createVendor"]) == (b1["node_skipped"] is None)
    assert set(b1["createVendor"]["stages_us"]) == {
        "validate", "render", "body", "envelope", "parse", "shape", "other", "whole_call"}
    b2 = figures["b2"]["memory"]
    assert b2["connector"]["whole_mb"] > b2["connector"]["growth_mb"] > 0
    b3 = figures["b3"]
    for reader in ("api", "cli"):
        assert b3[reader]["whole_mb"] > b3[reader]["growth_mb"]
        assert b3[reader]["growth_mb"] < 50  # one page in flight, whatever the records
        assert b3["footprint_mb"][reader]["total"] > b3["footprint_mb"][reader]["python"]
    for latency, b4 in figures["b4"].items():
        assert b4["requests"] == b4["records"] // 100  # full batches of 100 functions
        assert b4["stored"] == b4["ok"] == b4["records"] and b4["duplicates"] == 0
        assert 0 < b4["slots_busy"] <= 2
        assert (b4["share_of_bound"] is None) == (latency == "0")
    cli = figures["cli"]
    for command in ("actions", "render createVendor", "run getVendor --sandbox"):
        assert "connector" in cli[command]["imports_ms"] and cli[command]["profile"]
    b5 = figures["b5"]
    assert b5["requests"] == -(-b5["vendors"] // 1000)  # one request per 1,000-record page
    assert b5["bytes"] < b5["bytes_all_fields"] / 5
    assert figures["load"]["errors"] == 0 and figures["load"]["requests"] > 0

    again = tmp_path / "again.md"
    subprocess.run([sys.executable, str(BENCHMARKS / "run.py"), "--from-json", str(figures_file),
                    "--output", str(again)], check=True, capture_output=True, timeout=60)
    assert again.read_text() == text
