"""Line items as a table: typed, labelled columns, lines added, removed and reordered, columns
added, dropdowns in cells; the lines the sandbox stored are the lines on the page, in order."""

from __future__ import annotations

import re

from playground_page import (
    add_field,
    choose_action,
    inputs_sent,
    open_playground,
    preview,
    run,
    screenshot,
)
from playwright.sync_api import expect


def test_invoice_lines_are_added_reordered_and_removed(page, service, sandbox):
    open_playground(page, service)
    choose_action(page, "createInvoice")
    headers = page.locator("[data-field='lines'] thead .column-title")
    expect(headers).to_have_text(["glaccountno", "amount", "memo"])
    expect(page.locator("#input-lines-0-amount")).to_have_attribute("inputmode", "decimal")
    page.fill("#input-customerId", "C-00201")
    page.fill("#input-transactionDate", "2024-03-01")
    page.fill("#input-lines-0-glaccountno", "4000")
    page.fill("#input-lines-0-amount", "250")
    page.fill("#input-lines-0-memo", "Consulting, January")
    page.get_by_test_id("add-lines").click()
    expect(page.locator("#input-lines-1-glaccountno")).to_be_focused()
    page.fill("#input-lines-1-glaccountno", "4100")
    page.fill("#input-lines-1-amount", "75.5")
    page.fill("#input-lines-1-memo", "Travel")
    page.get_by_test_id("add-lines").click()
    page.fill("#input-lines-2-glaccountno", "4200")
    page.fill("#input-lines-2-amount", "9")
    page.fill("#input-lines-2-memo", "Dropped")
    page.get_by_test_id("add-lines").click()  # a fourth line left blank is not sent
    page.get_by_role("button", name="Move line 2 up").click()  # Travel first
    page.get_by_role("button", name="Remove line 3").click()  # Dropped
    numbers = page.locator("[data-field='lines'] tbody th").all_inner_texts()
    assert numbers == ["1", "2", "3"]
    screenshot(page, "playground-lines.png")

    preview(page)
    text = page.get_by_test_id("xml").inner_text()
    assert text.count("<lineitem>") == 2
    assert re.search(r"<glaccountno>4100</glaccountno>\s*<amount>75.5</amount>.*"
                     r"<glaccountno>4000</glaccountno>\s*<amount>250</amount>", text, re.S)
    assert "Dropped" not in text
    assert inputs_sent(page)["lines"] == [
        {"glaccountno": "4100", "amount": 75.5, "memo": "Travel"},
        {"glaccountno": "4000", "amount": 250, "memo": "Consulting, January"}]

    assert run(page).startswith("Run: done")
    key = page.get_by_test_id("output").text_content()
    recordno = re.search(r'"key": \[\s*"(\d+)"', key).group(1)
    lines = sandbox.store.lines("ARINVOICE", int(recordno))
    assert [(line["LINE_NO"], line["GLACCOUNTNO"], line["AMOUNT"], line["ENTRYDESCRIPTION"])
            for line in lines] == [("1", "4100", "75.5", "Travel"),
                                   ("2", "4000", "250", "Consulting, January")]


def test_titled_columns_take_added_columns_and_pick_from_a_data_source(page, service):
    open_playground(page, service)
    choose_action(page, "pickVendors")
    add_field(page, "lines")
    headers = page.locator("[data-field='lines'] thead th")
    expect(headers.locator(".column-title")).to_have_text(["Vendor", "Amount", "Memo"])
    expect(headers.nth(2)).to_contain_text("*")  # Amount is required
    expect(headers.nth(2).locator(".column-name")).to_have_text("amount")
    page.get_by_label("Add a column to Allocations").select_option("department")
    expect(headers.locator(".column-title")).to_have_text(["Vendor", "Amount", "Memo",
                                                           "Department"])
    expect(page.locator("#input-lines-0-department")).to_be_focused()

    cell = page.locator("#input-lines-0-vendorId")
    cell.press_sequentially("northwind")
    page.get_by_role("listbox", name="Vendor").get_by_role("option").filter(
        has_text="Northwind Office Supply").click()
    expect(cell).to_have_value("Northwind Office Supply")
    page.fill("#input-lines-0-department", "D-10")
    page.fill("#input-vendor", "4001")
    preview(page)
    expect(page.locator("[data-field='lines-0-amount'] .field-error")).to_have_text("is required")
    page.fill("#input-lines-0-amount", "12.5")
    preview(page)
    assert inputs_sent(page)["lines"] == [
        {"vendorId": "V-00101", "amount": 12.5, "department": "D-10"}]


def test_bill_lines_take_a_column_by_name(page, service):
    open_playground(page, service)
    choose_action(page, "createBill")
    page.get_by_label("Name of a column to add to AP Bill Items").fill("9LIVES")
    page.get_by_test_id("add-column-lines").click()
    expect(page.locator("[data-field='lines'] .line-tools")).to_contain_text(
        '"9LIVES" is not a valid name')
    page.get_by_label("Name of a column to add to AP Bill Items").fill("DEPARTMENTID")
    page.get_by_test_id("add-column-lines").click()
    expect(page.locator("[data-field='lines'] thead")).to_contain_text("DEPARTMENTID")
    page.fill("#input-lines-0-ACCOUNTNO", "6000")
    page.fill("#input-lines-0-TRX_AMOUNT", "100")
    page.fill("#input-lines-0-DEPARTMENTID", "D-20")
    page.fill("#input-vendorId", "V-00101")
    page.fill("#input-transactionDate", "2024-03-01")
    preview(page)
    expect(page.get_by_test_id("xml")).to_contain_text("<DEPARTMENTID>D-20</DEPARTMENTID>")
