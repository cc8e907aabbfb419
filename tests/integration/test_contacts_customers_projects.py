"""Contacts, customers and projects end to end over HTTP against the sandbox.

Each family is created, read back through its get action, updated, read back and deleted
through deleteObject, with assertions on the records the sandbox stored, not only on the
responses. The picklists are checked against the store, and bad inputs fail before any request.
"""

import json
from pathlib import Path

import pytest
from shape import assert_same_shape

from connector.errors import FunctionError, InputError

ROOT = Path(__file__).resolve().parents[2]


def example(key: str):
    return json.loads((ROOT / "examples" / "outputs" / f"{key}.json").read_text())


def requests_made(sandbox) -> int:
    return sandbox.stats.snapshot()["requests"]


def rendered(connector, key: str, inputs: dict) -> str:
    from lxml import etree

    return etree.tostring(connector.prepare(key, inputs).bodies[0], encoding="unicode")


# -- contacts ----------------------------------------------------------------------------------


def create_contact(connector, connection, name: str, **inputs):
    out = connector.invoke("createContact", {"contactName": name, **inputs}, connection)
    return out, out["data"]["_data"][0]["RECORDNO"]


def test_contact_create_read_update_read_delete(connector, sandbox, connection):
    out, recordno = create_contact(
        connector, connection, "Ada Lovelace", firstName="Ada", lastName="Lovelace",
        middleName="K.", prefix="Ms.", companyName="Analytical Engines",
        primaryEmailAddress="ada@example.com", primaryPhoneNo="555-0101", pagerNo="P-1",
        addressLine1="12 St James's Sq", city="London", country="United Kingdom",
        taxable="true", taxId="GB-123", active=False)
    assert_same_shape(out, example("createContact"))
    assert out["data"]["_functionName"] == "create"
    assert out["data"]["_data"][0]["CONTACTNAME"] == "Ada Lovelace"

    stored = sandbox.store.get("CONTACT", recordno)
    assert stored["CONTACTNAME"] == "Ada Lovelace"
    assert stored["PRINTAS"] == "Ada Lovelace"  # Intacct requires it; defaults to the name
    assert stored["FIRSTNAME"] == "Ada" and stored["LASTNAME"] == "Lovelace"
    assert stored["INITIAL"] == "K." and stored["PREFIX"] == "Ms."
    assert stored["EMAIL1"] == "ada@example.com" and stored["PAGER"] == "P-1"
    assert stored["TAXABLE"] == "true" and stored["TAXID"] == "GB-123"
    assert stored["STATUS"] == "inactive"
    assert stored["MAILADDRESS"] == {"ADDRESS1": "12 St James's Sq", "CITY": "London",
                                     "COUNTRY": "United Kingdom"}

    read = connector.invoke("getContact", {"recordNo": recordno}, connection)
    assert_same_shape(read, example("getContact"))
    assert read["data"]["_listType"] == "CONTACT" and read["data"]["_count"] == 1
    record = read["data"]["_data"][0]
    assert record["RECORDNO"] == recordno and record["MAILADDRESS"]["CITY"] == "London"

    given = {"contactName": "Ada Lovelace", "addressLine1": "1 Main St", "firstName": "Augusta",
             "lastName": "King", "pagerNo": "123", "taxable": False}
    updated = connector.invoke("updateContact", given, connection)
    assert_same_shape(updated, example("updateContact"))
    assert updated["data"].pop("_controlId")
    assert updated["data"] == given

    stored = sandbox.store.get("CONTACT", recordno)
    assert stored["FIRSTNAME"] == "Augusta" and stored["LASTNAME"] == "King"
    assert stored["PAGER"] == "123" and stored["TAXABLE"] == "false"
    assert stored["MAILADDRESS"]["ADDRESS1"] == "1 Main St"
    # What was not given is left as it was.
    assert stored["MAILADDRESS"]["CITY"] == "London" and stored["EMAIL1"] == "ada@example.com"
    assert stored["STATUS"] == "inactive" and stored["PRINTAS"] == "Ada Lovelace"

    reread = connector.invoke("getContact", {"recordNo": recordno, "field": "FIRSTNAME,PAGER"},
                              connection)
    assert reread["data"]["_data"] == [{"FIRSTNAME": "Augusta", "PAGER": "123"}]

    deleted = connector.invoke("deleteObject", {"object": "CONTACT", "keys": recordno},
                               connection)
    assert deleted["data"]["response"]["operation"][0]["result"][0]["status"] == ["success"]
    assert sandbox.store.get("CONTACT", recordno) is None
    gone = connector.invoke("getContact", {"recordNo": recordno}, connection)
    assert gone["data"]["_count"] == 0 and gone["data"]["_data"] == []


def test_contact_print_as_is_kept_when_given_and_text_is_literal(connector, sandbox,
                                                                 connection):
    hostile = "</CONTACTNAME><x>&amp; & <y>"
    _, recordno = create_contact(connector, connection, f"Hostile {hostile}",
                                 printAs="Printed <As>", companyName=hostile)
    stored = sandbox.store.get("CONTACT", recordno)
    assert stored["CONTACTNAME"] == f"Hostile {hostile}" and stored["COMPANYNAME"] == hostile
    assert stored["PRINTAS"] == "Printed <As>"


def test_update_contact_sends_only_the_given_inputs(connector):
    xml = rendered(connector, "updateContact", {"contactName": "Someone", "city": "Rome"})
    assert xml == ("<update><CONTACT><CONTACTNAME>Someone</CONTACTNAME>"
                   "<MAILADDRESS><CITY>Rome</CITY></MAILADDRESS></CONTACT></update>")


def test_update_of_an_unknown_contact_is_a_function_error(connector, connection):
    with pytest.raises(FunctionError) as caught:
        connector.invoke("updateContact", {"contactName": "Nobody At All", "firstName": "X"},
                         connection)
    assert caught.value.function == "update" and caught.value.errors


def test_duplicate_contact_name_is_refused(connector, sandbox, connection):
    create_contact(connector, connection, "Only Once")
    with pytest.raises(FunctionError):
        create_contact(connector, connection, "Only Once")
    assert len(sandbox.store.find("CONTACT", CONTACTNAME="Only Once")) == 1


# -- customers ---------------------------------------------------------------------------------


def create_customer(connector, connection, **inputs):
    out = connector.invoke("createCustomer", {"customerName": "Family Customer", **inputs},
                           connection)
    return out, out["data"]["_data"][0]["RECORDNO"]


def test_customer_create_read_update_read_delete(connector, sandbox, connection):
    create_contact(connector, connection, "Billing Person")
    out, recordno = create_customer(
        connector, connection, customerId="C-FAM-1", customerName="Family Foods",
        firstName="Fay", lastName="Family", primaryEmailAddress="fay@family.example",
        city="Lisbon", country="Portugal", isoCountryCode="PT", creditLimit="2500.50",
        onHold="false", oneTime=True, active=False, excludedFromContactList=True,
        customerTypeId="Retail", paymentTerm="Net 30", taxId="PT-999",
        deliveryMethod="Print#~#E-Mail", defaultInvoiceMessage="Thanks",
        printOptionArInvoiceTemplateName="AR Std", billToContactName="Billing Person",
        customFields={"REGION": "EMEA", "SCORE": 7})
    assert_same_shape(out, example("createCustomer"))
    assert out["data"]["_data"][0]["CUSTOMERID"] == "C-FAM-1"

    stored = sandbox.store.get("CUSTOMER", recordno)
    assert stored["CUSTOMERID"] == "C-FAM-1" and stored["NAME"] == "Family Foods"
    contact = stored["DISPLAYCONTACT"]
    assert contact["PRINTAS"] == "Family Foods"  # defaults to the customer name
    assert contact["FIRSTNAME"] == "Fay" and contact["EMAIL1"] == "fay@family.example"
    # the country code is the mailing address's COUNTRYCODE, as the SDKs write and reads return
    assert contact["MAILADDRESS"] == {"CITY": "Lisbon", "COUNTRY": "Portugal",
                                      "COUNTRYCODE": "PT"}
    assert stored["CREDITLIMIT"] == "2500.5" and stored["ONHOLD"] == "false"
    assert stored["ONETIME"] == "true" and stored["STATUS"] == "inactive"
    assert stored["HIDEDISPLAYCONTACT"] == "true" and stored["CUSTTYPE"] == "Retail"
    assert stored["TERMNAME"] == "Net 30" and stored["TAXID"] == "PT-999"
    assert stored["DELIVERYOPTIONS"] == "Print#~#E-Mail"
    assert stored["CUSTMESSAGEID"] == "Thanks"
    assert stored["ARINVOICEPRINTTEMPLATEID"] == "AR Std"
    assert stored["BILLTO"] == {"CONTACTNAME": "Billing Person"}
    assert "SHIPTO" not in stored and "CONTACTINFO" not in stored
    assert stored["REGION"] == "EMEA" and stored["SCORE"] == "7"

    read = connector.invoke("getCustomer", {"recordNo": recordno}, connection)
    assert_same_shape(read, example("getCustomer"))
    record = read["data"]["_data"][0]
    assert record["CUSTOMERID"] == "C-FAM-1"
    assert record["DISPLAYCONTACT"]["MAILADDRESS"]["CITY"] == "Lisbon"

    given = {"customerId": "C-FAM-1", "customerName": "Family Foods Ltd",
             "customFields": [["REGION", "APAC"], ["SCORE", 123]],
             "excludedFromContactList": False}
    updated = connector.invoke("updateCustomer", given, connection)
    assert_same_shape(updated, example("updateCustomer"))
    assert updated["data"].pop("_controlId")
    assert updated["data"] == given

    stored = sandbox.store.get("CUSTOMER", recordno)
    assert stored["NAME"] == "Family Foods Ltd" and stored["HIDEDISPLAYCONTACT"] == "false"
    assert stored["REGION"] == "APAC" and stored["SCORE"] == "123"
    # Untouched: the display contact, the bill-to contact, the limits.
    assert stored["DISPLAYCONTACT"]["MAILADDRESS"]["CITY"] == "Lisbon"
    assert stored["DISPLAYCONTACT"]["PRINTAS"] == "Family Foods"
    assert stored["BILLTO"] == {"CONTACTNAME": "Billing Person"}
    assert stored["CREDITLIMIT"] == "2500.5" and stored["STATUS"] == "inactive"

    connector.invoke("updateCustomer", {"customerId": "C-FAM-1", "city": "Porto",
                                        "active": True, "shipToContactName": "Billing Person"},
                     connection)
    reread = connector.invoke("getCustomer", {"recordNo": recordno}, connection)
    record = reread["data"]["_data"][0]
    address = record["DISPLAYCONTACT"]["MAILADDRESS"]
    assert address["CITY"] == "Porto" and address["COUNTRY"] == "Portugal"
    assert record["DISPLAYCONTACT"]["FIRSTNAME"] == "Fay"
    assert record["STATUS"] == "active" and record["SHIPTO"] == {"CONTACTNAME": "Billing Person"}

    connector.invoke("deleteObject", {"object": "CUSTOMER", "keys": recordno}, connection)
    assert sandbox.store.get("CUSTOMER", recordno) is None


def test_customer_id_comes_from_document_sequencing_when_omitted(connector, sandbox,
                                                                 connection):
    out, recordno = create_customer(connector, connection, customerName="Numbered Customer")
    customer_id = out["data"]["_data"][0]["CUSTOMERID"]
    assert customer_id.startswith("C-")
    assert sandbox.store.get("CUSTOMER", recordno)["CUSTOMERID"] == customer_id


def test_update_customer_sends_no_empty_containers(connector):
    xml = rendered(connector, "updateCustomer", {"customerId": "C-1", "creditLimit": 10})
    assert xml == ("<update><CUSTOMER><CUSTOMERID>C-1</CUSTOMERID>"
                   "<CREDITLIMIT>10</CREDITLIMIT></CUSTOMER></update>")


def test_update_of_an_unknown_customer_is_a_function_error(connector, connection):
    with pytest.raises(FunctionError):
        connector.invoke("updateCustomer", {"customerId": "C-NOPE", "customerName": "X"},
                         connection)


# -- projects ----------------------------------------------------------------------------------


def create_project(connector, connection, project_id: str, **inputs):
    out = connector.invoke("createProject", {"projectId": project_id, "projectName": "Family",
                                             "projectCategory": "Contract", **inputs},
                           connection)
    return out, out["data"]["RECORDNO"]


def test_project_create_read_update_read_delete(connector, sandbox, connection):
    _, parent = create_project(connector, connection, "PRJ-PARENT", projectName="Programme")
    out, recordno = create_project(
        connector, connection, "PRJ-1", projectName="Sample Project",
        description="This is a sample project", parentProjectId="PRJ-PARENT",
        invoiceWithParent="true", projectType="Type 1", projectStatus="In Progress",
        additionalFields=[{"name": "CUSTOMERID", "value": "C-00201"},
                          {"name": "BEGINDATE", "value": "01/01/2025"}])
    assert_same_shape(out, example("createProject"))
    assert out["data"] == {"RECORDNO": recordno, "PROJECTID": "PRJ-1"}

    stored = sandbox.store.get("PROJECT", recordno)
    assert stored["PROJECTID"] == "PRJ-1" and stored["NAME"] == "Sample Project"
    assert stored["PROJECTCATEGORY"] == "Contract"
    assert stored["DESCRIPTION"] == "This is a sample project"
    assert stored["PARENTID"] == "PRJ-PARENT" and stored["INVOICEWITHPARENT"] == "true"
    assert stored["PROJECTTYPE"] == "Type 1" and stored["PROJECTSTATUS"] == "In Progress"
    assert stored["STATUS"] == "active"
    assert stored["CUSTOMERID"] == "C-00201" and stored["BEGINDATE"] == "01/01/2025"
    assert sandbox.store.get("PROJECT", parent)["INVOICEWITHPARENT"] == "false"

    read = connector.invoke("getProject", {"recordNo": recordno}, connection)
    assert_same_shape(read, example("getProject"))
    assert read["data"]["RECORDNO"] == recordno and read["data"]["PROJECTID"] == "PRJ-1"

    updated = connector.invoke("updateProject", {
        "projectId": "PRJ-1", "projectName": "Renamed Project", "active": False,
        "invoiceWithParent": False, "additionalFields": {"CUSTOMERID": "C-00202"}}, connection)
    assert_same_shape(updated, example("updateProject"))
    assert updated["data"] == {"RECORDNO": recordno, "PROJECTID": "PRJ-1"}

    stored = sandbox.store.get("PROJECT", recordno)
    assert stored["NAME"] == "Renamed Project" and stored["STATUS"] == "inactive"
    assert stored["INVOICEWITHPARENT"] == "false" and stored["CUSTOMERID"] == "C-00202"
    assert stored["DESCRIPTION"] == "This is a sample project"
    assert stored["PARENTID"] == "PRJ-PARENT" and stored["PROJECTTYPE"] == "Type 1"

    reread = connector.invoke("getProject", {"recordNo": recordno, "field": "NAME,STATUS"},
                              connection)
    assert reread["data"] == {"NAME": "Renamed Project", "STATUS": "inactive"}

    connector.invoke("deleteObject", {"object": "PROJECT", "keys": f"{recordno},{parent}"},
                     connection)
    assert sandbox.store.get("PROJECT", recordno) is None
    assert sandbox.store.get("PROJECT", parent) is None
    assert connector.invoke("getProject", {"recordNo": recordno}, connection)["data"] is None


def test_update_project_sends_only_the_given_inputs(connector):
    xml = rendered(connector, "updateProject", {"projectId": "P-1", "projectStatus": "Done"})
    assert xml == ("<update><PROJECT><PROJECTID>P-1</PROJECTID>"
                   "<PROJECTSTATUS>Done</PROJECTSTATUS></PROJECT></update>")


def test_project_without_an_id_is_refused_where_projects_are_not_numbered(connector, sandbox,
                                                                         connection):
    before = sandbox.store.count("PROJECT")
    with pytest.raises(FunctionError) as caught:
        connector.invoke("createProject", {"projectName": "No ID",
                                           "projectCategory": "Contract"}, connection)
    assert "PROJECTID" in str(caught.value)
    assert sandbox.store.count("PROJECT") == before


# -- data sources ------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "obj", "toggle", "id_field", "label_field"), [
    ("selectContact", "CONTACT", "returnContactName", "CONTACTNAME", "CONTACTNAME"),
    ("selectCustomer", "CUSTOMER", "returnId", "CUSTOMERID", "NAME"),
    ("selectProject", "PROJECT", "returnId", "PROJECTID", "NAME"),
])
def test_picklists_list_every_record_sorted_with_the_toggle(connector, sandbox, connection, key,
                                                            obj, toggle, id_field, label_field):
    records = sandbox.store.all(obj)
    assert records, f"the demo company has {obj} records"
    items = connector.picklist(key, {}, connection)
    assert len(items) == len(records)
    assert [i["label"] for i in items] == sorted((i["label"] for i in items), key=str.casefold)
    assert {(i["key"], i["label"]) for i in items} == {
        (r["RECORDNO"], r[label_field]) for r in records}
    by_id = connector.picklist(key, {toggle: "true"}, connection)
    assert {(i["key"], i["label"]) for i in by_id} == {
        (r[id_field], r[label_field]) for r in records}


def test_inline_data_sources_feed_their_actions(connector, sandbox, connection):
    """The dropdown keys of each inline data source are accepted by the input they fill."""
    for action, prop in (("getContact", "recordNo"), ("updateContact", "contactName"),
                         ("getCustomer", "recordNo"), ("updateCustomer", "customerId"),
                         ("getProject", "recordNo"), ("updateProject", "projectId")):
        schema = connector.action(action).schema["properties"][prop]
        items = connector.picklist(schema["x-datasource"], schema.get("x-datasource-inputs", {}),
                                   connection)
        assert items, action
        chosen = items[0]["key"]
        if action.startswith("get"):
            out = connector.invoke(action, {prop: chosen, "field": "RECORDNO"}, connection)
            data = out["data"]["_data"][0] if "_data" in out["data"] else out["data"]
            assert data == {"RECORDNO": chosen}
        else:
            out = connector.invoke(action, {prop: chosen}, connection)
            assert out["data"]  # the record was found by the key the picklist carried


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "inputs", "missing"), [
    ("createContact", {"firstName": "No Name"}, {"contactName"}),
    ("getContact", {}, {"recordNo"}),
    ("updateContact", {"firstName": "X"}, {"contactName"}),
    ("createCustomer", {"customerId": "C-X"}, {"customerName"}),
    ("getCustomer", {"field": "NAME"}, {"recordNo"}),
    ("updateCustomer", {"customerName": "X"}, {"customerId"}),
    ("createProject", {"projectId": "P-X"}, {"projectName", "projectCategory"}),
    ("getProject", {}, {"recordNo"}),
    ("updateProject", {"projectName": "X"}, {"projectId"}),
])
def test_missing_required_input_fails_before_any_request(connector, sandbox, connection, action,
                                                         inputs, missing):
    before = requests_made(sandbox)
    with pytest.raises(InputError) as caught:
        connector.invoke(action, inputs, connection)
    problems = {p.path: p for p in caught.value.problems}
    assert set(problems) == missing
    assert all(p.title and p.problem == "is required" for p in problems.values())
    assert requests_made(sandbox) == before


def test_wrongly_typed_inputs_are_reported_together(connector, sandbox, connection):
    before = requests_made(sandbox)
    with pytest.raises(InputError) as caught:
        connector.invoke("createCustomer", {"customerName": "X", "creditLimit": "lots",
                                            "onHold": "maybe", "customFields": "REGION"},
                         connection)
    assert {p.path for p in caught.value.problems} == {"creditLimit", "onHold", "customFields"}
    with pytest.raises(InputError) as caught:
        connector.invoke("updateProject", {"projectId": "P-1", "active": "sometimes",
                                           "bogus": 1}, connection)
    assert {p.path for p in caught.value.problems} == {"active", "bogus"}
    assert requests_made(sandbox) == before


def test_custom_field_names_must_be_xml_names(connector, sandbox, connection):
    before = requests_made(sandbox)
    with pytest.raises(InputError) as caught:
        connector.invoke("updateCustomer", {"customerId": "C-00201",
                                            "customFields": {"bad name<": "x"}}, connection)
    assert [(p.path, p.title) for p in caught.value.problems] == [
        ("customFields", "Custom Fields")]
    assert "bad name<" in caught.value.problems[0].problem
    with pytest.raises(InputError) as caught:
        connector.invoke("createProject", {"projectId": "P-BAD", "projectName": "X",
                                           "projectCategory": "Contract",
                                           "additionalFields": [["1abc", "x"]]}, connection)
    assert [p.path for p in caught.value.problems] == ["additionalFields[0]"]
    assert "'1abc'" in caught.value.problems[0].problem
    with pytest.raises(InputError) as caught:
        connector.invoke("createVendor", {"vendorName": "X", "customFields": [
            {"name": "REGION"}, ["SCORE"], {"REGION": "W"}]}, connection)
    assert [p.path for p in caught.value.problems] == ["customFields[1]", "customFields[2]"]
    assert requests_made(sandbox) == before
