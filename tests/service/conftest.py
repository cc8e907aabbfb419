"""The service on a real loopback port in front of the module's sandbox, and a client that
keeps every response body so that the module's teardown can check none holds a secret."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import requests

from connector.core import Connector
from connector.service import create_app, serving

TOKEN = "service-test-token-0123456789"
WRONG_SENDER_PASSWORD = "wrong-sender-secret-4242"


class Client:
    """Calls one running service; every response body is recorded in `seen`."""

    def __init__(self, url: str, seen: list[str]) -> None:
        self.url = url
        self.seen = seen
        self.http = requests.Session()
        self.http.hooks["response"].append(lambda response, **_: seen.append(response.text))

    def request(self, method: str, path: str, *, token: str | None = TOKEN,
                **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.url + path, headers=headers, timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, json=body, **kwargs)


@contextlib.contextmanager
def running_service(connector: Connector, connections: Mapping[str, dict], seen: list[str],
                    **options: Any) -> Iterator[Client]:
    """A service over these connections on a free loopback port, for one test's own setup."""
    with serving(create_app(connector, connections, TOKEN, **options)) as url:
        client = Client(url, seen)
        try:
            yield client
        finally:
            client.http.close()


def session_ids(sandbox) -> list[str]:
    """Every session id the sandbox ever issued (read from its store: no public accessor)."""
    return [row[0] for row in sandbox.store._exec("SELECT sessionid FROM sessions")]


@pytest.fixture(scope="module")
def seen(sandbox) -> Iterator[list[str]]:
    """Response bodies of the module; at its end none may hold a password or a session id."""
    bodies: list[str] = []
    yield bodies
    config = sandbox.config
    secrets = [config.sender_password, config.user_password, WRONG_SENDER_PASSWORD, TOKEN,
               *session_ids(sandbox)]
    leaks = sorted({secret for secret in secrets for body in bodies if secret in body})
    assert not leaks, f"{len(leaks)} secret(s) appeared in response bodies"


@pytest.fixture(scope="module")
def connections(sandbox) -> dict[str, dict]:
    """The sandbox, and the same company behind a wrong sender password (control failures)."""
    return {"sandbox": dict(sandbox.connection),
            "wrong-sender": dict(sandbox.connection, senderPassword=WRONG_SENDER_PASSWORD)}


@pytest.fixture(scope="module")
def api(connector, connections, seen) -> Iterator[Client]:
    with running_service(connector, connections, seen) as client:
        yield client
