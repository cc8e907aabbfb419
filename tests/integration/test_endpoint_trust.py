"""The session endpoint getAPISession returns cannot be used to steal credentials.

A sandbox is told to answer getAPISession with a hostile endpoint; a stand-in host listens on
another loopback address (127.0.0.2, outside the connection's allowed hosts) and every name in
the URLs resolves to it. Whatever the URL's trick, the call must fail with EndpointRefused and
the stand-in must receive nothing, through the Python API, the CLI and the service.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from connector.intacct.endpoint import trusted_endpoint
from connector.intacct.errors import EndpointRefused
from connector.intacct.sandbox import SandboxConfig, running_sandbox
from connector.service import create_app, serving

ROOT = Path(__file__).resolve().parents[2]
STAND_IN = "127.0.0.2"
TOKEN = "endpoint-trust-token-0123456789"

HOSTILE = [
    "https://{evil}\\@api.intacct.com/ia/xml/xmlgw.phtml",       # backslash: two parsers differ
    "https://{evil}\\.intacct.com/ia/xml/xmlgw.phtml",
    "https://api.intacct.com@{evil}/ia/xml/xmlgw.phtml",          # userinfo
    "https://api.intacct.com:pw@{evil}/ia/xml/xmlgw.phtml",
    "https://{evil_encoded}/ia/xml/xmlgw.phtml",                  # percent-encoded dots
    "https://api.intacct.com.evil.example:{port}/ia/xml/xmlgw.phtml",
    "https://api.intacct.com.:{port}/ia/xml/xmlgw.phtml",         # trailing dot
    "https://api.int\u0430cct.com:{port}/ia/xml/xmlgw.phtml",     # IDN look-alike (Cyrillic a)
    "https://api.intacct.com:{port}/ia/xml/xmlgw.phtml",          # odd port
    "http://api.intacct.com/ia/xml/xmlgw.phtml",                  # not https
    "http://{evil}/ia/xml/xmlgw.phtml",
    "https://api.intacct.com\t.{evil}/ia/xml/xmlgw.phtml",        # control character
]


class StandIn:
    """A TCP listener that only counts connections: it must stay at zero."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind((STAND_IN, 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture()
def stand_in(monkeypatch) -> Iterator[StandIn]:
    """The stand-in, and a resolver that sends every non-loopback name to it."""
    listener = StandIn()
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not name.startswith("127.") and name != "localhost":
            return real(STAND_IN, *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    yield listener
    listener.close()


def hostile_urls(port: int) -> list[str]:
    evil = f"{STAND_IN}:{port}"
    encoded = f"127%2e0%2e0%2e2:{port}"
    return [u.format(evil=evil, evil_encoded=encoded, port=port) for u in HOSTILE]


def sandbox_returning(url: str):
    return running_sandbox(db=":memory:", seed="demo", config=SandboxConfig(public_url=url))


def only_the_sandbox(sandbox) -> dict:
    """The sandbox's connection, allowing only the sandbox's own host (not the URL's)."""
    return dict(sandbox.connection, allowedEndpointHosts=["127.0.0.1"])


@pytest.mark.parametrize("index", range(len(HOSTILE)))
def test_the_python_api_refuses_a_hostile_endpoint_and_sends_it_nothing(connector, stand_in,
                                                                         index):
    url = hostile_urls(stand_in.port)[index]
    with sandbox_returning(url) as sandbox:
        with pytest.raises(EndpointRefused, match="no credentials were sent"):
            connector.invoke("getVendor", {"recordNo": "4001"}, only_the_sandbox(sandbox))
        assert sandbox.stats.snapshot()["functions"].get("getAPISession") == 1
    assert stand_in.connections == 0


def test_the_cli_refuses_a_hostile_endpoint_and_sends_it_nothing(stand_in, tmp_path):
    url = hostile_urls(stand_in.port)[0]
    with sandbox_returning(url) as sandbox:
        connection = tmp_path / "connection.json"
        connection.write_text(json.dumps(only_the_sandbox(sandbox)))
        done = subprocess.run(
            [sys.executable, "-m", "connector.cli", "run", "getVendor", "--set",
             "recordNo=4001", "--connection", str(connection)],
            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "refused" in done.stderr and "no credentials were sent" in done.stderr
    assert sandbox.config.sender_password not in done.stderr + done.stdout
    assert stand_in.connections == 0


def test_the_service_refuses_a_hostile_endpoint_and_sends_it_nothing(connector, stand_in):
    url = hostile_urls(stand_in.port)[2]
    with sandbox_returning(url) as sandbox, \
            serving(create_app(connector, {"sandbox": only_the_sandbox(sandbox)}, TOKEN)) as base:
        answer = requests.post(f"{base}/actions/getVendor/invoke",
                               json={"connection": "sandbox", "inputs": {"recordNo": "4001"}},
                               headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert answer.status_code == 502
    assert "no credentials were sent" in answer.json()["detail"]
    assert stand_in.connections == 0


@pytest.mark.parametrize("url", [
    "https://api.intacct.com/ia/xml/xmlgw.phtml",
    "https://API.Intacct.com:443/ia/xml/xmlgw.phtml",
    "https://intacct.com/ia/xml/xmlgw.phtml",
    "https://eu.api.intacct.com/ia/xml/xmlgw.phtml",
])
def test_real_intacct_endpoints_are_trusted(url):
    assert requests.utils.urlparse(trusted_endpoint(url)).hostname.endswith("intacct.com")


def test_a_host_the_connection_allows_is_trusted_on_any_port_and_scheme():
    assert trusted_endpoint("http://127.0.0.1:8080/ia/xml/xmlgw.phtml", ["127.0.0.1"]) \
        == "http://127.0.0.1:8080/ia/xml/xmlgw.phtml"
    with pytest.raises(EndpointRefused):  # allowing a host does not allow tricks around it
        trusted_endpoint("http://127.0.0.1\\@127.0.0.1:8080/ia/xml/xmlgw.phtml", ["127.0.0.1"])
