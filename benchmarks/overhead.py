"""B1: the client's own cost per call, with the network taken out.

Each contender makes the same call from the same inputs and reads the same gateway response
(captured from the sandbox):

- connector:  Connector.invoke - validate, render, envelope, parse, shape
- floor:      straight-line hand-written lxml for the same fields and envelope (floor.py)
- sdk:        the PyPI sageintacctsdk, given its payload dict built once before timing, with
              requests.post answering the captured response
- node:       the official Intacct Node SDK (node/percall.js), timed in its own process

The contenders take turns; each comparison is the median of per-round ratios. Before timing,
the run checks what makes the comparison fair and records it: the floor sends the connector's
very request, every contender sends the same fields and escapes a value with markup in it.

    python benchmarks/overhead.py
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import re
import statistics
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import floor
import node_sdk
from harness import (
    Contender,
    compare_per_call,
    exchanges,
    looped,
    median_ratio,
    profile_top,
    ratio_quartiles,
)
from lxml import etree

from connector.core import Connector, load_connector
from connector.intacct.sandbox import DEFAULT_CONNECTION, running_sandbox

RECORDNO = "4001"
SESSION = "canned-session"
# One input carries markup, so every contender's escaping is exercised and checked.
MARKUP = "Paid <b>early</b> & in full"
ACTIONS = ("createVendor", "getVendor")


def vendor_inputs(connector: Connector) -> dict[str, Any]:
    """Every createVendor input with a value (the 65 beside the connection)."""
    inputs: dict[str, Any] = {}
    for name, prop in connector.action("createVendor").schema["properties"].items():
        if "boolean" in prop.get("type", ()):
            inputs[name] = True
        elif name == "customFields":
            inputs[name] = {"VENDOR_REGION": "North", "VENDOR_SCORE": 7}
        elif prop.get("examples"):
            inputs[name] = prop["examples"][0]
        else:
            inputs[name] = f"{prop.get('title', name)} text"
    inputs["vendorId"] = "BENCH-1"
    inputs["comments"] = MARKUP
    return inputs


class CannedResponse:
    """An HTTP 200 answer; its text is decoded only for a client that reads it, as requests does."""

    status_code = 200

    def __init__(self, content: bytes) -> None:
        self.content, self.headers = content, {}

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")


class CannedHTTP:
    """Stands in for requests: answers getAPISession with a session, anything else with `body`."""

    def __init__(self, session: bytes, body: bytes) -> None:
        self.session, self.body, self.sent = session, body, b""

    def post(self, url: str, data: bytes = b"", **_: Any) -> CannedResponse:
        self.sent = data
        return CannedResponse(self.session if b"<getAPISession" in data else self.body)

    def close(self) -> None:
        pass


def capture(connector: Connector, inputs: dict[str, Any]) -> dict[str, bytes]:
    """Real gateway responses from the sandbox, by action: a session, a create, a read."""
    with running_sandbox(db=":memory:", seed="demo") as sandbox, \
            exchanges(connector.client(sandbox.connection)) as seen:
        connector.invoke("createVendor", inputs, sandbox.connection)
        connector.invoke("getVendor", {"recordNo": RECORDNO}, sandbox.connection)
    connector.close()
    by_function = {re.search(rb"<function [^>]*>\s*<(\w+)", x.request).group(1): x.response
                   for x in seen}
    return {"session": by_function[b"getAPISession"], "createVendor": by_function[b"create"],
            "getVendor": by_function[b"read"]}


# -- the contenders -----------------------------------------------------------------------

class Contenders:
    """The contenders for one action, each ready to make the call; one canned HTTP for all."""

    def __init__(self, connector: Connector, action: str, inputs: dict[str, Any],
                 http: CannedHTTP, sdk: Any, node: node_sdk.NodeSDK | None) -> None:
        self.action, self.inputs, self.http, self.node = action, inputs, http, node
        self.connection = dict(DEFAULT_CONNECTION, allowedEndpointHosts=["127.0.0.1"])
        connector.client(self.connection)._session = self.http
        self.connector = connector
        keys = {"sender_id": DEFAULT_CONNECTION["senderId"],
                "sender_password": DEFAULT_CONNECTION["senderPassword"], "session_id": SESSION}
        if action == "createVendor":
            self.floor_request = lambda: floor.create_vendor_request(inputs, **keys)
            # The SDK takes the VENDOR element as a dict: built once, as its user would.
            payload = floor.record_dict(_body(self.floor_request()).find("VENDOR"))
            self.sdk_call = lambda: sdk.vendors.post(payload)
        else:
            self.floor_request = lambda: floor.read_vendor_request(inputs["recordNo"], **keys)
            read = {"read": {"object": "VENDOR", "keys": inputs["recordNo"], "fields": "*"}}
            self.sdk_call = lambda: sdk.api_base.format_and_send_request(read)

    def invoke(self) -> Any:
        return self.connector.invoke(self.action, self.inputs, self.connection)

    def floor_call(self) -> Any:
        self.floor_request()
        return floor.parse_result(self.http.body)

    def timers(self) -> dict[str, Contender]:
        timers = {"connector": looped(self.invoke), "floor": looped(self.floor_call),
                  "sdk": looped(self.sdk_call)}
        if self.node is not None:
            timers["node"] = self.node.contender(self.action)
        return timers

    def facts(self) -> dict[str, Any]:
        """What makes the comparison fair, checked on one call of each contender."""
        data = self.invoke()["data"]
        ours = self.http.sent
        if _normalized(self.floor_request()) != _normalized(ours):
            raise RuntimeError(f"{self.action}: the floor's request is not the connector's")
        if floor.parse_result(self.http.body) != data:
            raise RuntimeError(f"{self.action}: the floor's result is not the connector's")
        self.sdk_call()
        sent = {"connector": ours, "floor": self.floor_request(), "sdk": self.http.sent}
        node_data = None
        if self.node is not None:
            checked = self.node.check(self.action)
            sent["node"] = checked["request"].encode("utf-8")
            node_data = checked["data"]
        bodies = {name: _body(raw) for name, raw in sent.items()}
        unlike = {name: _names_unlike(body, bodies["connector"]) for name, body in bodies.items()}
        facts: dict[str, Any] = {
            "fields": {name: _leaf_count(body) for name, body in bodies.items()},
            "same_body_as_connector": {name: _same(body, bodies["connector"])
                                       for name, body in bodies.items()},
            "names_unlike_connector": {name: names for name, names in unlike.items() if names},
        }
        if self.action == "createVendor":
            facts["escapes"] = {name: body.findtext(".//COMMENTS") == MARKUP
                                for name, body in bodies.items()}
        if node_data is not None:
            facts["node_same_data"] = node_data == data["_data"]
        return facts


@contextlib.contextmanager
def signed_in_sdk(http: CannedHTTP) -> Iterator[Any]:
    """The PyPI SDK with a session, whose requests.post answers from `http`."""
    from sageintacctsdk import SageIntacctSDK
    from sageintacctsdk.apis import api_base

    c = DEFAULT_CONNECTION
    real_requests = api_base.requests
    api_base.requests = SimpleNamespace(post=http.post)
    try:
        yield SageIntacctSDK(sender_id=c["senderId"], sender_password=c["senderPassword"],
                             user_id=c["userId"], company_id=c["companyId"],
                             user_password=c["userPassword"], session_id=SESSION)
    finally:
        api_base.requests = real_requests


@contextlib.contextmanager
def node_contender(inputs: dict[str, Any], canned: dict[str, bytes]
                   ) -> Iterator[node_sdk.NodeSDK | None]:
    """The Node SDK contender, or None where it cannot run (node_sdk.unavailable says why)."""
    if node_sdk.unavailable() is not None:
        yield None
        return
    spec = {"connection": DEFAULT_CONNECTION, "sessionId": SESSION, "inputs": inputs,
            "recordNo": RECORDNO, "responses": {action: canned[action].decode("utf-8")
                                                for action in ACTIONS}}
    with node_sdk.NodeSDK(spec) as node:
        yield node


# -- the stages of one call, as production runs them ---------------------------------------

# Where production's call goes, by the functions it calls for each stage (module, name; a name
# may be a class's method). A stage's time excludes the stages nested in it: validate is
# coercion and the schema (text is its check of the input text), render is the template alone
# (its compiled function, or Jinja), body is parsing the rendered text into the function body,
# retry is the retry machinery around the one attempt, and send is that attempt without its
# parse (the company slot, the headers, the HTTP post).
STAGES = (
    ("validate", "connector.core", "prepare_inputs"),
    ("text", "connector.jsontext", "check"),
    ("render", "connector.xmlkit.compiler", "ActionTemplate.render"),
    ("body", "connector.xmlkit.templates", "parse_document"),
    ("session", "connector.intacct.client", "IntacctClient._current_session"),
    ("envelope", "connector.intacct.client", "build_request"),
    ("retry", "connector.intacct.client", "call_with_retries"),
    ("send", "connector.intacct.client", "IntacctClient._post"),
    ("parse", "connector.intacct.client", "parse_response"),
    ("shape", "connector.intacct.shaping", "shape"),
)


class StageClock:
    """Times the stages inside real calls: each stage's own time, nested stages excluded."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys((stage for stage, _, _ in STAGES), 0.0)
        self.calls = dict.fromkeys(self.seconds, 0)
        self._nested: list[float] = []

    @contextlib.contextmanager
    def installed(self) -> Iterator[StageClock]:
        originals = []
        for stage, module_name, path in STAGES:
            owner: Any = importlib.import_module(module_name)
            *outer, name = path.split(".")
            for part in outer:
                owner = getattr(owner, part, None)
            if not hasattr(owner, name):
                raise RuntimeError(f"{module_name} no longer calls {path}: update STAGES in "
                                   "benchmarks/overhead.py")
            originals.append((owner, name, getattr(owner, name)))
            setattr(owner, name, self._timed(stage, getattr(owner, name)))
        try:
            yield self
        finally:
            for owner, name, original in originals:
                setattr(owner, name, original)

    def _timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._nested.append(0.0)
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self.seconds[stage] += elapsed - self._nested.pop()
                self.calls[stage] += 1
                if self._nested:
                    self._nested[-1] += elapsed
        return timed


def stages(call: Callable[[], Any], *, number: int, repeat: int) -> dict[str, float]:
    """Microseconds per call in each stage of `call`, the median of `repeat` rounds.

    other is what the whole call spends outside the stages: the connection's gateway, options,
    sessions, control ids, and the garbage collector's pauses that fall there.
    """
    call()
    rounds: list[dict[str, float]] = []
    for _ in range(repeat):
        clock = StageClock()
        with clock.installed():
            gc.collect()
            started = time.perf_counter()
            for _ in range(number):
                call()
            whole = time.perf_counter() - started
        missed = [stage for stage, calls in clock.calls.items() if not calls]
        if missed:
            raise RuntimeError(f"the call never went through {', '.join(missed)}: update "
                               "STAGES in benchmarks/overhead.py")
        per_call = {stage: seconds / number * 1e6 for stage, seconds in clock.seconds.items()}
        per_call["whole_call"] = whole / number * 1e6
        per_call["other"] = per_call["whole_call"] - sum(clock.seconds.values()) / number * 1e6
        rounds.append(per_call)
    return {name: round(statistics.median(r[name] for r in rounds), 1) for name in rounds[0]}


# -- the measurement ----------------------------------------------------------------------

def run(number: int = 50, repeat: int = 54) -> dict[str, Any]:
    connector = load_connector()
    inputs = vendor_inputs(connector)
    canned = capture(connector, inputs)
    figures: dict[str, Any] = {"inputs": len(inputs) + 1, "calls_per_round": number,
                               "rounds": repeat, "node_skipped": node_sdk.unavailable()}
    with node_contender(inputs, canned) as node:
        for action, call_inputs in (("createVendor", inputs),
                                    ("getVendor", {"recordNo": RECORDNO})):
            http = CannedHTTP(canned["session"], canned[action])
            with signed_in_sdk(http) as sdk:
                contenders = Contenders(connector, action, call_inputs, http, sdk, node)
                figures[action] = _measure(contenders, number=number, repeat=repeat)
            connector.close()
    return figures


def _measure(contenders: Contenders, *, number: int, repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"facts": contenders.facts()}
    runs = compare_per_call(contenders.timers(), number=number, repeat=repeat)
    figures.update({f"{name}_us": round(statistics.median(values), 1)
                    for name, values in runs.items()})
    for other in runs:
        if other != "connector":
            figures[f"vs_{other}"] = round(median_ratio(runs["connector"], runs[other]), 2)
            figures[f"vs_{other}_quartiles"] = ratio_quartiles(runs["connector"], runs[other])
    figures["stages_us"] = stages(contenders.invoke, number=number, repeat=repeat)
    figures["profile"] = profile_top(contenders.invoke, number=number)
    return figures


def _body(request: bytes) -> etree._Element:
    """The function body of a request (the element inside <function>)."""
    return etree.fromstring(request).find("operation/content/function")[0]


def _normalized(request: bytes) -> bytes:
    """A request with its control ids and session id blanked, to compare two of them."""
    root = etree.fromstring(request)
    root.find("control/controlid").text = "-"
    root.find("operation/authentication/sessionid").text = "-"
    for function in root.iter("function"):
        function.set("controlid", "-")
    return etree.tostring(root)


def _leaf_count(body: etree._Element) -> int:
    return sum(1 for element in body.iter() if len(element) == 0 and element is not body)


def _names_unlike(theirs: etree._Element, ours: etree._Element) -> dict[str, list[str]]:
    """The element names one body has and the other has not, each side sorted."""
    mine, other = {e.tag for e in ours.iter()}, {e.tag for e in theirs.iter()}
    if mine == other:
        return {}
    return {"theirs": sorted(other - mine), "ours": sorted(mine - other)}


def _same(a: etree._Element, b: etree._Element) -> bool:
    return etree.tostring(a) == etree.tostring(b)


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
