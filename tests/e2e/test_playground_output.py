"""The output panel: the example output before running, the result as a tree (records as a
table), the fields a later step can map with their values, and the call as curl that works
when pasted into a shell."""

from __future__ import annotations

import json
import os
import re
import subprocess

from playground_page import add_field, choose_action, open_playground, output_json, run, screenshot
from playwright.sync_api import expect

CREATED_KEY = "apbill[0] \u203a RECORDNO"  # how the tree writes the folded path


def test_create_bill_shows_its_example_then_its_created_key(page, service, sandbox):
    open_playground(page, service)
    choose_action(page, "createBill")
    expect(page.get_by_test_id("result-note")).to_contain_text("Example output")
    result = page.get_by_test_id("result")
    # xml2js's one-item lists are folded: the created key is one line, not eight levels down.
    expect(result.locator(".tree-leaf", has_text=CREATED_KEY)).to_contain_text("4760")

    page.fill("#input-vendorId", "V-00101")
    page.fill("#input-transactionDate", "2024-03-01")
    page.fill("#input-lines-0-ACCOUNTNO", "6000")
    page.fill("#input-lines-0-TRX_AMOUNT", "42")
    assert run(page).startswith("Run: done")
    expect(page.get_by_test_id("result-note")).to_have_text("Output of the run.")
    output = output_json(page)
    data = output["data"]["response"]["operation"][0]["result"][0]["data"][0]
    recordno = data["apbill"][0]["RECORDNO"][0]
    assert sandbox.store.get("APBILL", recordno)["VENDORID"] == "V-00101"
    expect(result.locator(".tree-leaf", has_text=CREATED_KEY)).to_contain_text(recordno)
    screenshot(page, "playground-output.png")

    page.get_by_role("tab", name="Fields").click()
    row = page.get_by_test_id("output-fields").locator("tr", has_text="apbill[0].RECORDNO")
    expect(row).to_contain_text(recordno)
    page.get_by_label("Filter the fields").fill("apbill")
    expect(page.get_by_test_id("output-fields").locator("tbody tr")).to_have_count(1)


def test_a_list_of_records_is_a_table(page, service):
    open_playground(page, service)
    choose_action(page, "queryAndList")
    page.fill("#input-objectName", "VENDOR")
    add_field(page, "query")
    page.fill("#input-query", "CREDITLIMIT >= 0")
    assert run(page).startswith("Run: done")
    table = page.get_by_test_id("result").locator("table.records")
    expect(table.locator("thead")).to_contain_text("NAME")
    expect(table.locator("tbody")).to_contain_text("Northwind Office Supply")


def test_copy_as_curl_runs_the_same_call_from_a_shell(page, context, service, sandbox):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_playground(page, service)
    choose_action(page, "createVendor")
    page.fill("#input-vendorName", "Curl Copy Ltd")
    assert run(page).startswith("Run: done")
    page.get_by_role("tab", name="Request").click()
    curl = page.get_by_test_id("curl").inner_text()
    assert service.token not in curl
    page.get_by_test_id("copy-curl").click()
    expect(page.get_by_test_id("copy-curl")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == curl

    before = len(sandbox.store.find("VENDOR", NAME="Curl Copy Ltd"))
    shell = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, timeout=30,
                           env={**os.environ, "CONNECTOR_SERVICE_TOKEN": service.token})
    assert shell.returncode == 0, shell.stderr
    created = json.loads(shell.stdout)["data"]["_data"][0]
    assert sandbox.store.get("VENDOR", created["RECORDNO"])["NAME"] == "Curl Copy Ltd"
    assert len(sandbox.store.find("VENDOR", NAME="Curl Copy Ltd")) == before + 1


def test_the_fields_tab_lists_the_output_schema_before_and_after_a_run(page, service):
    open_playground(page, service)
    choose_action(page, "getVendor")
    page.get_by_role("tab", name="Fields").click()
    fields = page.get_by_test_id("output-fields")
    name = fields.locator("tr", has=page.locator("code", has_text=re.compile(
        r"^data\._data\[0\]\.NAME$")))
    expect(name).to_contain_text("string")  # typed by the output schema
    example = service.connector.action("getVendor").example_output["data"]["_data"][0]["NAME"]
    expect(name.locator("td").nth(2)).to_have_text(example)  # the example output's value
    assert name.locator("td").first.get_attribute("title") == "Vendor name"
    page.get_by_role("tab", name="Result").click()
    page.fill("#input-recordNo", "4001")
    assert run(page).startswith("Run: done")
    page.get_by_role("tab", name="Fields").click()
    expect(name.locator("td").nth(2)).to_have_text("Northwind Office Supply")
