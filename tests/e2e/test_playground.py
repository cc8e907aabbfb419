"""The browser playground end to end: Debian's Chromium, driven by Playwright, uses the page the
service serves, against an in-memory demo sandbox; what the page says is checked against what the
sandbox stored."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from connector.core import load_connector

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found or Path(DEBIAN_CHROMIUM).is_file():
        return found or DEBIAN_CHROMIUM
    if os.environ.get("CONNECTOR_REQUIRE_BROWSER") == "1":
        pytest.fail("CONNECTOR_REQUIRE_BROWSER=1 but no Chromium was found on PATH nor at "
                    "/usr/bin/chromium: apt-get install chromium")
    pytest.skip("no Chromium: apt-get install chromium")


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def service(sandbox):
    """The service app over the sandbox's connection, on a free loopback port."""
    from connector.service.app import create_app
    from connector.service.server import serving

    connector = load_connector()
    token = secrets.token_urlsafe(24)
    app = create_app(connector, {"sandbox": sandbox.connection}, token)
    try:
        with serving(app) as url:
            yield SimpleNamespace(url=url, token=token)
    finally:
        connector.close()


@pytest.fixture()
def page(browser, service):
    """A fresh tab (its own sessionStorage) that fails the test on a script error or on
    anything the Content-Security-Policy refused (an inline script or style)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    problems = []
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("console", lambda message: problems.append(message.text)
           if "Content Security Policy" in message.text else None)
    yield tab
    context.close()
    assert not problems


def open_playground(page: Page, service, token: str | None = None) -> None:
    page.goto(f"{service.url}/#token={token or service.token}")
    if token is None:
        expect(page.get_by_test_id("action-picker")).to_contain_text("Create Vendor")


def choose_action(page: Page, key: str) -> None:
    page.get_by_test_id("action-picker").select_option(key)
    expect(page.locator("#entry-key")).to_have_text(key)


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG in artifacts/ (or $CONNECTOR_ARTIFACTS_DIR): the viewport is grown to
    the page's height first so the sticky button bar sits at the bottom, not mid-page."""
    folder = Path(os.environ.get("CONNECTOR_ARTIFACTS_DIR") or ROOT / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": height})
    path = folder / name
    page.screenshot(path=path)
    page.set_viewport_size(size)
    return path


def output_json(page: Page) -> dict:
    output = page.get_by_test_id("output")
    expect(output).to_contain_text('"data"')
    return json.loads(output.inner_text())


def test_create_vendor_preview_then_run(page, service, sandbox):
    open_playground(page, service)
    expect(page).to_have_url(f"{service.url}/")  # the token left the address bar
    choose_action(page, "createVendor")
    page.fill("#input-vendorName", "Playwright Paints")
    page.fill("#input-vendorId", "V-PLAY-1")
    page.fill("#input-creditLimit", "2500")
    page.select_option("#input-onHold", label="true")
    page.fill("#input-city", "Lisbon")
    screenshot(page, "playground-createVendor.png")

    page.get_by_test_id("preview").click()
    xml = page.get_by_test_id("xml")
    expect(xml).to_contain_text("<VENDORID>V-PLAY-1</VENDORID>")
    expect(xml).to_contain_text("<ONHOLD>true</ONHOLD>")
    for secret in (sandbox.connection["senderPassword"], sandbox.connection["userPassword"]):
        assert secret not in xml.inner_text()
    # Only what was filled is sent: no blank strings for the other sixty inputs.
    assert json.loads(page.get_by_test_id("inputs").text_content()) == {
        "vendorName": "Playwright Paints", "vendorId": "V-PLAY-1", "creditLimit": 2500,
        "onHold": True, "city": "Lisbon"}

    vendors_before = sandbox.store.count("VENDOR")
    page.get_by_test_id("run").click()
    created = output_json(page)["data"]["_data"][0]
    assert created["VENDORID"] == "V-PLAY-1"
    record = sandbox.store.get("VENDOR", created["RECORDNO"])
    assert record["NAME"] == "Playwright Paints"
    assert (record["ONHOLD"], record["CREDITLIMIT"]) == ("true", "2500")
    assert sandbox.store.find("VENDOR", VENDORID="V-PLAY-1") == [record]
    assert sandbox.store.count("VENDOR") == vendors_before + 1


def test_record_picked_from_data_source(page, service, sandbox):
    connector = load_connector()
    created = connector.invoke("createVendor", {"vendorName": "Quillon Paper Mills"},
                               sandbox.connection)
    connector.close()
    recordno = created["data"]["_data"][0]["RECORDNO"]

    open_playground(page, service)
    choose_action(page, "getVendor")
    expect(page.locator("#input-field")).to_have_value("*")  # the schema's default
    record_no = page.locator("#input-recordNo")
    record_no.press_sequentially("quill")
    options = page.get_by_role("listbox", name="Record No").get_by_role("option")
    expect(options).to_have_count(1)  # the service searched; the list shows what it found
    options.filter(has_text="Quillon Paper Mills").click()
    expect(record_no).to_have_value("Quillon Paper Mills")  # the label is shown, the key sent

    page.get_by_test_id("run").click()
    expect(page.get_by_test_id("output")).to_contain_text("Quillon Paper Mills")
    vendor = output_json(page)["data"]["_data"][0]
    assert (vendor["RECORDNO"], vendor["NAME"]) == (recordno, "Quillon Paper Mills")
    assert json.loads(page.get_by_test_id("inputs").text_content()) == {
        "recordNo": recordno, "field": ["*"]}


def test_invalid_inputs_shown_by_field_and_nothing_created(page, service, sandbox):
    vendors_before = sandbox.store.count("VENDOR")
    open_playground(page, service)
    choose_action(page, "createVendor")

    page.get_by_test_id("run").click()  # the required name is blank: checked in the page
    errors = page.get_by_test_id("errors")
    expect(errors).to_contain_text("nothing was sent")
    expect(errors).to_contain_text("Vendor Name (vendorName): is required")
    expect(page.locator("#error-vendorName")).to_have_text("is required")
    expect(page.locator("#input-vendorName")).to_have_attribute("aria-invalid", "true")

    page.fill("#input-vendorName", "Nested Fields Ltd")
    page.fill("#input-customFields", '{"REGION": {"not": "a scalar"}}')
    page.get_by_test_id("run").click()  # valid JSON, but the schema refuses it: the service's 422
    expect(page.get_by_test_id("status")).to_contain_text("HTTP 422")
    expect(errors).to_contain_text("Custom Fields (customFields.REGION)")
    expect(page.locator("#error-customFields")).to_contain_text("is not of type")
    expect(page.locator("#error-vendorName")).to_be_empty()
    assert sandbox.store.count("VENDOR") == vendors_before
    assert sandbox.store.find("VENDOR", NAME="Nested Fields Ltd") == []


def test_gateway_error_shows_intacct_fields(page, service):
    open_playground(page, service)
    choose_action(page, "deleteObject")
    page.select_option("#input-object", label="VENDOR")
    page.fill("#input-keys", "999999")
    page.get_by_test_id("run").click()
    errors = page.get_by_test_id("errors")
    expect(errors).to_contain_text("FunctionError")
    expect(errors).to_contain_text("BL01001973")
    expect(errors).to_contain_text("Vendor record not found")


def test_line_items_are_repeatable_rows(page, service):
    open_playground(page, service)
    choose_action(page, "createInvoice")
    page.fill("#input-customerId", "C-0001")
    page.fill("#input-transactionDate", "2024-03-01")
    page.fill("#input-lines-0-glaccountno", "4000")
    page.fill("#input-lines-0-amount", "250")
    page.fill("#input-lines-0-memo", "Consulting, January")
    page.get_by_test_id("add-lines").click()
    page.fill("#input-lines-1-glaccountno", "4100")
    page.fill("#input-lines-1-amount", "75.5")
    page.fill("#input-lines-1-memo", "Travel")
    page.get_by_test_id("add-lines").click()  # a third line left blank is not sent

    page.get_by_test_id("preview").click()
    xml = page.get_by_test_id("xml")
    expect(xml).to_contain_text("<memo>Travel</memo>")
    text = xml.inner_text()
    assert text.count("<lineitem>") == 2
    assert re.search(r"<glaccountno>4000</glaccountno>\s*<amount>250</amount>", text)
    assert re.search(r"<glaccountno>4100</glaccountno>\s*<amount>75.5</amount>", text)
    assert re.search(r"<year>2024</year>\s*<month>03</month>\s*<day>01</day>", text)

    page.get_by_test_id("remove-lines-0").click()  # the second line's problem stays with it
    page.fill("#input-lines-1-accountlabel", "Services")  # a line takes an account or a label
    page.get_by_test_id("preview").click()
    expect(page.locator("[data-field='lines-1-accountlabel'] .field-error")).to_contain_text(
        "cannot be given with glaccountno")


def test_data_source_tab_lists_items(page, service):
    open_playground(page, service)
    page.get_by_role("tab", name="Data sources").click()
    page.get_by_test_id("datasource-picker").select_option("selectVendor")
    page.fill("#ds-search", "northwind")
    page.get_by_test_id("list-items").click()
    items = page.get_by_test_id("items")
    expect(items.locator("tbody tr")).to_have_count(1)
    expect(items).to_contain_text("Northwind Office Supply")


UNLABELLED_OR_DUPLICATE = """() => {
  const controls = [...document.querySelectorAll("#form input, #form select, #form textarea")];
  const ids = [...document.querySelectorAll("[id]")].map((node) => node.id);
  return [
    ...controls.filter((c) => !c.id || c.labels.length === 0).map((c) => c.outerHTML),
    ...ids.filter((id, i) => ids.indexOf(id) !== i),
  ];
}"""


def test_every_form_builds_with_labelled_controls(page, service):
    open_playground(page, service)
    for kind in ("action", "datasource"):
        if kind == "datasource":
            page.get_by_role("tab", name="Data sources").click()
        picker = page.get_by_test_id(f"{kind}-picker")
        keys = [k for k in picker.locator("option").evaluate_all("os => os.map(o => o.value)") if k]
        assert keys
        for key in keys:
            picker.select_option(key)
            expect(page.locator("#entry-key")).to_have_text(key)
            assert page.evaluate(UNLABELLED_OR_DUPLICATE) == [], key


def test_wrong_token_says_unauthorized_then_a_pasted_token_works(page, service):
    open_playground(page, service, token="not-the-token")
    expect(page.get_by_test_id("banner")).to_contain_text("Unauthorized")
    expect(page.get_by_test_id("action-picker")).to_be_hidden()

    page.get_by_label("Token", exact=True).fill(service.token)
    page.get_by_test_id("use-token").click()
    expect(page.get_by_test_id("action-picker")).to_contain_text("Create Vendor")
    expect(page.get_by_test_id("banner")).to_be_hidden()
    stored = page.evaluate("[sessionStorage.getItem('connector.token'), localStorage.length]")
    assert stored == [service.token, 0]
