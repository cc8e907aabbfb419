"""Messages for people: problems in plain words next to their fields, found in the page before
anything is sent or by the service (422); gateway errors that name an input shown at it."""

from __future__ import annotations

import re

import requests
from playground_page import add_field, choose_action, open_playground, run, screenshot, set_value
from playwright.sync_api import expect


def test_problems_found_in_the_page_are_at_their_fields_and_nothing_is_sent(
        page, service, sandbox):
    vendors_before = sandbox.store.count("VENDOR")
    open_playground(page, service)
    choose_action(page, "createVendor")
    add_field(page, "creditLimit")
    page.fill("#input-creditLimit", "lots")
    add_field(page, "customFields")
    page.fill("#input-customFields-0-value", "West")

    assert run(page) == "Run: not sent."
    errors = page.get_by_test_id("errors")
    expect(errors).to_contain_text("nothing was sent")
    expect(errors).to_contain_text("Vendor Name (vendorName): is required")
    expect(page.locator("#error-vendorName")).to_have_text("is required")
    expect(page.locator("#input-vendorName")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-creditLimit")).to_have_text("must be a number, such as 50000")
    expect(page.locator("#error-customFields")).to_have_text("has a value without a name")
    screenshot(page, "playground-problems.png")
    assert sandbox.store.count("VENDOR") == vendors_before


def test_the_services_refusal_is_shown_at_its_input(page, service, sandbox):
    open_playground(page, service)
    choose_action(page, "rawRequest")
    page.fill("#input-data", "<query><object>VENDOR</object>")
    assert run(page) == "Run: failed (HTTP 422)."
    expect(page.locator("#error-data")).to_contain_text("not well-formed XML")
    expect(page.get_by_test_id("errors")).to_contain_text("nothing was sent")


# Inputs the page's controls never produce, so only the service can refuse them.
REFUSED = [
    ("createVendor", {"vendorName": "X", "creditLimit": {"a": 1}}),
    ("createVendor", {"vendorName": "X", "customFields": {"REGION": ["a", "list"]}}),
    ("createBill", {"vendorId": "V1", "transactionDate": "2024-01-01",
                    "lines": [{"TRX_AMOUNT": {"not": "a value"}}]}),
    ("queryAndList", {"objectName": 42}),
]


def test_the_services_wording_is_said_plainly(page, service):
    """The service's own words for refusals, as the page shows them: no Python repr of the
    value or of the types."""
    problems = []
    for key, inputs in REFUSED:
        answer = requests.post(f"{service.url}/actions/{key}/render", json={"inputs": inputs},
                               headers={"Authorization": f"Bearer {service.token}"}, timeout=30)
        assert answer.status_code == 422, key
        problems += [p["problem"] for p in answer.json()["problems"]]
    open_playground(page, service)
    shown = page.evaluate("""async (texts) => {
      const { plainWords } = await import("./static/problems.js");
      return texts.map(plainWords);
    }""", problems)
    for said, plain in zip(problems, shown, strict=True):
        assert plain.startswith("must be "), (said, plain)
        assert not re.search(r"[{\[]'|is not of type", plain), (said, plain)


def test_a_gateway_error_naming_an_input_is_shown_at_it(page, service, sandbox):
    existing = sandbox.store.find("VENDOR")[0]
    open_playground(page, service)
    choose_action(page, "createVendor")
    page.fill("#input-vendorName", "Second Northwind")
    add_field(page, "vendorId")
    page.fill("#input-vendorId", existing["VENDORID"])
    assert run(page) == "Run: failed (HTTP 400)."
    errors = page.get_by_test_id("errors")
    expect(errors).to_contain_text("The gateway refused the request (function).")
    expect(errors).to_contain_text("BL34000061")
    expect(page.locator("#error-vendorId")).to_have_text(
        f"Another Vendor with the given value(s) {existing['VENDORID']} already exists "
        "Use a unique value instead.")
    expect(page.locator("#error-vendorName")).to_be_empty()
    assert sandbox.store.find("VENDOR", NAME="Second Northwind") == []


def test_a_gateway_error_naming_a_line_column_is_shown_in_its_cell(page, service, sandbox):
    bills_before = sandbox.store.count("APBILL")
    open_playground(page, service)
    choose_action(page, "createBill")
    page.fill("#input-vendorId", "V-00101")
    page.fill("#input-transactionDate", "2024-03-01")
    page.fill("#input-lines-0-ACCOUNTNO", "6000")
    page.fill("#input-lines-0-TRX_AMOUNT", "5")
    page.get_by_label("Name of a column to add to AP Bill Items").fill("WIDGETCOUNT")
    page.get_by_test_id("add-column-lines").click()
    page.fill("#input-lines-0-WIDGETCOUNT", "3")
    assert run(page) == "Run: failed (HTTP 400)."
    expect(page.locator("#error-lines-0-WIDGETCOUNT")).to_contain_text(
        "WIDGETCOUNT is not a valid field of APBILLITEM.")
    expect(page.locator("#error-lines-0-ACCOUNTNO")).to_be_empty()
    assert sandbox.store.count("APBILL") == bills_before


def test_a_gateway_error_naming_nothing_shows_its_fields(page, service):
    open_playground(page, service)
    choose_action(page, "deleteObject")
    set_value(page, "#input-object", "VENDOR")
    page.fill("#input-keys", "999999")
    assert run(page) == "Run: failed (HTTP 400)."
    errors = page.get_by_test_id("errors")
    expect(errors).to_contain_text("BL01001973")
    expect(errors).to_contain_text("Vendor record not found")


def test_a_rule_about_two_columns_is_shown_in_the_cell_it_concerns(page, service, sandbox):
    invoices_before = sandbox.store.count("ARINVOICE")
    open_playground(page, service)
    choose_action(page, "createInvoice")
    page.fill("#input-customerId", "C-00201")
    page.fill("#input-transactionDate", "2024-03-01")
    page.get_by_label("Add a column to Invoice Line Items").select_option("accountlabel")
    page.fill("#input-lines-0-glaccountno", "4000")
    page.fill("#input-lines-0-accountlabel", "Services")
    page.fill("#input-lines-0-amount", "10")
    assert run(page) == "Run: failed (HTTP 422)."
    expect(page.locator("#error-lines-0-accountlabel")).to_contain_text(
        "cannot be given with glaccountno")
    expect(page.locator("#input-lines-0-accountlabel")).to_have_attribute("aria-invalid", "true")
    assert sandbox.store.count("ARINVOICE") == invoices_before
