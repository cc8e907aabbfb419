"""Triggers: an instance configured from the trigger's schema and named, polled for the records
created, updated and deleted since the last acknowledged poll, then acknowledged."""

from __future__ import annotations

import re

from playground_page import click_and_wait, open_playground, screenshot
from playwright.sync_api import expect

from connector.core import load_connector


def poll(page) -> str:
    return click_and_wait(page, "poll", "Poll")


def test_an_instance_reports_changes_until_they_are_acknowledged(page, service, sandbox):
    open_playground(page, service, fragment="view=trigger")
    page.get_by_test_id("trigger-picker").select_option("newAndUpdatedRecords")
    page.fill("#input-resourceType", "VENDOR")
    page.fill("#trigger-instance", "e2e-vendors")
    assert poll(page).startswith("Poll: done")
    note = page.get_by_test_id("result-note")
    expect(note).to_contain_text("0 created, 0 updated, 0 deleted")
    expect(note).to_contain_text("set the baseline")
    expect(page.get_by_test_id("ack")).to_be_disabled()

    connector = load_connector()
    try:
        sandbox.clock.skew(60)  # the changes come after the baseline, in seconds of their own
        created = connector.invoke("createVendor", {"vendorName": "Trigger Teas"},
                                   sandbox.connection)["data"]["_data"][0]["RECORDNO"]
        connector.invoke("updateVendor", {"vendorId": "V-00102", "vendorName": "Renamed Ltd"},
                         sandbox.connection)
        connector.invoke("deleteObject", {"object": "VENDOR", "keys": "4003"},
                         sandbox.connection)
    finally:
        connector.close()
    sandbox.clock.skew(60)

    assert poll(page).startswith("Poll: done")
    expect(note).to_contain_text("1 created, 1 updated, 1 deleted")
    events = page.get_by_test_id("events")
    expect(events.locator("tr[data-change=created]")).to_contain_text(f"RECORDNO {created}")
    expect(events.locator("tr[data-change=updated]")).to_contain_text("Renamed Ltd")
    expect(events.locator("tr[data-change=deleted]")).to_contain_text("4003")
    screenshot(page, "playground-trigger.png")
    assert re.search("instance=e2e-vendors", page.url) and "VENDOR" in page.url

    assert poll(page).startswith("Poll: done")  # not acknowledged: the same events again
    expect(note).to_contain_text("1 created, 1 updated, 1 deleted")
    page.get_by_test_id("ack").click()
    expect(page.get_by_test_id("status")).to_have_text(
        "Acknowledged 3 events: the next poll will not return them.")
    assert poll(page).startswith("Poll: done")
    expect(note).to_contain_text("0 created, 0 updated, 0 deleted")
    expect(events.locator("tbody tr")).to_have_count(0)
