"""Parity with the Sage Intacct component: every action, data source and input.

tests/fixtures/component-catalog.json is a copy of the reference catalog (2026-05-05,
shared/reference/component-catalog.json). The component has moved since; what it has now
(its changelog and source, 2026-09-18) is written below as the changes from that reference, so
each is checked against the declarations:

- 2026-03-24 (and 2025-12-19): inline data sources on 23 inputs;
- 2026-09-01: grouped inputs (vendor, customer, contact, invoice currency);
- 2026-09-18: an output schema on its actions (ours: on every action and data source);
- static pick lists: deleteObject's Object, the AR advance Payment Method, createBill's Payment
  Priority.

Where the component gets something wrong we differ on purpose, and say so here.
"""

import json
from pathlib import Path

import pytest

from connector.catalog import export_catalog
from connector.core import load_connector

REFERENCE = json.loads(
    (Path(__file__).parent / "fixtures" / "component-catalog.json").read_text())
CONNECTOR = load_connector()
# Inputs beyond the reference: updateProject's "Invoice with Parent" (the reference lost it into
# the Connection's example; its page lists it), and selectInvoice's toggle that makes an item
# carry the invoice number, which the Invoice Number inputs take (the component feeds them a
# RECORDNO).
EXTRA_INPUTS = {("updateProject", "Invoice with Parent"),
                ("selectInvoice", "Return Invoice Number"),
                # the component's runtime answer, beside its documented echo (issue 16)
                ("updateContact", "Output Shape"), ("updateCustomer", "Output Shape")}
# Inputs left out: update_invoice has no <basecurr> in DTD 3.0 (the component still sends it,
# and the gateway refuses the request).
DROPPED_INPUTS = {("updateInvoice", "Base Currency")}

# The inline data sources, each carrying the key its input takes: an ID where the input is an
# ID, a RECORDNO where it is a record number. The component wires the data sources with their
# default inputs, so its Vendor ID, Customer ID, Project ID, Contact Name and Invoice Number
# dropdowns fill in a RECORDNO; ours turn the data source's toggle on.
BY_ID = {"selectVendor": {"returnId": True}, "selectCustomer": {"returnId": True},
         "selectProject": {"returnId": True}, "selectContact": {"returnContactName": True},
         "selectInvoice": {"returnInvoiceNumber": True}}
INLINE = {
    ("createVendor", "vendorId"): "selectVendor", ("updateVendor", "vendorId"): "selectVendor",
    ("createBill", "vendorId"): "selectVendor",
    ("createCustomer", "customerId"): "selectCustomer",
    ("updateCustomer", "customerId"): "selectCustomer",
    ("createInvoice", "customerId"): "selectCustomer",
    ("updateInvoice", "customerId"): "selectCustomer",
    ("createARAdvance", "customerId"): "selectCustomer",
    ("updateARAdjustment", "customerId"): "selectCustomer",
    ("createContact", "contactName"): "selectContact",
    ("updateContact", "contactName"): "selectContact",
    ("updateInvoice", "contactName"): "selectContact",
    ("createInvoice", "invoiceNumber"): "selectInvoice",
    ("updateInvoice", "invoiceNumber"): "selectInvoice",
    ("updateARAdjustment", "invoiceNumber"): "selectInvoice",
    ("createProject", "projectId"): "selectProject",
    ("updateProject", "projectId"): "selectProject",
}
BY_RECORDNO = {("getVendor", "recordNo"): "selectVendor",
               ("getCustomer", "recordNo"): "selectCustomer",
               ("getContact", "recordNo"): "selectContact",
               ("getInvoice", "recordNo"): "selectInvoice",
               ("updateInvoice", "recordNo"): "selectInvoice",
               ("getProject", "recordNo"): "selectProject"}

# The component's groups (2026-09-01): the group's key in each action -> its members' names.
NAME = ["prefixInput", "firstNameInput", "middleNameInput", "lastNameInput"]
CONTACT_DETAILS = ["addressLine1Input", "addressLine2Input", "cityInput", "stateProvinceInput",
                   "zipPostalCodeInput", "countryInput", "primaryEmailAddressInput",
                   "secondaryEmailAddressInput", "primaryPhoneNoInput", "secondaryPhoneNoInput",
                   "cellularPhoneNoInput", "pagerNoInput", "faxNoInput", "primaryUrlInput",
                   "secondaryUrlInput"]
TAX = ["taxIdInput", "taxableInput", "contactTaxGroupNameInput"]
VENDOR_GROUPS = {
    "name": NAME, "contactDetails": [*CONTACT_DETAILS, "isoCountryCodeInput"], "taxInfo": TAX,
    "glAccounts": ["glGroupNameInput", "defaultExpenseGlAccountNoInput",
                   "offsetGlAccountNoInput"],
    "form1099": ["form1099NameInput", "form1099TypeInput", "form1099BoxInput"],
    "paymentSettings": ["doNotPayInput", "preferredPaymentMethodInput", "paymentTermInput",
                        "sendAutomaticPaymentNotificationInput", "mergePaymentRequestsInput",
                        "vendorBillingTypeInput", "paymentPriorityInput",
                        "termDiscountDisplayedOnCheckStubInput"],
    "vendorContactRoles": ["primaryContactNameInput", "payToContactNameInput",
                           "returnToContactNameInput"],
    "achDetails": ["achEnabledInput", "achBankRoutingNoInput", "achBankAccountNoInput",
                   "achBankAccountTypeInput", "achBankAccountClassInput"],
}
CUSTOMER_GROUPS = {
    "name": NAME, "contactDetails": [*CONTACT_DETAILS, "isoCountryCodeInput"], "taxInfo": TAX,
    "glAccounts": ["glGroupNameInput", "offsetArGlAccountNoInput",
                   "defaultRevenueGlAccountNoInput"],
    "billingPreferences": ["paymentTermInput", "deliveryMethodInput",
                           "defaultInvoiceMessageInput", "shippingMethodInput"],
    "printOptions": [f"printOption{kind}TemplateNameInput" for kind in (
        "ArInvoice", "OeQuote", "OeOrder", "OeList", "OeInvoice", "OeAdjustment", "OeOther")],
    "customerContactRoles": ["primaryContactNameInput", "billToContactNameInput",
                             "shipToContactNameInput"],
}
CONTACT_GROUPS = {"name": NAME, "contactDetails": CONTACT_DETAILS, "taxInfo": TAX}
GROUPS = {
    "createVendor": VENDOR_GROUPS, "updateVendor": VENDOR_GROUPS,
    "createCustomer": CUSTOMER_GROUPS, "updateCustomer": CUSTOMER_GROUPS,
    "createContact": CONTACT_GROUPS, "updateContact": CONTACT_GROUPS,
    "createInvoice": {"currencyAndExchangeRate": [
        "baseCurrencyInput", "currencyInput", "exchRateDateInput", "exchRateTypeInput"]},
    # the component's update group also has baseCurrencyInput (see DROPPED_INPUTS)
    "updateInvoice": {"currencyAndExchangeRate": [
        "currencyInput", "exchRateDateInput", "exchRateTypeInput", "exchRateInput"]},
}

# Static pick lists: (action, input) -> how many choices, and a few of them by label.
PICK_LISTS = {
    ("deleteObject", "object"): (101, {"Bill": "APBILL", "Vendor": "VENDOR",
                                       "Project Contract Line": "PROJECTCONTRACTLINE",
                                       "Vendor Compliance Record": "COMPLIANCERECORD"}),
    ("createARAdvance", "paymentMethod"): (4, {"Printed Check": "Printed Check",
                                               "Credit Card": "Credit Card"}),
    ("updateARAdvance", "paymentMethod"): (4, {"EFT": "EFT", "Cash": "Cash"}),
    ("createBill", "paymentPriority"): (4, {"urgent": "urgent", "low": "low"}),
}


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
    dropped = {title for key, title in DROPPED_INPUTS if key == entry["key"]}
    assert set(by_title) == (expected | extra) - dropped
    for reference_input in entry["inputs"]:
        if reference_input["label"] in {"Connection"} | dropped:
            continue
        prop = by_title[reference_input["label"]]
        # The reference's notes, sometimes followed by our own (how JSON line items look).
        assert prop.get("description", "").startswith(reference_input["notes"])
        if reference_input["example"] not in ("", None):
            assert str(prop["examples"][0]).lower() == reference_input["example"].lower()


def test_the_23_inline_data_sources_carry_the_key_their_input_takes():
    found = {(a["key"], name): ref for a in export_catalog(CONNECTOR)["actions"]
             for name, ref in a["datasources"].items()}
    expected = {**{k: {"datasource": s, "inputs": BY_ID[s]} for k, s in INLINE.items()},
                **{k: {"datasource": s, "inputs": {}} for k, s in BY_RECORDNO.items()}}
    assert len(expected) == 23
    assert found == expected


@pytest.mark.parametrize("key", sorted(GROUPS))
def test_grouped_inputs_are_declared_as_the_component_groups_them(key):
    schema = CONNECTOR.action(key).schema
    declared: dict[str, list[str]] = {}
    for prop in schema["properties"].values():
        if "x-group" in prop:
            declared.setdefault(prop["x-group"], []).append(prop["x-group-key"])
    assert {g: sorted(m) for g, m in declared.items()} == {
        g: sorted(m) for g, m in GROUPS[key].items()}
    assert set(schema["x-groups"]) == set(GROUPS[key])
    assert all(group["title"] for group in schema["x-groups"].values())


def test_no_other_action_is_grouped():
    assert {k for k, a in CONNECTOR.actions.items() if "x-groups" in a.schema} == set(GROUPS)


@pytest.mark.parametrize("where", sorted(PICK_LISTS), ids=lambda w: f"{w[0]}.{w[1]}")
def test_static_pick_lists_are_enums_with_labels(where):
    key, name = where
    prop = CONNECTOR.action(key).schema["properties"][name]
    count, some = PICK_LISTS[where]
    labels = dict(zip(prop["x-enum-labels"], prop["enum"], strict=True))
    assert len(prop["enum"]) == len(set(prop["enum"])) == count
    assert some.items() <= labels.items()


def test_every_action_and_data_source_declares_its_output():
    catalog = export_catalog(CONNECTOR)
    assert all(entry["output_schema"] for entry in catalog["actions"] + catalog["datasources"])
    assert all(a["example_output"] for a in catalog["actions"])
    reads = {a["key"] for a in catalog["actions"] if a["ui_callable"]}
    assert reads == {k for k in CONNECTOR.actions if k.startswith("get")} | {"queryAndList"}


def test_describe_shows_the_output_schema():
    from click.testing import CliRunner

    from connector.cli import main

    result = CliRunner().invoke(main, ["describe", "getVendor", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["output_schema"] == CONNECTOR.action("getVendor").output_schema
    assert "VENDORID" in document["output_schema"]["properties"]["_data"]["items"]["properties"]


def test_the_component_s_list_forms_are_declared():
    for key in [k for k in CONNECTOR.actions if k.startswith("get")] + ["queryAndList"]:
        field = CONNECTOR.action(key).schema["properties"]["field"]
        assert "array" in field["type"] and field["default"] == "*"
    for key in ("createVendor", "updateVendor", "createCustomer", "updateCustomer"):
        properties = CONNECTOR.action(key).schema["properties"]
        assert "array" in properties["restrictedLocations"]["type"]
        assert "array" in properties["restrictedDepartments"]["type"]
    assert CONNECTOR.action("rawRequest").schema["properties"]["header"]["x-key-value"]


def test_the_catalog_counts_the_reference_inputs():
    catalog = export_catalog(CONNECTOR)
    rows = sum(len(a["inputs"]) for a in catalog["actions"] + catalog["datasources"])
    reference = sum(len(e["inputs"]) for e in REFERENCE)
    assert reference == 477
    assert rows == reference + len(EXTRA_INPUTS) - len(DROPPED_INPUTS)
