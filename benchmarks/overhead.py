"""B1: the client's own cost per call, with the network taken out.

Each contender turns the same inputs into the same request and the same canned gateway response
(captured from the sandbox) into data:

- connector:  Connector.invoke - validate, render, envelope, parse, shape
- lxml floor: hand-written lxml building the request and parsing the response into a dict
- sageintacctsdk: the PyPI SDK's own request building and response parsing (requests.post
  replaced by a function returning the canned response)

    python benchmarks/overhead.py
"""

from __future__ import annotations

import contextlib
import json
import re
import statistics
import uuid
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from harness import compare_per_call, exchanges, median_ratio
from lxml import etree

from connector.core import Connector, load_connector
from connector.inputs import prepare_inputs
from connector.intacct.sandbox import DEFAULT_CONNECTION, running_sandbox
from connector.xmlkit.templates import render_xml

RECORDNO = "4001"


def all_vendor_inputs(connector: Connector) -> dict[str, Any]:
    """Every createVendor input with a value (the 65 beside the connection)."""
    inputs: dict[str, Any] = {}
    for name, prop in connector.action("createVendor").schema["properties"].items():
        kind = prop.get("type")
        if kind == "boolean":
            inputs[name] = True
        elif name == "customFields":
            inputs[name] = {"VENDOR_REGION": "North", "VENDOR_SCORE": 7}
        elif prop.get("examples"):
            inputs[name] = prop["examples"][0]
        else:
            inputs[name] = f"{prop.get('title', name)} text"
    inputs["vendorId"] = "BENCH-1"
    return inputs


class CannedHTTP:
    """Stands in for requests: answers getAPISession with a session, anything else with `body`."""

    def __init__(self, session: bytes, body: bytes) -> None:
        self.session, self.body = session, body

    def post(self, url: str, data: bytes = b"", **_: Any) -> SimpleNamespace:
        content = self.session if b"<getAPISession" in data else self.body
        return SimpleNamespace(status_code=200, content=content, headers={},
                               text=content.decode("utf-8"))

    def close(self) -> None:
        pass


def capture(connector: Connector, inputs: dict[str, Any]) -> dict[str, bytes]:
    """Real gateway responses from the sandbox: a session, a create, a read."""
    with running_sandbox(db=":memory:", seed="demo") as sandbox, \
            exchanges(connector.gateway(sandbox.connection)) as seen:
        connector.invoke("createVendor", inputs, sandbox.connection)
        connector.invoke("getVendor", {"recordNo": RECORDNO}, sandbox.connection)
    captured = {re.search(rb"<function [^>]*>\s*<(\w+)", x.request).group(1).decode(): x.response
                for x in seen}
    connector.close()
    return captured


# -- the hand-written floor ---------------------------------------------------------------

def leaf_fields(body: etree._Element) -> list[tuple[tuple[str, ...], str]]:
    """(path, text) of every leaf under a function body: what hand-written code would set."""
    leaves = []
    for element in body.iter():
        if len(element) == 0 and element is not body:
            tags, node = [], element
            while node is not body:
                tags.append(node.tag)
                node = node.getparent()
            leaves.append((tuple(reversed(tags)), element.text or ""))
    return leaves


def floor_request(function: str, object_tag: str,
                  leaves: list[tuple[tuple[str, ...], str]]) -> bytes:
    """An lxml envelope with one function, built field by field."""
    c = DEFAULT_CONNECTION
    request = etree.Element("request")
    control = etree.SubElement(request, "control")
    for tag, text in (("senderid", c["senderId"]), ("password", c["senderPassword"]),
                      ("controlid", str(uuid.uuid4())), ("uniqueid", "true"),
                      ("dtdversion", "3.0"), ("includewhitespace", "false")):
        etree.SubElement(control, tag).text = text
    operation = etree.SubElement(request, "operation")
    etree.SubElement(etree.SubElement(operation, "authentication"), "sessionid").text = "s"
    content = etree.SubElement(operation, "content")
    call = etree.SubElement(etree.SubElement(content, "function", controlid=str(uuid.uuid4())),
                            function)
    root = etree.SubElement(call, object_tag) if object_tag else call
    parents: dict[tuple[str, ...], etree._Element] = {(): root}
    for path, text in leaves:
        for depth in range(1, len(path)):
            if path[:depth] not in parents:
                parents[path[:depth]] = etree.SubElement(parents[path[:depth - 1]],
                                                         path[depth - 1])
        etree.SubElement(parents[path[:-1]], path[-1]).text = text
    return etree.tostring(request, xml_declaration=True, encoding="UTF-8")


def element_dict(element: etree._Element) -> Any:
    if len(element) == 0:
        return element.text or ""
    return {child.tag: element_dict(child) for child in element}


def floor_parse(raw: bytes) -> dict[str, Any]:
    """Check each layer's status and return the first result as a dict."""
    root = etree.fromstring(raw)
    if root.findtext("control/status") != "success":
        raise RuntimeError("control failure")
    if root.findtext("operation/authentication/status") != "success":
        raise RuntimeError("authentication failure")
    result = root.find("operation/result")
    if result.findtext("status") != "success":
        raise RuntimeError("function failure")
    data = result.find("data")
    return {"status": "success", "function": result.findtext("function"),
            "controlid": result.findtext("controlid"), "key": result.findtext("key"),
            "data": [element_dict(r) for r in data] if data is not None else []}


# -- the SDK ------------------------------------------------------------------------------

def sdk_payload(body: etree._Element) -> dict[str, Any]:
    """The <VENDOR> element as the nested dict sageintacctsdk's post() takes."""
    return element_dict(body.find("VENDOR"))


@contextlib.contextmanager
def sdk_with(http: CannedHTTP) -> Iterator[Any]:
    """A signed-in SDK whose HTTP posts return the canned response."""
    from sageintacctsdk import SageIntacctSDK
    from sageintacctsdk.apis import api_base

    c = DEFAULT_CONNECTION
    real_requests = api_base.requests
    api_base.requests = SimpleNamespace(post=http.post)
    try:
        yield SageIntacctSDK(sender_id=c["senderId"], sender_password=c["senderPassword"],
                             user_id=c["userId"], company_id=c["companyId"],
                             user_password=c["userPassword"], session_id="canned-session")
    finally:
        api_base.requests = real_requests


# -- the measurement ----------------------------------------------------------------------

def breakdown(connector: Connector, inputs: dict[str, Any], connection: dict[str, Any],
              number: int) -> dict[str, float]:
    """Where the connector's createVendor call goes, stage by stage, in microseconds."""
    action = connector.action("createVendor")
    values = prepare_inputs("createVendor", action.schema, inputs)
    context = {name: values.get(name) for name in action.schema["properties"]}
    environment = connector._environment(action.base_dir)
    runs = compare_per_call({
        "inputs": lambda: prepare_inputs("createVendor", action.schema, inputs),
        "template": lambda: render_xml(environment, action.template, context),
        "prepare": lambda: connector.prepare("createVendor", inputs),
        "invoke": lambda: connector.invoke("createVendor", inputs, connection),
    }, number=number)
    medians = {name: statistics.median(values) for name, values in runs.items()}
    return {"validate": round(medians["inputs"], 1), "template": round(medians["template"], 1),
            "send_parse_shape": round(medians["invoke"] - medians["prepare"], 1),
            "whole_call": round(medians["invoke"], 1)}


def run(number: int = 300, repeat: int = 9) -> dict[str, Any]:
    connector = load_connector()
    inputs = all_vendor_inputs(connector)
    canned = capture(connector, inputs)
    _, bodies = connector.prepare("createVendor", inputs)
    create_leaves = leaf_fields(bodies[0].find("VENDOR"))
    _, read_bodies = connector.prepare("getVendor", {"recordNo": RECORDNO})
    read_leaves = leaf_fields(read_bodies[0])

    connection = dict(DEFAULT_CONNECTION, allowedEndpointHosts=["127.0.0.1"])
    figures: dict[str, Any] = {"inputs": len(inputs) + 1}
    cases = (
        ("createVendor", canned["create"], inputs,
         lambda raw: floor_parse(raw) and floor_request("create", "VENDOR", create_leaves),
         lambda sdk: sdk.vendors.post(sdk_payload(bodies[0]))),
        ("getVendor", canned["read"], {"recordNo": RECORDNO},
         lambda raw: floor_parse(raw) and floor_request("read", "", read_leaves),
         lambda sdk: sdk.api_base.format_and_send_request(
             {"read": {"object": "VENDOR", "keys": RECORDNO, "fields": "*"}})),
    )
    for action, body, call_inputs, floor, sdk_call in cases:
        http = CannedHTTP(canned["getAPISession"], body)
        connector.gateway(connection)._http = http
        with sdk_with(http) as sdk:
            runs = compare_per_call({
                "connector": lambda a=action, i=call_inputs: connector.invoke(a, i, connection),
                "floor": lambda raw=body, f=floor: f(raw),
                "sdk": lambda s=sdk, f=sdk_call: f(s),
            }, number=number, repeat=repeat)
        figures[action] = {
            **{f"{name}_us": round(statistics.median(values), 1)
               for name, values in runs.items()},
            "vs_floor": round(median_ratio(runs["connector"], runs["floor"]), 2),
            "vs_sdk": round(median_ratio(runs["connector"], runs["sdk"]), 2),
        }
        if action == "createVendor":
            figures[action]["stages_us"] = breakdown(connector, inputs, connection, number)
        connector.close()
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
