"""Connections: the server's named connections (never their values), a form built from the
connection schema that adds one (its secrets sent once, never sent back), and the new one used
for a real call."""

from __future__ import annotations

import re

import requests
from playground_page import choose_action, open_playground, output_json, run, screenshot
from playwright.sync_api import expect


def open_connections(page, service) -> None:
    open_playground(page, service)
    page.get_by_role("tab", name="Connections").click()
    expect(page.get_by_test_id("connection-list")).to_contain_text("sandbox")


def fill_connection(page, values: dict) -> None:
    for name in ("endpointUrl", "allowedEndpointHosts"):
        if name in values:
            page.get_by_test_id("connection-add-field").select_option(name)
    for name, value in values.items():
        text = "\n".join(value) if isinstance(value, list) else value
        page.fill(f"#connection-input-{name}", text)


def test_a_connection_added_from_the_page_runs_calls_and_keeps_its_secrets(
        page, service, sandbox):
    open_connections(page, service)
    page.fill("#connection-name", "second")
    fill_connection(page, sandbox.connection)
    expect(page.locator("#connection-input-userPassword")).to_have_attribute("type", "password")
    screenshot(page, "playground-connections.png")
    page.get_by_test_id("save-connection").click()

    expect(page.get_by_test_id("status")).to_have_text(
        "Connection second saved; it is now the one calls use.")
    expect(page.get_by_test_id("connection-list")).to_contain_text("second")
    expect(page.get_by_test_id("connection-picker")).to_have_value("second")
    expect(page.locator("#connection-input-userPassword")).to_have_value("")  # a new, empty form
    secrets = (sandbox.connection["senderPassword"], sandbox.connection["userPassword"])
    listed = requests.get(f"{service.url}/connections", timeout=10,
                          headers={"Authorization": f"Bearer {service.token}"})
    assert listed.json() == {"connections": [{"name": "sandbox"}, {"name": "second"}]}
    for secret in secrets:
        assert secret not in page.content() and secret not in page.url

    page.get_by_role("tab", name="Actions").click()
    choose_action(page, "getVendor")
    page.fill("#input-recordNo", "4001")
    assert run(page).startswith("Run: done")
    assert output_json(page)["data"]["_data"][0]["NAME"] == "Northwind Office Supply"
    page.get_by_role("tab", name="Request").click()
    expect(page.get_by_test_id("curl")).to_contain_text('"connection":"second"')
    assert re.search("connection=second", page.url)


def test_a_connection_is_checked_before_it_is_kept(page, service, sandbox):
    open_connections(page, service)
    page.fill("#connection-name", "sandbox")
    fill_connection(page, {**sandbox.connection, "userPassword": "",
                           "endpointUrl": "http://169.254.169.254/latest/meta-data"})
    page.get_by_test_id("save-connection").click()
    expect(page.get_by_test_id("status")).to_have_text("Save connection: not sent.")
    expect(page.locator("#connection-error-userPassword")).to_have_text("is required")

    page.fill("#connection-input-userPassword", "any-password")
    page.get_by_test_id("save-connection").click()
    expect(page.get_by_test_id("status")).to_have_text("Save connection: failed (HTTP 422).")
    host = re.match(r"(http://[^/]+)", sandbox.connection["endpointUrl"]).group(1)
    expect(page.locator("#connection-error-endpointUrl")).to_have_text(
        f"must name a host this service already uses ({host}, https://api.intacct.com)")
    errors = page.get_by_test_id("errors")
    expect(errors).to_contain_text("Name (name): the service already has a connection of this name")
    assert "any-password" not in errors.inner_text()
    expect(page.get_by_test_id("connection-list").locator("li")).to_have_count(
        len(requests.get(f"{service.url}/connections", timeout=10, headers={
            "Authorization": f"Bearer {service.token}"}).json()["connections"]))


def test_a_connection_is_tested_from_the_page(page, service, sandbox):
    open_connections(page, service)
    page.get_by_test_id("test-sandbox").click()
    expect(page.get_by_test_id("status")).to_contain_text("Test sandbox: done")
    checks = page.get_by_test_id("checks")
    expect(page.get_by_test_id("result-note")).to_have_text("Connection sandbox works.")
    expect(checks.locator(".check-ok", has_text="read VENDOR (selectVendor)")).to_contain_text(
        "allowed")
    expect(checks.locator(".check-failed")).to_have_count(0)

    page.fill("#connection-name", "stranger")
    fill_connection(page, {**sandbox.connection, "userId": "nobody"})
    page.get_by_test_id("save-connection").click()
    expect(page.get_by_test_id("connection-list")).to_contain_text("stranger")
    page.get_by_test_id("test-stranger").click()
    expect(page.get_by_test_id("result-note")).to_have_text(
        "Connection stranger failed a check.")
    expect(checks.locator(".check-failed")).to_contain_text("sign in")
    assert sandbox.connection["userPassword"] not in checks.inner_text()
