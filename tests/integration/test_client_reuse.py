"""What the hot path keeps between calls never outlives what it was kept for.

A connection passed again is compared, not hashed: edited in place, it gets its own client. A
session endpoint once checked is not checked again, but any other endpoint a shared session
cache hands over still is, before anything is sent to it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from connector.coordination.config import build
from connector.coordination.sessions import CachedSession
from connector.core import load_connector
from connector.intacct.errors import EndpointRefused


@pytest.fixture()
def own_connector():
    """A connector with coordination of its own (its session cache is this test's)."""
    coordination = build()
    loaded = load_connector(coordination=coordination)
    yield loaded
    loaded.close()
    coordination.close()


def test_a_connection_edited_in_place_gets_the_client_of_its_new_contents(own_connector):
    connection = {"senderId": "s", "senderPassword": "sp", "companyId": "ACME", "userId": "u",
                  "userPassword": "up", "allowedEndpointHosts": ["127.0.0.1"]}
    first = own_connector.client(connection)
    assert own_connector.client(connection) is first
    assert own_connector.client(connection) is first  # compared now, not hashed

    connection["allowedEndpointHosts"].append("evil.example")
    widened = own_connector.client(connection)
    assert widened is not first
    connection["companyId"] = "OTHER"
    assert own_connector.client(connection) not in (first, widened)
    connection["companyId"] = "ACME"
    assert own_connector.client(connection) is widened


def test_an_endpoint_from_the_shared_cache_is_checked_even_after_another_was(own_connector,
                                                                             sandbox):
    connection = dict(sandbox.connection, allowedEndpointHosts=["127.0.0.1"])
    assert own_connector.invoke("getVendor", {"recordNo": "4001"}, connection)["data"]
    client = own_connector.client(connection)
    hostile = CachedSession("stolen-session-id", "https://evil.example/ia/xml/xmlgw.phtml",
                            dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1))
    own_connector.coordination.sessions.put(client._session_key, hostile, 3600)

    with pytest.raises(EndpointRefused, match=r"evil\.example"):
        own_connector.invoke("getVendor", {"recordNo": "4001"}, connection)
