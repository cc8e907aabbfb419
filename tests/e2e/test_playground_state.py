"""The chosen view, action, connection and inputs live in the address bar's fragment (never the
token, never a secret): a reload or a shared link opens the same form, filled."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playground_page import add_field, choose_action, inputs_sent, open_playground, preview
from playwright.sync_api import expect


def fragment(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).fragment).items()}


def fill_bill(page) -> None:
    choose_action(page, "createBill")
    vendor = page.locator("#input-vendorId")
    vendor.fill("V-00101")
    page.fill("#input-transactionDate", "2024-03-01")
    page.fill("#input-lines-0-ACCOUNTNO", "6000")
    page.fill("#input-lines-0-TRX_AMOUNT", "42.5")
    page.get_by_test_id("add-lines").click()
    page.fill("#input-lines-1-ACCOUNTNO", "6100")
    page.fill("#input-lines-1-TRX_AMOUNT", "7")
    add_field(page, "description")
    page.fill("#input-description", "Paper & ink")


def test_a_reload_keeps_the_action_connection_and_inputs(page, service):
    open_playground(page, service)
    fill_bill(page)
    expect(page).to_have_url(re.compile("Paper"))  # written as the user types
    state = fragment(page)
    assert (state["view"], state["key"], state["connection"]) == ("action", "createBill",
                                                                  "sandbox")
    assert "token" not in state and service.token not in page.url

    page.reload()
    expect(page.locator("#entry-key")).to_have_text("createBill")
    expect(page.locator("#input-description")).to_have_value("Paper & ink")
    expect(page.locator("#input-lines-1-TRX_AMOUNT")).to_have_value("7")
    preview(page)
    assert inputs_sent(page) == {
        "vendorId": "V-00101", "transactionDate": "2024-03-01", "description": "Paper & ink",
        "lines": [{"ACCOUNTNO": "6000", "TRX_AMOUNT": 42.5},
                  {"ACCOUNTNO": "6100", "TRX_AMOUNT": 7}]}


def test_a_shared_link_opens_the_same_form_with_labels_but_no_secret(page, context, service):
    open_playground(page, service)
    choose_action(page, "pickVendors")
    page.locator("#input-vendor").press_sequentially("northwind")
    page.get_by_role("listbox", name="Vendor").get_by_role("option").filter(
        has_text="Northwind Office Supply").click()
    page.get_by_test_id("section-lookup").click()
    page.fill("#input-auditKey", "s3cret-audit-key")
    page.select_option("#input-useVendorId", label="No")
    expect(page).to_have_url(re.compile("Northwind"))
    assert "s3cret" not in page.url and "auditKey" not in page.url
    link = page.url

    other = context.browser.new_context()  # another person: their own tab and token
    try:
        tab = other.new_page()
        tab.goto(link.replace("#", f"#token={service.token}&", 1))
        expect(tab.locator("#entry-key")).to_have_text("pickVendors")
        expect(tab.locator("#input-vendor")).to_have_value("Northwind Office Supply")
        expect(tab.locator("[data-field='vendor'] .combobox-key")).to_have_text("key 4001")
        expect(tab.locator("#input-auditKey")).to_have_value("")
        assert service.token not in tab.url
    finally:
        other.close()


def test_the_view_is_kept_too(page, service):
    open_playground(page, service, fragment="view=datasource&key=selectCustomer")
    expect(page.get_by_role("tab", name="Data sources")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#entry-key")).to_have_text("selectCustomer")
    page.get_by_role("tab", name="Connections").click()
    expect(page).to_have_url(re.compile("view=connections"))


def test_a_wrong_token_says_unauthorized_then_a_pasted_token_works(page, service):
    open_playground(page, service, token="not-the-token")
    expect(page.get_by_test_id("banner")).to_contain_text("Unauthorized")
    expect(page.get_by_test_id("action-picker")).to_be_hidden()

    page.get_by_label("Token", exact=True).fill(service.token)
    page.get_by_test_id("use-token").click()
    expect(page.get_by_test_id("action-picker")).to_contain_text("Create Vendor")
    expect(page.get_by_test_id("banner")).to_be_hidden()
    stored = page.evaluate("[sessionStorage.getItem('connector.token'), localStorage.length]")
    assert stored == [service.token, 0]
