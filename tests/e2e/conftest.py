"""The browser tests' fixtures: Debian's Chromium driven by Playwright, and the service over an
in-memory demo sandbox (plus the test-only action of builder_fixture) on a free loopback port."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from types import SimpleNamespace

import builder_fixture  # pytest puts this folder on sys.path, as for playground_page
import pytest
from playwright.sync_api import sync_playwright

from connector.core import load_connector

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
def service(sandbox, tmp_path_factory):
    """The service over the sandbox's connection, accepting new connections as `connector
    serve` does; trigger feeds and idempotency keys in a state file of the module's own."""
    from connector.service.app import create_app
    from connector.service.server import serving

    connector = load_connector(plugins=[builder_fixture])
    token = secrets.token_urlsafe(24)
    state = tmp_path_factory.mktemp("service") / "state.sqlite3"
    app = create_app(connector, {"sandbox": sandbox.connection}, token, state=state,
                     accept_connections=True)
    try:
        with serving(app) as url:
            yield SimpleNamespace(url=url, token=token, connector=connector)
    finally:
        app.state.triggers.close()
        connector.close()


@pytest.fixture()
def context(browser):
    made = browser.new_context(viewport={"width": 1400, "height": 900})
    yield made
    made.close()


@pytest.fixture()
def page(context):
    """A fresh tab (its own sessionStorage) that fails the test on a script error or on
    anything the Content-Security-Policy refused (an inline script or style)."""
    tab = context.new_page()
    problems = []
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("console", lambda message: problems.append(message.text)
           if "Content Security Policy" in message.text else None)
    yield tab
    assert not problems
