"""Every action and data source run as a flow built on the component runs it, over HTTP against
the sandbox: every input filled in the form the component takes it (booleans as "true"/"false"
text, dates as MM/DD/YYYY, Field and the restricted lists as lists, custom fields as JSON text of
[name, value] pairs, lines and invoice custom fields as XML, the raw request's headers as a
key-value list, project fields by the SDK's names), the grouped actions also with their inputs
grouped as the component groups them (every member sent, "" where left blank). Each run is
checked on the record the sandbox stored and on the output: the declared output schema and the
reference example's shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from shape import assert_same_shape

from connector.testing import output_problems

ROOT = Path(__file__).resolve().parents[2]


def example(key: str) -> Any:
    return json.loads((ROOT / "examples" / "outputs" / f"{key}.json").read_text())


def run(connector, connection, key: str, inputs: dict) -> dict:
    """Invoke; the output conforms to the output schema and has the example's shape."""
    out = connector.invoke(key, inputs, connection)
    assert output_problems(connector.action(key), out["data"]) == []
    assert_same_shape(out, example(key))
    return out


def grouped(connector, key: str, flat: dict) -> dict:
    """The flat inputs in the component's grouped form: each grouped input inside its group
    under the component's name, every other member of the group sent blank."""
    schema = connector.action(key).schema
    inputs = {name: value for name, value in flat.items()
              if "x-group" not in schema["properties"][name]}
    for name, prop in schema["properties"].items():
        if "x-group" in prop:
            group = inputs.setdefault(prop["x-group"], {})
            group[prop["x-group-key"]] = flat.get(name, "")
    return inputs


def forms(connector, key: str, flat: dict, form: str) -> dict:
    return grouped(connector, key, flat) if form == "grouped" else flat


def at(record: dict, path: str) -> Any:
    node: Any = record
    for part in path.split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def assert_stored(record: dict, inputs: dict, fields: dict[str, str]) -> None:
    """Each input that has a field is stored there, as the gateway writes it."""
    for name, path in fields.items():
        if name not in inputs:
            continue
        value = inputs[name]
        want = ("active" if value == "true" else "inactive") if path == "STATUS" else (
            "#~#".join(value) if isinstance(value, list) else str(value))
        assert at(record, path) == want, f"{name} -> {path}"


# -- what the inputs are stored as --------------------------------------------------------------

PERSON = {
    "prefix": "PREFIX", "firstName": "FIRSTNAME", "middleName": "INITIAL",
    "lastName": "LASTNAME", "companyName": "COMPANYNAME", "printAs": "PRINTAS",
    "primaryPhoneNo": "PHONE1", "secondaryPhoneNo": "PHONE2", "cellularPhoneNo": "CELLPHONE",
    "pagerNo": "PAGER", "faxNo": "FAX", "primaryEmailAddress": "EMAIL1",
    "secondaryEmailAddress": "EMAIL2", "primaryUrl": "URL1", "secondaryUrl": "URL2",
    "taxable": "TAXABLE", "contactTaxGroupName": "TAXGROUP", "addressLine1": "MAILADDRESS/ADDRESS1",
    "addressLine2": "MAILADDRESS/ADDRESS2", "city": "MAILADDRESS/CITY",
    "stateProvince": "MAILADDRESS/STATE", "zipPostalCode": "MAILADDRESS/ZIP",
    "country": "MAILADDRESS/COUNTRY", "isoCountryCode": "MAILADDRESS/COUNTRYCODE",
}
DISPLAY = {name: f"DISPLAYCONTACT/{path}" for name, path in PERSON.items()}
PARTY = {
    **DISPLAY, "oneTime": "ONETIME", "active": "STATUS",
    "excludedFromContactList": "HIDEDISPLAYCONTACT", "glGroupName": "GLGROUP", "taxId": "TAXID",
    "attachmentsId": "SUPDOCID", "creditLimit": "CREDITLIMIT", "onHold": "ONHOLD",
    "comments": "COMMENTS", "defaultCurrency": "CURRENCY", "paymentTerm": "TERMNAME",
    "primaryContactName": "CONTACTINFO/CONTACTNAME", "restrictionType": "OBJECTRESTRICTION",
    "restrictedLocations": "RESTRICTEDLOCATIONS",
    "restrictedDepartments": "RESTRICTEDDEPARTMENTS",
}
VENDOR = {
    **PARTY, "vendorId": "VENDORID", "vendorName": "NAME", "vendorTypeId": "VENDTYPE",
    "parentVendorId": "PARENTID", "form1099Name": "NAME1099", "form1099Type": "FORM1099TYPE",
    "form1099Box": "FORM1099BOX", "defaultExpenseGlAccountNo": "APACCOUNT",
    "offsetGlAccountNo": "OFFSETGLACCOUNTNO", "doNotPay": "DONOTCUTCHECK",
    "payToContactName": "PAYTO/CONTACTNAME", "returnToContactName": "RETURNTO/CONTACTNAME",
    "preferredPaymentMethod": "PAYMETHODKEY", "mergePaymentRequests": "MERGEPAYMENTREQ",
    "sendAutomaticPaymentNotification": "PAYMENTNOTIFY", "vendorBillingType": "BILLINGTYPE",
    "paymentPriority": "PAYMENTPRIORITY", "termDiscountDisplayedOnCheckStub": "DISPLAYTERMDISCOUNT",
    "achEnabled": "ACHENABLED", "achBankRoutingNo": "ACHBANKROUTINGNUMBER",
    "achBankAccountNo": "ACHACCOUNTNUMBER", "achBankAccountType": "ACHACCOUNTTYPE",
    "achBankAccountClass": "ACHREMITTANCETYPE", "vendorAccountNo": "VENDORACCOUNTNO",
    "locationAssignedAccountNoDisplayedOnCheckStub": "DISPLAYACCTNOCHECK",
}
CUSTOMER = {
    **PARTY, "customerId": "CUSTOMERID", "customerName": "NAME", "customerTypeId": "CUSTTYPE",
    "salesRepEmployeeId": "CUSTREPID", "parentCustomerId": "PARENTID",
    "territoryId": "TERRITORYID", "offsetArGlAccountNo": "OFFSETGLACCOUNTNO",
    "defaultRevenueGlAccountNo": "ARACCOUNT", "shippingMethod": "SHIPPINGMETHOD",
    "resaleNumber": "RESALENO", "deliveryMethod": "DELIVERYOPTIONS",
    "defaultInvoiceMessage": "CUSTMESSAGEID",
    "printOptionArInvoiceTemplateName": "ARINVOICEPRINTTEMPLATEID",
    "printOptionOeQuoteTemplateName": "OEQUOTEPRINTTEMPLATEID",
    "printOptionOeOrderTemplateName": "OEORDERPRINTTEMPLATEID",
    "printOptionOeListTemplateName": "OELISTPRINTTEMPLATEID",
    "printOptionOeInvoiceTemplateName": "OEINVOICEPRINTTEMPLATEID",
    "printOptionOeAdjustmentTemplateName": "OEADJPRINTTEMPLATEID",
    "printOptionOeOtherTemplateName": "OEOTHERPRINTTEMPLATEID",
    "billToContactName": "BILLTO/CONTACTNAME", "shipToContactName": "SHIPTO/CONTACTNAME",
}
CONTACT = {**{k: v for k, v in PERSON.items() if k != "isoCountryCode"},
           "contactName": "CONTACTNAME", "taxId": "TAXID", "active": "STATUS"}


def person(tag: str) -> dict:
    return {
        "prefix": "Ms.", "firstName": f"Pat{tag}", "middleName": "Q.", "lastName": "Parity",
        "companyName": f"Parity {tag} Co", "printAs": f"Parity {tag}", "addressLine1": "1 Main St",
        "addressLine2": "Suite 2", "city": "Boston", "stateProvince": "MA",
        "zipPostalCode": "02101", "country": "United States",
        "primaryEmailAddress": "pat@parity.example", "secondaryEmailAddress": "ap@parity.example",
        "primaryPhoneNo": "555-0101", "secondaryPhoneNo": "555-0102",
        "cellularPhoneNo": "555-0103", "pagerNo": "555-0104", "faxNo": "555-0105",
        "primaryUrl": "https://parity.example", "secondaryUrl": "https://ap.parity.example",
        "taxId": "12-3456789", "taxable": "true", "contactTaxGroupName": "Standard",
        "active": "true"}


def party(tag: str, contacts: list[str]) -> dict:
    return {
        **person(tag), "isoCountryCode": "US", "oneTime": "false",
        "excludedFromContactList": "false", "glGroupName": "Default", "attachmentsId": "ATT-9",
        "creditLimit": "50000", "onHold": "false", "comments": f"Parity {tag}",
        "defaultCurrency": "USD", "paymentTerm": "Net 30", "primaryContactName": contacts[0],
        "restrictionType": "Restricted", "restrictedLocations": ["L1", "L2"],
        "restrictedDepartments": ["D1"]}


@pytest.fixture(scope="module")
def names(connector, sandbox) -> dict[str, list[str]]:
    """IDs and names the demo company has, as its picklists give them."""
    connection = sandbox.connection
    return {key: [i["key"] for i in connector.picklist(key, toggle, connection)]
            for key, toggle in (("selectContact", {"returnContactName": "true"}),
                                ("selectVendor", {"returnId": "true"}),
                                ("selectCustomer", {"returnId": "true"}),
                                ("selectProject", {"returnId": "true"}))}


# -- vendors ------------------------------------------------------------------------------------


def vendor(tag: str, names: dict) -> dict:
    contacts = names["selectContact"]
    return {
        **party(tag, contacts), "vendorId": f"V-PAR-{tag}", "vendorName": f"Parity {tag}",
        "vendorTypeId": "Supplier", "parentVendorId": names["selectVendor"][0],
        "defaultExpenseGlAccountNo": "6000", "offsetGlAccountNo": "2000",
        "form1099Name": "Pat Parity", "form1099Type": "MISC", "form1099Box": "7",
        "doNotPay": "false", "preferredPaymentMethod": "Check",
        "sendAutomaticPaymentNotification": "true", "mergePaymentRequests": "true",
        "vendorBillingType": "openitem", "paymentPriority": "High",
        "termDiscountDisplayedOnCheckStub": "true", "payToContactName": contacts[1],
        "returnToContactName": contacts[2], "achEnabled": "true",
        "achBankRoutingNo": "021000021", "achBankAccountNo": "1234567890",
        "achBankAccountType": "Checking", "achBankAccountClass": "CCD",
        "vendorAccountNo": "VA-1", "locationAssignedAccountNoDisplayedOnCheckStub": "false",
        "customFields": '[["VENDOR_REGION", "West"], ["VENDOR_SCORE", 7]]'}


@pytest.mark.parametrize("form", ["flat", "grouped"])
def test_create_and_update_vendor(connector, sandbox, connection, names, form):
    flat = vendor(form, names)
    out = run(connector, connection, "createVendor", forms(connector, "createVendor", flat, form))
    recordno = out["data"]["_data"][0]["RECORDNO"]
    stored = sandbox.store.get("VENDOR", recordno)
    assert_stored(stored, flat, VENDOR)
    assert (stored["VENDOR_REGION"], stored["VENDOR_SCORE"]) == ("West", "7")

    changed = {**vendor(f"{form}2", names), "vendorId": flat["vendorId"], "active": "false",
               "taxable": "false", "restrictedLocations": ["L3"],
               "customFields": '[["VENDOR_REGION", "East"]]'}
    run(connector, connection, "updateVendor", forms(connector, "updateVendor", changed, form))
    stored = sandbox.store.get("VENDOR", recordno)
    assert_stored(stored, changed, VENDOR)
    assert stored["VENDOR_REGION"] == "East"


def test_a_grouped_update_leaves_what_it_left_blank(connector, sandbox, connection, names):
    flat = vendor("blank", names)
    out = run(connector, connection, "createVendor", flat)
    recordno = out["data"]["_data"][0]["RECORDNO"]
    run(connector, connection, "updateVendor", grouped(connector, "updateVendor", {
        "vendorId": flat["vendorId"], "city": "Denver", "achBankAccountType": "Savings"}))
    stored = sandbox.store.get("VENDOR", recordno)
    assert stored["DISPLAYCONTACT"]["MAILADDRESS"]["CITY"] == "Denver"
    assert stored["ACHACCOUNTTYPE"] == "Savings"
    # every other member was sent blank, as the component sends it: nothing else changed
    assert stored["DISPLAYCONTACT"]["FIRSTNAME"] == flat["firstName"]
    assert stored["ACHBANKROUTINGNUMBER"] == flat["achBankRoutingNo"]
    assert stored["TAXID"] == flat["taxId"]


# -- customers ----------------------------------------------------------------------------------


def customer(tag: str, names: dict) -> dict:
    contacts = names["selectContact"]
    return {
        **party(tag, contacts), "customerId": f"C-PAR-{tag}", "customerName": f"Parity {tag}",
        "customerTypeId": "Retail", "salesRepEmployeeId": "E-1",
        "parentCustomerId": names["selectCustomer"][0], "territoryId": "T-1",
        "offsetArGlAccountNo": "1200", "defaultRevenueGlAccountNo": "4000",
        "shippingMethod": "FedEx Ground", "resaleNumber": "RSL-1",
        "deliveryMethod": "Print#~#E-Mail", "defaultInvoiceMessage": "Thanks",
        **{f"printOption{kind}TemplateName": f"{kind} template" for kind in (
            "ArInvoice", "OeQuote", "OeOrder", "OeList", "OeInvoice", "OeAdjustment",
            "OeOther")},
        "billToContactName": contacts[1], "shipToContactName": contacts[2],
        "customFields": '[["REGION", "EMEA"], ["SCORE", 3]]'}


@pytest.mark.parametrize("form", ["flat", "grouped"])
def test_create_and_update_customer(connector, sandbox, connection, names, form):
    flat = customer(form, names)
    out = run(connector, connection, "createCustomer",
              forms(connector, "createCustomer", flat, form))
    recordno = out["data"]["_data"][0]["RECORDNO"]
    stored = sandbox.store.get("CUSTOMER", recordno)
    assert_stored(stored, flat, CUSTOMER)
    assert (stored["REGION"], stored["SCORE"]) == ("EMEA", "3")

    changed = {**customer(f"{form}2", names), "customerId": flat["customerId"],
               "onHold": "true"}
    out = connector.invoke("updateCustomer", forms(connector, "updateCustomer", changed, form),
                           connection)
    assert output_problems(connector.action("updateCustomer"), out["data"]) == []
    assert_stored(sandbox.store.get("CUSTOMER", recordno), changed, CUSTOMER)


def test_update_customer_echoes_its_inputs_as_documented(connector, connection, names):
    given = {"customerId": names["selectCustomer"][0], "customerName": "Echoed",
             "excludedFromContactList": "false", "customFields": '[["REGION", "APAC"]]'}
    out = run(connector, connection, "updateCustomer", given)
    assert out["data"]["customFields"] == [["REGION", "APAC"]]
    assert out["data"]["excludedFromContactList"] is False


# -- contacts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["flat", "grouped"])
def test_create_and_update_contact(connector, sandbox, connection, form):
    flat = {**person(form), "contactName": f"Parity Person {form}"}
    out = run(connector, connection, "createContact",
              forms(connector, "createContact", flat, form))
    recordno = out["data"]["_data"][0]["RECORDNO"]
    assert_stored(sandbox.store.get("CONTACT", recordno), flat, CONTACT)

    changed = {**person(f"{form}2"), "contactName": flat["contactName"], "taxable": "false"}
    out = connector.invoke("updateContact", forms(connector, "updateContact", changed, form),
                           connection)
    assert output_problems(connector.action("updateContact"), out["data"]) == []
    assert_stored(sandbox.store.get("CONTACT", recordno), changed, CONTACT)


def test_update_contact_echoes_its_flat_inputs_as_documented(connector, connection, names):
    given = {"contactName": names["selectContact"][0], "addressLine1": "9 Elm St",
             "firstName": "Ana", "lastName": "Lopez", "pagerNo": "123", "taxable": "false"}
    out = run(connector, connection, "updateContact", given)
    assert out["data"]["taxable"] is False and out["data"]["addressLine1"] == "9 Elm St"


def test_update_contact_echoes_grouped_inputs_by_their_flat_names(connector, connection,
                                                                  names):
    given = {"contactName": names["selectContact"][1], "name": {"firstNameInput": "Jane"},
             "contactDetails": {"addressLine1Input": "9 Elm St"}}
    out = connector.invoke("updateContact", given, connection)
    assert out["data"]["firstName"] == "Jane" and out["data"]["addressLine1"] == "9 Elm St"


@pytest.mark.parametrize(("key", "source", "id_input", "id_field", "obj"), [
    ("updateContact", "selectContact", "contactName", "CONTACTNAME", "CONTACT"),
    ("updateCustomer", "selectCustomer", "customerId", "CUSTOMERID", "CUSTOMER"),
])
def test_the_runtime_output_shape_is_an_option_beside_the_documented_echo(
        connector, connection, sandbox, names, key, source, id_input, id_field, obj):
    """Flows built on the component's documented example read the echoed inputs; flows built
    on what it returns at run time read the update's RECORDNO: both keep working."""
    record_id = names[source][1]
    documented = connector.invoke(key, {id_input: record_id}, connection)["data"]
    assert documented[id_input] == record_id and documented["_controlId"]
    runtime = connector.invoke(key, {id_input: record_id, "outputShape": "runtime"},
                               connection)["data"]
    [record] = runtime["_data"]
    assert runtime["_status"] == "success" and record[id_field] == record_id
    assert sandbox.store.get(obj, record["RECORDNO"])[id_field] == record_id
    for output in (documented, runtime):
        jsonschema.validate(output, connector.action(key).output_schema)


# -- projects -----------------------------------------------------------------------------------

# The official SDK's names; transactionRules (PROJECT_RULES) is written too (see
# test_project_additional_fields_are_written_by_the_sdk_s_names) but the sandbox's PROJECT
# does not hold repeated blocks.
SDK_FIELDS = {
    "attachmentsId": ("SUPDOCID", "ATT-9"),
    "projectManagerEmployeeId": ("MANAGERID", "E-2"), "externalUserId": ("CUSTUSERID", "U-1"),
    "salesContactEmployeeId": ("SALESCONTACTID", "E-3"), "referenceNo": ("DOCNUMBER", "REF-1"),
    "userRestrictions": ("USERRESTRICTIONS", "None"), "paymentTerms": ("TERMNAME", "Net 30"),
    "billingType": ("BILLINGTYPE", "Time and Materials"),
    "beginDate": ("BEGINDATE", "2023-01-01T00:00:00.000Z"),
    "endDate": ("ENDDATE", "2023-12-31T23:59:59.999Z"), "departmentId": ("DEPARTMENTID", "D1"),
    "locationId": ("LOCATIONID", "L1"), "classId": ("CLASSID", "C1"),
    "billableEmployeeExpense": ("BILLABLEEXPDEFAULT", True),
    "billableApPurchasing": ("BILLABLEAPPODEFAULT", False), "currency": ("CURRENCY", "USD"),
    "salesOrderNo": ("SONUMBER", "SO-1"), "purchaseOrderNo": ("PONUMBER", "PO-1"),
    "purchaseOrderAmount": ("POAMOUNT", "50000"), "purchaseQuoteNo": ("PQNUMBER", "PQ-1"),
    "contractAmount": ("CONTRACTAMOUNT", "100000"),
    "laborPricingOption": ("BILLINGPRICING", "Standard"),
    "laborPricingDefaultRate": ("BILLINGRATE", "150"),
    "expensePricingOption": ("EXPENSEPRICING", "Standard"),
    "expensePricingDefaultRate": ("EXPENSERATE", "50"),
    "apPurchasingPricingOption": ("POAPPRICING", "Standard"),
    "apPurchasingPricingDefaultRate": ("POAPRATE", "30"),
    "budgetedBillingAmount": ("BUDGETAMOUNT", "120000"),
    "budgetedCost": ("BUDGETEDCOST", "90000"),
    "budgetedDuration": ("BUDGETQTY", "12"), "glBudgetId": ("BUDGETID", "GLB-1"),
    "invoiceMessage": ("INVOICEMESSAGE", "Thank you"),
    "invoiceCurrency": ("INVOICECURRENCY", "USD"),
}
STORED_AS = {"BEGINDATE": "01/01/2023", "ENDDATE": "12/31/2023", "BILLABLEEXPDEFAULT": "true",
             "BILLABLEAPPODEFAULT": "false"}


def test_create_and_update_project(connector, sandbox, connection, names):
    contacts = names["selectContact"]
    additional = {name: value for name, (_, value) in SDK_FIELDS.items()}
    additional.update(customerId=names["selectCustomer"][0], primaryContactName=contacts[0],
                      billToContactName=contacts[1], shipToContactName=contacts[2])
    out = run(connector, connection, "createProject", {
        "projectName": "Parity Project", "projectCategory": "Contract",
        "projectId": "P-PAR-1", "description": "Parity", "parentProjectId": "",
        "invoiceWithParent": "false", "projectType": "Type 1", "projectStatus": "In Progress",
        "active": "true", "additionalFields": json.dumps(additional)})
    stored = sandbox.store.get("PROJECT", out["data"]["RECORDNO"])
    assert stored["NAME"] == "Parity Project" and stored["PROJECTTYPE"] == "Type 1"
    assert stored["STATUS"] == "active" and stored["INVOICEWITHPARENT"] == "false"
    for name, (element, value) in SDK_FIELDS.items():
        assert stored[element] == STORED_AS.get(element, str(value)), name
    assert stored["CUSTOMERID"] == names["selectCustomer"][0]
    assert [stored[b]["CONTACTNAME"] for b in ("CONTACTINFO", "BILLTO", "SHIPTO")] == contacts[:3]

    out = run(connector, connection, "updateProject", {
        "projectId": "P-PAR-1", "projectName": "Parity Project 2", "invoiceWithParent": "true",
        "active": "", "additionalFields": '{"endDate": "2024-06-30", "MANAGERID": "E-9"}'})
    stored = sandbox.store.get("PROJECT", out["data"]["RECORDNO"])
    assert stored["NAME"] == "Parity Project 2" and stored["INVOICEWITHPARENT"] == "true"
    assert stored["STATUS"] == "active"  # blank: not given
    assert (stored["ENDDATE"], stored["MANAGERID"]) == ("06/30/2024", "E-9")


def test_project_additional_fields_are_written_by_the_sdk_s_names(connector):
    body = connector.prepare("createProject", {
        "projectName": "X", "projectCategory": "Contract", "additionalFields": {
            "attachmentsId": "ATT-1", "transactionRules": ["Rule1", "Rule2"],
            "customFields": [["PROJECT_SCORE", 4]], "RAWELEMENT": "kept"}}).bodies[0]
    project = body.find("PROJECT")
    assert project.findtext("SUPDOCID") == "ATT-1"
    assert [r.findtext("RULENAME") for r in project.findall("PROJECT_RULES")] == ["Rule1",
                                                                                   "Rule2"]
    assert project.findtext("PROJECT_SCORE") == "4" and project.findtext("RAWELEMENT") == "kept"


# -- AP bills and AR documents ------------------------------------------------------------------


def test_create_bill(connector, sandbox, connection, names):
    out = run(connector, connection, "createBill", {
        "transactionDate": "12/06/2023", "glPostingDate": "12/07/2023",
        "vendorId": names["selectVendor"][0], "billNumber": "BILL-PAR-1",
        "referenceNumber": "REF-PAR", "description": "Parity bill", "paymentTerm": "Net 30",
        "recommendedToPayOn": "12/20/2023", "attachmentsId": "ATT-1", "dueDate": "01/05/2024",
        "paymentPriority": "urgent", "onHold": "false", "transactionCurrency": "USD",
        "baseCurrency": "USD", "lines": (
            "<APBILLITEM><ACCOUNTNO>6000</ACCOUNTNO><TRX_AMOUNT>100.12</TRX_AMOUNT>"
            "<ENTRYDESCRIPTION>Line 1</ENTRYDESCRIPTION></APBILLITEM>")})
    recordno = out["data"]["response"]["operation"][0]["result"][0]["data"][0]["apbill"][0][
        "RECORDNO"][0]
    stored = sandbox.store.get("APBILL", recordno)
    assert (stored["RECORDID"], stored["WHENCREATED"], stored["WHENDUE"]) == (
        "BILL-PAR-1", "12/06/2023", "01/05/2024")
    assert (stored["PAYMENTPRIORITY"], stored["ONHOLD"], stored["BASECURR"]) == (
        "urgent", "false", "USD")


INVOICE_XML_LINES = ("<lineitem><glaccountno>4000</glaccountno><amount>345.43</amount>"
                     "<locationid>L1</locationid></lineitem>"
                     "<lineitem><glaccountno>4010</glaccountno><amount>100</amount></lineitem>")
CUSTOM_XML = ("<customfield><customfieldname>REGION</customfieldname>"
              "<customfieldvalue>North</customfieldvalue></customfield>")


@pytest.mark.parametrize("form", ["flat", "grouped"])
def test_create_and_update_invoice(connector, sandbox, connection, names, form):
    contacts = names["selectContact"]
    flat = {
        "lines": INVOICE_XML_LINES, "customerId": names["selectCustomer"][0],
        "transactionDate": "12/06/2023", "glPostingDate": "12/06/2023", "dueDate": "01/05/2024",
        "paymentTerm": "Net 30", "summaryRecordNo": "42", "invoiceNumber": f"INV-PAR-{form}",
        "referenceNumber": "PO-1", "description": "Some description", "externalId": "EXT-1",
        "billToContactName": contacts[0], "shipToContactName": contacts[1],
        "baseCurrency": "USD", "transactionCurrency": "USD", "exchangeRateDate": "12/06/2023",
        "exchangeRateType": "Intacct Daily Rate", "doNotPostToGL": "false",
        "attachmentsId": "ATT-1", "customFields": CUSTOM_XML}
    out = run(connector, connection, "createInvoice",
              forms(connector, "createInvoice", flat, form))
    recordno = out["data"]["response"]["operation"][0]["result"][0]["key"][0]
    stored = sandbox.store.get("ARINVOICE", recordno)
    assert (stored["RECORDID"], stored["PRBATCHKEY"], stored["EXTERNALID"]) == (
        flat["invoiceNumber"], "42", "EXT-1")
    assert (stored["CURRENCY"], stored["BASECURR"], stored["EXCH_RATE_TYPE_ID"],
            stored["EXCH_RATE_DATE"]) == ("USD", "USD", "Intacct Daily Rate", "12/06/2023")
    assert stored["REGION"] == "North" and stored["NOGL"] == "false"
    assert stored["TOTALENTERED"] == "445.43"

    changed = {
        "recordNo": recordno, "customerId": names["selectCustomer"][1],
        "transactionDate": "12/07/2023", "glPostingDate": "12/08/2023", "dueDate": "02/01/2024",
        "paymentTerm": "Net 15", "invoiceNumber": f"INV-PAR-{form}-2", "referenceNumber": "PO-2",
        "description": "Revised", "contactName": contacts[2], "transactionCurrency": "EUR",
        "exchangeRateValue": "1.1", "attachmentsId": "ATT-2",
        "customFields": CUSTOM_XML.replace("North", "South"),
        "lines": ('<updatelineitem line_num="1"><amount>300</amount></updatelineitem>'
                  "<lineitem><glaccountno>4020</glaccountno><amount>5</amount></lineitem>")}
    run(connector, connection, "updateInvoice", forms(connector, "updateInvoice", changed, form))
    stored = sandbox.store.get("ARINVOICE", recordno)
    assert (stored["CUSTOMERID"], stored["WHENPOSTED"], stored["RECORDID"]) == (
        names["selectCustomer"][1], "12/08/2023", changed["invoiceNumber"])
    assert stored["BILLTOPAYTOCONTACTNAME"] == stored["SHIPTORETURNTOCONTACTNAME"] == contacts[2]
    assert (stored["CURRENCY"], stored["EXCHANGE_RATE"], stored["REGION"]) == (
        "EUR", "1.1", "South")
    assert stored["TOTALENTERED"] == "405"


def test_ar_advance(connector, sandbox, connection, names):
    out = run(connector, connection, "createARAdvance", {
        "paymentDate": "09/12/2021", "receiptDate": "09/12/2021", "paymentMethod": "Cash",
        "arAdvanceItems": ("<ARADVANCEITEM><ACCOUNTNO>4055</ACCOUNTNO>"
                           "<TRX_AMOUNT>1000</TRX_AMOUNT><LOCATIONID>CA</LOCATIONID>"
                           "</ARADVANCEITEM>"),
        "customerId": names["selectCustomer"][0], "financialEntity": "1020",
        "undepositedAccountNo": "", "additionalXmlTags": "<DESCRIPTION>Advance</DESCRIPTION>"})
    result = out["data"]["response"]["operation"][0]["result"][0]
    # both: the key the reference example documents and the data the gateway answers
    recordno = result["key"][0]
    assert result["data"][0]["aradvance"][0]["RECORDNO"] == [recordno]
    stored = sandbox.store.get("ARADVANCE", recordno)
    assert (stored["PAYMENTMETHOD"], stored["DESCRIPTION"], stored["TOTALENTERED"]) == (
        "Cash", "Advance", "1000")

    run(connector, connection, "updateARAdvance", {
        "recordNo": recordno, "paymentMethod": "Credit Card", "paymentDate": "09/13/2021",
        "additionalXmlTags": "<DESCRIPTION>Revised</DESCRIPTION>"})
    stored = sandbox.store.get("ARADVANCE", recordno)
    assert (stored["PAYMENTMETHOD"], stored["PAYMENTDATE"], stored["DESCRIPTION"]) == (
        "Credit Card", "09/13/2021", "Revised")


def test_ar_adjustment(connector, sandbox, connection, names):
    invoice = sandbox.store.all("ARINVOICE")[0]
    created = connector.invoke("rawRequest", {
        "data": ("<create_aradjustment><customerid>C-00201</customerid><datecreated>"
                 "<year>2024</year><month>02</month><day>01</day></datecreated>"
                 "<aradjustmentitems><lineitem><glaccountno>4000</glaccountno>"
                 "<amount>-20</amount></lineitem></aradjustmentitems></create_aradjustment>"),
        "responseType": "json"}, connection)
    recordno = created["data"]["response"]["operation"][0]["result"][0]["key"][0]
    run(connector, connection, "updateARAdjustment", {
        "recordNo": recordno, "customerId": names["selectCustomer"][1],
        "transactionDate": "02/02/2024", "glPostingDate": "02/03/2024",
        "description": "Revised", "transactionCurrency": "USD",
        "exchangeRateType": "Intacct Daily Rate", "adjustmentNumber": "ADJ-PAR",
        "invoiceNumber": invoice["RECORDID"], "action": "Draft", "additionalXmlTags": "",
        "lines": ('<updatelineitem line_num="1"><amount>-25</amount></updatelineitem>'
                  "<lineitem><glaccountno>4000</glaccountno><amount>-5</amount></lineitem>")})
    stored = sandbox.store.get("ARADJUSTMENT", recordno)
    assert (stored["CUSTOMERID"], stored["ADJUSTMENTNO"], stored["INVOICENO"]) == (
        names["selectCustomer"][1], "ADJ-PAR", invoice["RECORDID"])
    assert (stored["ACTION"], stored["TOTALENTERED"]) == ("Draft", "-30")


# -- reads, lists, deletes and raw requests -----------------------------------------------------

READS = {"getVendor": "VENDOR", "getCustomer": "CUSTOMER", "getContact": "CONTACT",
         "getProject": "PROJECT", "getBill": "APBILL", "getInvoice": "ARINVOICE",
         "getApPayment": "APPYMT", "getArPayment": "ARPYMT", "getARAdvance": "ARADVANCE",
         "getARAdjustment": "ARADJUSTMENT", "getARAdjustmentLine": "ARADJUSTMENTITEM"}


@pytest.mark.parametrize("key", sorted(READS))
def test_reads_take_the_field_list(connector, sandbox, connection, key):
    record = sandbox.store.all(READS[key])[0]
    out = run(connector, connection, key, {"recordNo": record["RECORDNO"],
                                           "field": ["RECORDNO", "WHENMODIFIED"]})
    data = out["data"] if key == "getProject" else out["data"]["_data"][0]
    assert data == {"RECORDNO": record["RECORDNO"], "WHENMODIFIED": record["WHENMODIFIED"]}


def test_query_and_list_takes_the_field_list(connector, sandbox, connection):
    out = run(connector, connection, "queryAndList", {
        "objectName": "VENDOR", "field": ["VENDORID", "NAME"], "query": "STATUS = 'active'"})
    stored = {(v["VENDORID"], v["NAME"]) for v in sandbox.store.all("VENDOR")
              if v.get("STATUS") == "active"}
    assert {(r["VENDORID"], r["NAME"]) for r in out["data"]} == stored
    assert all(set(r) == {"VENDORID", "NAME"} for r in out["data"])


def test_delete_object_by_its_pick_list_value(connector, sandbox, connection):
    keys = [run(connector, connection, "createContact", {"contactName": f"Doomed {i}"})[
        "data"]["_data"][0]["RECORDNO"] for i in range(2)]
    run(connector, connection, "deleteObject", {"object": "CONTACT", "keys": ",".join(keys)})
    assert [sandbox.store.get("CONTACT", key) for key in keys] == [None, None]


def test_raw_request_in_the_component_s_form(connector, connection):
    out = run(connector, connection, "rawRequest", {
        "data": ("<query><object>CONTACT</object><select><field>RECORDNO</field>"
                 "<field>CONTACTNAME</field></select></query>"),
        "header": [{"key": "X-Flow", "value": "parity"}], "maxRetryCount": "2",
        "retryDelayMs": "10", "retryOnAllErrors": "false", "useExponentialBackoff": "true",
        "timeout": "20000", "responseType": "json", "arrayJsonNodes": "true"})
    assert out["data"]["response"]["operation"][0]["result"][0]["status"] == ["success"]
    call = connector.prepare("rawRequest", {"data": "<query/>", "header": [
        {"key": "X-Flow", "value": "parity"}]})
    assert call.options.headers == {"X-Flow": "parity"}
    xml = connector.invoke("rawRequest", {
        "data": "<query><object>CONTACT</object><select><field>RECORDNO</field></select></query>",
        "responseType": "xml"}, connection)
    assert output_problems(connector.action("rawRequest"), xml["data"]) == []
    assert xml["data"].startswith("<?xml")


# -- data sources -------------------------------------------------------------------------------

TOGGLES = {"selectVendor": ("returnId", "VENDOR", "VENDORID"),
           "selectCustomer": ("returnId", "CUSTOMER", "CUSTOMERID"),
           "selectProject": ("returnId", "PROJECT", "PROJECTID"),
           "selectContact": ("returnContactName", "CONTACT", "CONTACTNAME"),
           "selectInvoice": ("returnInvoiceNumber", "ARINVOICE", "RECORDID")}


@pytest.mark.parametrize("key", sorted(TOGGLES))
def test_data_sources_with_their_toggle_as_the_component_sends_it(connector, sandbox,
                                                                  connection, key):
    toggle, obj, id_field = TOGGLES[key]
    records = sandbox.store.all(obj)
    for value, field in (("false", "RECORDNO"), ("true", id_field)):
        items = connector.picklist(key, {toggle: value}, connection)
        assert output_problems(connector.datasource(key), items) == []
        assert sorted(i["key"] for i in items) == sorted(r.get(field, "") for r in records)


# -- what is refused before anything is sent ----------------------------------------------------


def test_refusals_name_the_input_and_send_nothing(connector, sandbox, connection):
    from connector.errors import InputError

    before = sandbox.stats.snapshot()["requests"]
    cases = [
        ("createVendor", {"vendorName": "Bell\x07", "contactDetails": {"cityInput": "A\x00"}},
         {"vendorName", "contactDetails.cityInput"}),
        ("createVendor", {"vendorName": "Both", "city": "Rome",
                          "contactDetails": {"cityInput": "Paris"}},
         {"contactDetails.cityInput"}),
        ("createCustomer", {"customerName": "X", "customFields": [["1st", "x"], ["ONLY"]]},
         {"customFields[0]", "customFields[1]"}),
        ("createProject", {"projectName": "X", "projectCategory": "C",
                           "additionalFields": {"bad name": 1}}, {"additionalFields"}),
        ("deleteObject", {"object": "NOT_AN_OBJECT", "keys": "1"}, {"object"}),
    ]
    for key, inputs, paths in cases:
        with pytest.raises(InputError) as caught:
            connector.invoke(key, inputs, connection)
        assert {p.path for p in caught.value.problems} == paths, key
    assert sandbox.stats.snapshot()["requests"] == before
