"""What the browser tests do on the playground, in a user's words."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]


def open_playground(page: Page, service, fragment: str = "", token: str | None = None) -> None:
    """Open the page as `connector serve` prints it (#token=...), plus any view state."""
    extra = f"&{fragment}" if fragment else ""
    page.goto(f"{service.url}/#token={token or service.token}{extra}")
    if token is None:
        expect(page.get_by_test_id("action-picker")).to_contain_text("Create Vendor")


def choose_action(page: Page, key: str) -> None:
    page.get_by_test_id("action-picker").select_option(key)
    expect(page.locator("#entry-key")).to_have_text(key)


def add_field(page: Page, name: str) -> None:
    """Reveal an optional input from the "Add a field" list."""
    page.get_by_test_id("add-field").select_option(name)
    expect(page.locator(f"[data-field='{name}']")).to_be_visible()


def set_value(page: Page, selector: str, value: str) -> None:
    """Type into a text control, or choose the choice that sends this value (a schema's enum,
    whatever its label)."""
    control = page.locator(selector)
    if control.evaluate("c => c.tagName") == "SELECT":
        chosen = control.locator(f"option[data-value='{json.dumps(value)}']")
        control.select_option(chosen.get_attribute("value"))
    else:
        control.fill(value)


def click_and_wait(page: Page, test_id: str, label: str) -> str:
    """Press a button that calls the service and wait for the answer; the status line then."""
    page.get_by_test_id(test_id).click()
    status = page.get_by_test_id("status")
    expect(status).to_contain_text(re.compile(f"{label}: (done|failed|not sent)"))
    return status.inner_text()


def run(page: Page) -> str:
    return click_and_wait(page, "run", "Run")


def preview(page: Page) -> str:
    return click_and_wait(page, "preview", "Preview")


def inputs_sent(page: Page) -> dict:
    return json.loads(page.get_by_test_id("inputs").text_content())


def output_json(page: Page) -> dict:
    return json.loads(page.get_by_test_id("output").text_content())


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
