"""Fixtures that let the official SDKs reach the sandbox without modifying them.

Both SDKs insist on Intacct host names: the Node SDK rejects endpoints outside *.intacct.com and
the Python SDK always starts at https://api.intacct.com. So the tests resolve *.intacct.com to
the loopback sandbox (a `dns.lookup` preload for Node, a `socket.getaddrinfo` patch for Python)
and, for the Python SDK's HTTPS, serve TLS with a throwaway certificate made by the openssl CLI.
"""

from __future__ import annotations

import shutil
import socket
import subprocess

import pytest


@pytest.fixture(scope="session")
def intacct_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """(certfile, keyfile): a self-signed certificate for *.intacct.com, valid one day."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl CLI is needed to make a throwaway TLS certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=api.intacct.com",
            "-addext",
            "subjectAltName=DNS:api.intacct.com,DNS:*.intacct.com",
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


@pytest.fixture
def intacct_to_loopback(monkeypatch: pytest.MonkeyPatch):
    """Route every *.intacct.com connection of this process to 127.0.0.1:<port>."""
    real = socket.getaddrinfo
    target: dict[str, int] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if isinstance(host, str) and host.lower().rstrip(".").endswith("intacct.com"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", target["port"]))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def route(port: int) -> None:
        target["port"] = port

    return route
