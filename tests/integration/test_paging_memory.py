"""Records are streamed one page at a time: a page is let go before the next is asked for."""

from __future__ import annotations

import dataclasses
import gc
import weakref

from connector.core import load_connector


def test_each_page_is_let_go_before_the_next_is_read(sandbox):
    connector = load_connector()
    connector.settings = dataclasses.replace(connector.settings, page_size=2)
    connection = dict(sandbox.connection)
    client = connector.client(connection)
    read, alive_when_asked = [], []
    real = client._only_result

    def watched(body, options):
        gc.collect()
        alive_when_asked.append(sum(ref() is not None for ref in read))
        result = real(body, options)
        read.append(weakref.ref(result))
        return result

    client._only_result = watched
    try:
        items = connector.picklist("selectVendor", {}, connection)
    finally:
        connector.close()
    assert len(items) == 5 and len(read) == 3  # the demo company's vendors, two a page
    assert alive_when_asked == [0, 0, 0]


def test_streamed_records_are_the_records_of_every_page(sandbox):
    connector = load_connector()
    connection = dict(sandbox.connection)
    try:
        streamed = list(connector.iter_records("queryAndList", {"objectName": "VENDOR"},
                                               connection))
        listed = connector.invoke("queryAndList", {"objectName": "VENDOR"}, connection)["data"]
    finally:
        connector.close()
    assert streamed == listed
    assert sorted(r["VENDORID"] for r in streamed)[:2] == ["V-00101", "V-00102"]
