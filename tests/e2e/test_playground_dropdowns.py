"""Inputs with a data source are searchable dropdowns that ask the service as the user types,
show labels and send keys, and start over when an input they depend on changes."""

from __future__ import annotations

import json

from playground_page import (
    add_field,
    choose_action,
    inputs_sent,
    open_playground,
    output_json,
    preview,
    run,
    screenshot,
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


def make_vendors(sandbox, prefix: str, count: int) -> None:
    connector = load_connector()
    try:
        for number in range(1, count + 1):
            connector.invoke("createVendor", {"vendorName": f"{prefix} {number:02}"},
                             sandbox.connection)
    finally:
        connector.close()


def test_a_dropdown_pages_through_the_service_with_its_cursor(page, service, sandbox):
    make_vendors(sandbox, "Paging Paints", 45)
    open_playground(page, service)
    choose_action(page, "getVendor")
    asked = datasource_requests(page)
    page.locator("#input-recordNo").press_sequentially("paging paints")
    listbox = page.get_by_role("listbox", name="Record No")
    options = listbox.locator(".combobox-option")
    expect(options.first).to_contain_text("Paging Paints")
    expect(options).to_have_count(20)  # one page
    searched = [body for body in asked if body.get("search") == "paging paints"]
    assert [("cursor" in body, body["limit"]) for body in searched] == [(False, 20)]
    listbox.get_by_role("option", name="More results…").click()
    expect(options).to_have_count(40)
    searched = [body for body in asked if body.get("search") == "paging paints"]
    assert searched[-1]["cursor"]
    listbox.evaluate("list => { list.scrollTop = list.scrollHeight; }")  # the end: the next page
    expect(options).to_have_count(45)
    expect(listbox.get_by_role("option", name="More results…")).to_have_count(0)
    labels = options.all_inner_texts()
    assert len(set(labels)) == 45  # no item twice
    options.filter(has_text="Paging Paints 45").click()
    preview(page)
    recordno = sandbox.store.find("VENDOR", NAME="Paging Paints 45")[0]["RECORDNO"]
    assert inputs_sent(page) == {"recordNo": recordno}


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


def test_the_data_sources_tab_loads_more_pages(page, service, sandbox):
    make_vendors(sandbox, "Listed Lamps", 7)
    open_playground(page, service, fragment="view=datasource&key=selectVendor")
    page.fill("#ds-search", "listed lamps")
    page.fill("#ds-limit", "3")
    page.get_by_test_id("list-items").click()
    rows = page.get_by_test_id("items").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_test_id("result-note")).to_have_text("3 items")
    page.get_by_test_id("more").click()
    expect(rows).to_have_count(6)
    page.get_by_test_id("more").click()
    expect(rows).to_have_count(7)
    expect(page.get_by_test_id("result-note")).to_have_text("7 items")
    expect(page.get_by_test_id("more")).to_be_hidden()
    screenshot(page, "playground-datasource.png")
    assert sorted(rows.locator("td:first-child").all_inner_texts()) == [
        f"Listed Lamps {n:02}" for n in range(1, 8)]


ROLE_OF_EVERY_SOURCED_INPUT = """(names) => names.map((name) => {
  const control = document.getElementById(`input-${name}`);
  return control ? control.getAttribute("role") : "missing";
})"""


def test_every_input_with_a_data_source_is_a_dropdown(page, service):
    open_playground(page, service)
    sourced = 0
    for action in service.connector.actions.values():
        names = [n for n, p in action.schema.get("properties", {}).items() if "x-datasource" in p]
        if not names:
            continue
        choose_action(page, action.key)
        for name in names:
            if page.locator(f"[data-field='{name}']").count() == 0:
                add_field(page, name)
            if not page.locator(f"#input-{name}").is_visible():
                page.locator(f"[data-field='{name}']").locator(
                    "xpath=ancestor::section").locator(".section-toggle").click()
        assert page.evaluate(ROLE_OF_EVERY_SOURCED_INPUT, names) == ["combobox"] * len(names), \
            action.key
        sourced += len(names)
    assert sourced >= 10


def test_create_bill_picks_its_vendor_from_the_vendor_data_source(page, service, sandbox):
    open_playground(page, service)
    choose_action(page, "createBill")
    vendor = page.locator("#input-vendorId")
    vendor.press_sequentially("northwind")
    page.get_by_role("listbox", name="Vendor ID").get_by_role("option").filter(
        has_text="Northwind Office Supply").click()
    expect(page.locator("[data-field='vendorId'] .combobox-key")).to_have_text("key V-00101")
    page.fill("#input-transactionDate", "2024-03-01")
    page.fill("#input-lines-0-ACCOUNTNO", "6000")
    page.fill("#input-lines-0-TRX_AMOUNT", "12")
    assert run(page).startswith("Run: done")
    data = output_json(page)["data"]["response"]["operation"][0]["result"][0]["data"][0]
    bill = sandbox.store.get("APBILL", data["apbill"][0]["RECORDNO"][0])
    assert bill["VENDORID"] == "V-00101"


def test_create_invoice_picks_its_customer_and_sends_the_customer_id(page, service, sandbox):
    open_playground(page, service)
    choose_action(page, "createInvoice")
    customer = page.locator("#input-customerId")
    customer.press_sequentially("C-0020")
    options = page.get_by_role("listbox", name="Customer ID").get_by_role("option")
    expect(options.first).to_be_visible()
    chosen = options.first.locator(".combobox-option-key").inner_text()
    options.first.click()
    expect(page.locator("[data-field='customerId'] .combobox-key")).to_have_text(f"key {chosen}")
    assert chosen in {c["CUSTOMERID"] for c in sandbox.store.find("CUSTOMER")}
    page.fill("#input-transactionDate", "2024-03-01")
    page.fill("#input-lines-0-glaccountno", "4000")
    page.fill("#input-lines-0-amount", "99")
    assert run(page).startswith("Run: done")
    key = output_json(page)["data"]["response"]["operation"][0]["result"][0]["key"][0]
    assert sandbox.store.get("ARINVOICE", key)["CUSTOMERID"] == chosen
