"""A tiny XML client for talking to the sandbox over real HTTP, for the sandbox tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import requests
from lxml import etree

from connector.intacct.sandbox import DEFAULT_CONNECTION
from connector.intacct.sandbox.server import Sandbox

_ids = itertools.count(1)


def login_xml(
    user: str = DEFAULT_CONNECTION["userId"],
    company: str = DEFAULT_CONNECTION["companyId"],
    password: str = DEFAULT_CONNECTION["userPassword"],
    extra: str = "",
) -> str:
    return (
        f"<login><userid>{user}</userid><companyid>{company}</companyid>"
        f"<password>{password}</password>{extra}</login>"
    )


def request_xml(
    functions: list[str],
    auth: str | None = None,
    sender: str = DEFAULT_CONNECTION["senderId"],
    sender_password: str = DEFAULT_CONNECTION["senderPassword"],
    transaction: bool = False,
    uniqueid: bool = False,
    controlid: str = "ctl-1",
) -> bytes:
    """A whole request document; each function is the XML of its call element."""
    body = "".join(
        f'<function controlid="fn-{next(_ids)}">{f}</function>' if "<function" not in f else f
        for f in functions
    )
    op = ' transaction="true"' if transaction else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><request><control>'
        f"<senderid>{sender}</senderid><password>{sender_password}</password>"
        f"<controlid>{controlid}</controlid><uniqueid>{str(uniqueid).lower()}</uniqueid>"
        "<dtdversion>3.0</dtdversion></control>"
        f"<operation{op}><authentication>{auth or login_xml()}</authentication>"
        f"<content>{body}</content></operation></request>"
    ).encode()


@dataclass
class Reply:
    http: requests.Response
    root: etree._Element

    @property
    def control_status(self) -> str:
        return self.root.findtext("control/status")

    @property
    def auth_status(self) -> str | None:
        return self.root.findtext("operation/authentication/status")

    @property
    def results(self) -> list[etree._Element]:
        return self.root.findall("operation/result")

    def result(self, index: int = 0) -> etree._Element:
        return self.results[index]

    def errorno(self, index: int | None = None) -> str:
        """First errorno of a result, or of the control/auth block when index is None."""
        scope = self.root if index is None else self.results[index]
        return scope.findtext(".//errorno")


class Client:
    """Posts hand-built XML to a sandbox and parses the answer."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.http = requests.Session()

    def post(self, body: bytes, url: str | None = None) -> Reply:
        resp = self.http.post(
            url or self.sandbox.url,
            data=body,
            headers={"Content-Type": "application/xml"},
            timeout=30,
        )
        root = (
            etree.fromstring(resp.content)
            if resp.headers["Content-Type"].startswith("text/xml")
            else etree.Element("none")
        )
        return Reply(resp, root)

    def call(self, *functions: str, **kwargs) -> Reply:
        return self.post(request_xml(list(functions), **kwargs))

    def session(self, extra: str = "") -> str:
        reply = self.call("<getAPISession/>", auth=login_xml(extra=extra))
        return reply.root.findtext("operation/result/data/api/sessionid")

    def close(self) -> None:
        self.http.close()
