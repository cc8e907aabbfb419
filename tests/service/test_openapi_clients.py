"""The OpenAPI document as client generators and API fuzzers read it: openapi-python-client
generates every operation, a client it generated works against the running service, and
schemathesis finds no server error and nothing that disagrees with the document."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TOKEN, running_service

from connector.intacct.sandbox import running_sandbox

PACKAGE = "generated_connector_client"
TOOLS = Path(sys.executable).parent
# What schemathesis checks: no 500 (the upstream 502/503/504 are documented answers), every
# status, content type, header and body as documented, and what the document calls invalid
# refused. Not checked: that whatever the document allows is accepted (positive data
# acceptance): the gateway refuses some valid requests (400), and some inputs have rules the
# schemas do not state (see the report of issue 11).
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance,negative_data_rejection")
CONFIG = """
[checks.not_a_server_error]
expected-statuses = ["2xx", "3xx", "4xx", "502", "503", "504"]
"""
OPERATION = re.compile(r'"method": "(\w+)",\s*"url": f?"([^"]+)"')


def normalized(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


@pytest.fixture(scope="module")
def generated(api, tmp_path_factory) -> Path:
    """A client package generated (offline) from the service's /openapi.json."""
    folder = tmp_path_factory.mktemp("generated")
    spec = folder / "openapi.json"
    spec.write_text(api.get("/openapi.json").text, encoding="utf-8")
    run = subprocess.run(  # openapi-python-client formats with the ruff beside it
        [str(TOOLS / "openapi-python-client"), "generate", "--path", str(spec), "--meta", "none",
         "--output-path", str(folder / PACKAGE)],
        cwd=folder, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PATH": f"{TOOLS}{os.pathsep}{os.environ.get('PATH', '')}"})
    report = run.stdout + run.stderr
    assert run.returncode == 0, report
    assert "Endpoint will not be generated" not in report, report
    assert "Unable to process schema" not in report, report
    return folder / PACKAGE


@pytest.mark.slow
def test_every_operation_of_the_document_is_generated(api, generated, connector):
    document = api.get("/openapi.json").json()
    declared = {(method, normalized(path)) for path, item in document["paths"].items()
                for method in item}
    found = set()
    for module in (generated / "api").rglob("*.py"):
        found |= {(method, normalized(url))
                  for method, url in OPERATION.findall(module.read_text(encoding="utf-8"))}
    assert found == declared
    for key in connector.actions:
        assert {("post", f"/actions/{key}/invoke"), ("post", f"/actions/{key}/render")} <= found
    for key in connector.datasources:
        assert {("get", f"/datasources/{key}"), ("post", f"/datasources/{key}")} <= found


@pytest.mark.slow
def test_a_generated_client_creates_a_vendor_with_custom_fields(api, generated, sandbox):
    sys.path.insert(0, str(generated.parent))
    try:
        client_module = importlib.import_module(f"{PACKAGE}.client")
        invoke = importlib.import_module(f"{PACKAGE}.api.actions.invoke_create_vendor")
        models = importlib.import_module(f"{PACKAGE}.models")
    finally:
        sys.path.remove(str(generated.parent))
    body = models.InvokeCreateVendorBody.from_dict({
        "connection": "sandbox",
        "inputs": {"vendorName": "Generated Client Vendor", "vendorId": "V-GEN-1",
                   "customFields": [["REGION", "from a generated client"]]}})
    with client_module.AuthenticatedClient(base_url=api.url, token=TOKEN) as client:
        response = invoke.sync_detailed(client=client, body=body)
    assert response.status_code == 200, response.content
    recordno = json.loads(response.content)["data"]["_data"][0]["RECORDNO"]
    stored = sandbox.store.get("VENDOR", recordno)
    assert stored["VENDORID"] == "V-GEN-1" and stored["REGION"] == "from a generated client"


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_mismatch(connector, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    with running_sandbox(db=":memory:", seed="demo") as sandbox, \
            running_service(connector, {"sandbox": sandbox.connection}, []) as service:
        run = subprocess.run(
            [str(TOOLS / "st"), "--config-file", str(config), "run",
             f"{service.url}/openapi.json", "--header", f"Authorization: Bearer {TOKEN}",
             "--checks", CHECKS, "--phases", "examples,fuzzing", "--max-examples", "15",
             "--seed", "1", "--workers", "1", "--request-timeout", "60"],
            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "Fuzzing" in run.stdout
