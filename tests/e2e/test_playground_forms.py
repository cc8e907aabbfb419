"""Forms built from the schemas: groups as sections, required inputs first, optional ones
behind "Add a field" or a section toggle, placeholders that are examples; what the page sends
is checked against what the sandbox stored."""

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

VISIBLE_FIELDS = """() => [...document.querySelectorAll("#form .field")]
  .filter((f) => f.offsetParent !== null && !f.closest(".field-lines, .field-pairs"))
  .map((f) => f.dataset.field)"""


def test_create_vendor_opens_with_its_required_input_and_runs(page, service, sandbox):
    open_playground(page, service)
    expect(page).to_have_url(f"{service.url}/#view=action&connection=sandbox")
    choose_action(page, "createVendor")
    schema = service.connector.action("createVendor").schema
    assert page.evaluate(VISIBLE_FIELDS) == schema["required"]
    name = page.locator("#input-vendorName")
    expect(name).to_have_value("")
    expect(name).to_have_attribute("placeholder", "e.g. Acme Supplies Inc.")
    ungrouped = [n for n, p in schema["properties"].items()
                 if "x-group" not in p and n not in schema["required"]]
    expect(page.get_by_test_id("add-field").locator("option").first).to_have_text(
        f"Add a field… ({len(ungrouped)} optional)")
    screenshot(page, "playground-createVendor.png")

    name.fill("Playwright Paints")
    for field in ("vendorId", "creditLimit", "onHold", "comments"):
        add_field(page, field)
    expect(page.locator("#input-comments")).to_be_focused()  # the last one added, ready to type
    page.fill("#input-vendorId", "V-PLAY-1")
    page.fill("#input-creditLimit", "2500")
    page.select_option("#input-onHold", label="Yes")
    page.fill("#input-comments", "Lisbon")
    page.get_by_role("button", name="Remove Comments").click()  # cleared and hidden again
    expect(page.locator("#input-comments")).to_have_count(0)

    preview(page)
    xml = page.get_by_test_id("xml")
    expect(xml).to_contain_text("<VENDORID>V-PLAY-1</VENDORID>")
    expect(xml).to_contain_text("<ONHOLD>true</ONHOLD>")
    assert "Lisbon" not in xml.inner_text()
    for secret in (sandbox.connection["senderPassword"], sandbox.connection["userPassword"]):
        assert secret not in xml.inner_text()
    assert inputs_sent(page) == {"vendorName": "Playwright Paints", "vendorId": "V-PLAY-1",
                                 "creditLimit": 2500, "onHold": True}

    vendors_before = sandbox.store.count("VENDOR")
    assert run(page).startswith("Run: done")
    created = output_json(page)["data"]["_data"][0]
    assert created["VENDORID"] == "V-PLAY-1"
    record = sandbox.store.get("VENDOR", created["RECORDNO"])
    assert record["NAME"] == "Playwright Paints"
    assert (record["ONHOLD"], record["CREDITLIMIT"]) == ("true", "2500")
    assert "Lisbon" not in json.dumps(record)
    assert sandbox.store.count("VENDOR") == vendors_before + 1


def test_every_declared_group_is_a_section_in_order(page, service):
    open_playground(page, service)
    grouped = [a for a in service.connector.actions.values() if a.schema.get("x-groups")]
    assert grouped  # at least the test action's
    for action in grouped:
        choose_action(page, action.key)
        groups = action.schema["x-groups"]
        shown = page.locator("#form section.group").evaluate_all(
            "ss => ss.map(s => s.dataset.section)")
        used = {p.get("x-group") for p in action.schema["properties"].values()}
        assert shown == [key for key in groups if key in used], action.key
        toggles = page.locator("#form .section-toggle")
        assert toggles.all_inner_texts() == [groups[key]["title"] for key in shown]


def test_a_group_is_a_section_that_opens(page, service):
    open_playground(page, service)
    choose_action(page, "pickVendors")
    toggle = page.get_by_test_id("section-lookup")
    expect(toggle).to_have_text("Lookup")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#input-useVendorId")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#input-useVendorId")).to_be_visible()
    # The inputs of no group first, then the group.
    sections = page.locator("#form section").evaluate_all("ss => ss.map(s => s.dataset.section)")
    assert sections == ["main", "lookup"]


def test_a_field_added_then_removed_is_not_sent(page, service):
    open_playground(page, service)
    choose_action(page, "getVendor")
    expect(page.locator("#input-field")).to_have_count(0)  # optional: not on the page yet
    add_field(page, "field")
    expect(page.locator("#input-field")).to_have_value("*")  # the schema's default
    page.fill("#input-recordNo", "4001")
    preview(page)
    sent = inputs_sent(page)
    assert sent.pop("field") in ("*", ["*"])  # the default, as text or a list of one
    assert sent == {"recordNo": "4001"}
    page.get_by_role("button", name="Remove Field").click()
    preview(page)
    assert inputs_sent(page) == {"recordNo": "4001"}


REVEAL_AND_CHECK = """([root, picker]) => {
  for (const toggle of document.querySelectorAll(`${root} .section-toggle[aria-expanded=false]`)) {
    toggle.click();
  }
  const adder = document.getElementById(picker);
  while (adder && adder.options.length > 1) {
    adder.value = adder.options[1].value;
    adder.dispatchEvent(new Event("change"));
  }
  const controls = [...document.querySelectorAll(
    `${root} input, ${root} select, ${root} textarea`)];
  const ids = [...document.querySelectorAll("[id]")].map((node) => node.id);
  return [
    ...controls.filter((c) => !c.id || (c.labels.length === 0 && !c.getAttribute("aria-label")))
      .map((c) => c.outerHTML),
    ...ids.filter((id, i) => ids.indexOf(id) !== i),
  ];
}"""


def test_every_form_builds_with_labelled_controls(page, service):
    open_playground(page, service)
    for kind, tab in (("action", "Actions"), ("datasource", "Data sources"),
                      ("trigger", "Triggers")):
        page.get_by_role("tab", name=tab).click()
        picker = page.get_by_test_id(f"{kind}-picker")
        keys = [k for k in picker.locator("option").evaluate_all("os => os.map(o => o.value)") if k]
        assert keys
        for key in keys:
            picker.select_option(key)
            expect(page.locator("#entry-key")).to_have_text(key)
            assert page.evaluate(REVEAL_AND_CHECK, ["#form", "add-field"]) == [], key
    page.get_by_role("tab", name="Connections").click()
    assert page.evaluate(REVEAL_AND_CHECK, ["#connection-form", "connection-add-field"]) == []


def test_a_pick_list_shows_labels_and_sends_values(page, service):
    open_playground(page, service)
    choose_action(page, "deleteObject")
    choices = page.locator("#input-object option")
    assert "Vendor" in choices.all_inner_texts() and "VENDOR" not in choices.all_inner_texts()
    page.select_option("#input-object", label="Vendor")
    page.fill("#input-keys", "4001")
    preview(page)
    assert inputs_sent(page)["object"] == "VENDOR"
    expect(page.get_by_test_id("xml")).to_contain_text("<object>VENDOR</object>")
