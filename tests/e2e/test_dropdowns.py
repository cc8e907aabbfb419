"""Inputs with a data source are searchable dropdowns that ask the service as the user types,
show labels and send keys, and start over when an input they depend on changes."""

from __future__ import annotations

import json

from playground_page import (
    choose_action,
    inputs_sent,
    open_playground,
    output_json,
    preview,
    run,
)
from playwright.sync_api import expect

from connector.core import load_connector


def datasource_requests(page) -> list[dict]:
    """The bodies of the data source calls the page makes from now on."""
    bodies: list[dict] = []
    page.on("request", lambda request: bodies.append(json.loads(request.post_data))
            if "/datasources/" in request.url else None)
    return bodies


def test_a_record_is_picked_by_its_label_and_sent_by_its_key(page, service, sandbox):
    connector = load_connector()
    created = connector.invoke("createVendor", {"vendorName": "Quillon Paper Mills"},
                               sandbox.connection)
    connector.close()
    recordno = created["data"]["_data"][0]["RECORDNO"]

    open_playground(page, service)
    choose_action(page, "getVendor")
    record_no = page.locator("#input-recordNo")
    expect(record_no).to_have_attribute("placeholder", "Type to search, e.g. 12345")
    record_no.press_sequentially("quill")
    options = page.get_by_role("listbox", name="Record No").get_by_role("option")
    expect(options).to_have_count(1)  # the service searched; the list shows what it found
    options.filter(has_text="Quillon Paper Mills").click()
    expect(record_no).to_have_value("Quillon Paper Mills")  # the label is shown, the key sent
    expect(page.locator("[data-field='recordNo'] .combobox-key")).to_have_text(f"key {recordno}")

    assert run(page).startswith("Run: done")
    vendor = output_json(page)["data"]["_data"][0]
    assert (vendor["RECORDNO"], vendor["NAME"]) == (recordno, "Quillon Paper Mills")
    assert inputs_sent(page) == {"recordNo": recordno}


def test_a_dropdown_starts_over_when_the_input_it_depends_on_changes(page, service):
    open_playground(page, service)
    choose_action(page, "pickVendors")
    asked = datasource_requests(page)
    vendor = page.locator("#input-vendor")
    vendor.press_sequentially("northwind")
    listbox = page.get_by_role("listbox", name="Vendor")
    listbox.get_by_role("option").filter(has_text="Northwind Office Supply").click()
    expect(page.locator("[data-field='vendor'] .combobox-key")).to_have_text("key 4001")
    assert asked[-1]["inputs"] == {"returnId": False}

    page.get_by_test_id("section-lookup").click()
    page.select_option("#input-useVendorId", label="Yes")
    expect(vendor).to_have_value("")  # a record number is no vendor ID: chosen again
    expect(page.locator("[data-field='vendor'] .combobox-key")).to_have_text(
        "Use Vendor ID changed: choose again.")
    vendor.press_sequentially("northwind")
    listbox.get_by_role("option").filter(has_text="Northwind Office Supply").click()
    expect(page.locator("[data-field='vendor'] .combobox-key")).to_have_text("key V-00101")
    assert asked[-1]["inputs"] == {"returnId": True}

    preview(page)
    expect(page.get_by_test_id("xml")).to_contain_text("VENDORID = 'V-00101'")
    assert run(page).startswith("Run: done")
    assert output_json(page)["data"][0]["NAME"] == "Northwind Office Supply"


def test_the_data_sources_tab_lists_items(page, service):
    open_playground(page, service)
    page.get_by_role("tab", name="Data sources").click()
    page.get_by_test_id("datasource-picker").select_option("selectVendor")
    page.fill("#ds-search", "northwind")
    page.get_by_test_id("list-items").click()
    items = page.get_by_test_id("items")
    expect(items.locator("tbody tr")).to_have_count(1)
    expect(items).to_contain_text("Northwind Office Supply")
    expect(items).to_contain_text("4001")
