"""Parity with the existing Sage Intacct component: every action, data source and input.

tests/fixtures/component-catalog.json is a copy of the reference catalog
(shared/reference/component-catalog.json).
"""

import json
from pathlib import Path

import pytest

from connector.catalog import export_catalog
from connector.core import load_connector

REFERENCE = json.loads(
    (Path(__file__).parent / "fixtures" / "component-catalog.json").read_text())
CONNECTOR = load_connector()
# The reference lost updateProject's "Invoice with Parent" into the Connection's example; the
# reference page lists it, so we declare it (the one input beyond the catalog).
EXTRA_INPUTS = {("updateProject", "Invoice with Parent")}


def spec(entry):
    table = CONNECTOR.datasources if entry["kind"] == "datasource" else CONNECTOR.actions
    return table[entry["key"]]


def test_every_reference_entry_exists_and_nothing_else():
    assert len(REFERENCE) == 33
    assert {e["key"] for e in REFERENCE if e["kind"] == "action"} == set(CONNECTOR.actions)
    assert {e["key"] for e in REFERENCE if e["kind"] == "datasource"} == set(
        CONNECTOR.datasources)


@pytest.mark.parametrize("entry", REFERENCE, ids=lambda e: e["key"])
def test_label_description_and_every_input(entry):
    declared = spec(entry)
    assert declared.label == entry["label"]
    assert declared.description == entry["description"]
    by_title = {p["title"]: p for p in declared.schema["properties"].values()}
    expected = {i["label"] for i in entry["inputs"]} - {"Connection"}
    extra = {title for key, title in EXTRA_INPUTS if key == entry["key"]}
    assert set(by_title) == expected | extra
    for reference_input in entry["inputs"]:
        if reference_input["label"] == "Connection":
            continue
        prop = by_title[reference_input["label"]]
        # The reference's notes, sometimes followed by our own (how JSON line items look).
        assert prop.get("description", "").startswith(reference_input["notes"])
        if reference_input["example"] not in ("", None):
            assert str(prop["examples"][0]).lower() == reference_input["example"].lower()


def test_inline_datasources_of_the_2025_12_19_changelog():
    expected = {("getContact", "recordNo"), ("getCustomer", "recordNo"),
                ("getInvoice", "recordNo"), ("getProject", "recordNo"),
                ("getVendor", "recordNo"), ("updateContact", "contactName"),
                ("updateCustomer", "customerId"), ("updateInvoice", "recordNo"),
                ("updateProject", "projectId"), ("updateVendor", "vendorId")}
    catalog = export_catalog(CONNECTOR)
    found = {(a["key"], name) for a in catalog["actions"] for name in a["datasources"]}
    assert expected <= found


def test_the_catalog_counts_the_reference_inputs():
    catalog = export_catalog(CONNECTOR)
    rows = sum(len(a["inputs"]) for a in catalog["actions"] + catalog["datasources"])
    reference = sum(len(e["inputs"]) for e in REFERENCE)
    assert reference == 477 and rows == reference + len(EXTRA_INPUTS)
