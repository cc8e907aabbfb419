"""Each object's field definition: lookup and inspect answer from it, and create and update are
held against it (a field the object lacks and a value of the wrong type are refused, a
read-only field is ignored), as are the legacy functions against the DTD 3.0 schema."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sandbox_gw import Client

from connector.core import load_connector
from connector.intacct.sandbox.objects import OBJECTS, lookup

CONNECTOR = load_connector()


def fields_of(reply) -> dict[str, dict[str, Any]]:
    """lookup's Fields as {ID: {element: text, VALIDVALUES: [...]}}."""
    out = {}
    for field in reply.result().findall("data/Type/Fields/Field"):
        entry = {c.tag: c.text or "" for c in field if c.tag != "VALIDVALUES"}
        entry["VALIDVALUES"] = [v.text for v in field.findall("VALIDVALUES/VALIDVALUE")]
        out[entry["ID"]] = entry
    return out


# -- lookup and inspect ---------------------------------------------------------------------


def test_lookup_answers_from_the_definition(client: Client) -> None:
    reply = client.call("<lookup><object>VENDOR</object></lookup>")
    data = reply.result().find("data")
    assert data.attrib == {"listtype": "All", "count": "1"}
    assert data.find("Type").attrib == {"Name": "VENDOR", "DocumentType": ""}
    fields = fields_of(reply)
    assert list(fields) == [f.name for f in OBJECTS["VENDOR"].fields]
    assert fields["VENDORID"] == {"ID": "VENDORID", "LABEL": "Vendor ID",
                                  "DESCRIPTION": "Vendor ID", "REQUIRED": "true",
                                  "READONLY": "false", "DATATYPE": "TEXT", "ISCUSTOM": "false",
                                  "VALIDVALUES": []}
    assert fields["STATUS"]["DATATYPE"] == "ENUM"
    assert fields["STATUS"]["VALIDVALUES"] == ["active", "inactive"]
    assert fields["WHENMODIFIED"]["DATATYPE"] == "TIMESTAMP"
    assert fields["WHENMODIFIED"]["READONLY"] == "true"
    assert fields["DISPLAYCONTACT.MAILADDRESS.CITY"]["DATATYPE"] == "TEXT"
    assert fields["CONTACTINFO.EMAIL1"]["READONLY"] == "true"  # a reference: only its name
    assert fields["CREDITLIMIT"]["DATATYPE"] == "CURRENCY"
    assert fields["REGION"]["ISCUSTOM"] == "true"
    assert [c.tag for c in data.find("Type")] == ["Fields", "Relationships"]


def test_lookup_of_a_document_lines_and_audit_history(client: Client) -> None:
    invoice = client.call("<lookup><object>ARINVOICE</object></lookup>")
    fields = fields_of(invoice)
    assert fields["WHENCREATED"]["DATATYPE"] == "DATE"  # a document's transaction date
    assert fields["WHENCREATED"]["REQUIRED"] == "true"
    assert fields["AUWHENCREATED"]["DATATYPE"] == "TIMESTAMP"
    assert fields["CUSTOMERNAME"]["READONLY"] == "true"
    relationship = invoice.result().find("data/Type/Relationships/Relationship")
    assert [(c.tag, c.text) for c in relationship] == [
        ("OBJECTPATH", "CUSTOMER"), ("OBJECTNAME", "CUSTOMER"), ("LABEL", "Customer"),
        ("RELATIONSHIPTYPE", "MANY2ONE"), ("RELATEDBY", "CUSTOMERID")]
    line = fields_of(client.call("<lookup><object>apbillitem</object></lookup>"))
    assert line["TRX_AMOUNT"]["DATATYPE"] == "CURRENCY"
    audit = fields_of(client.call("<lookup><object>AUDITHISTORY</object></lookup>"))
    assert audit["ACCESSMODE"]["VALIDVALUES"] == ["Created", "Modified", "Deleted"]
    assert all(f["READONLY"] == "true" for f in audit.values())
    missing = client.call("<lookup><object>NOPE</object></lookup>")
    assert missing.result().findtext("errormessage/error/description2") == (
        "Object definition NOPE not found")


def test_inspect_lists_objects_and_fields(client: Client) -> None:
    every = client.call("<inspect><object>*</object></inspect>").result().find("data")
    names = [t.get("typename") for t in every.findall("Type")]
    assert {"VENDOR", "ARINVOICE", "APBILLITEM", "AUDITHISTORY"} <= set(names)
    assert every.get("count") == str(len(names))
    vendor = client.call("<inspect><object>VENDOR</object></inspect>").result()
    assert [f.text for f in vendor.findall("data/Type/Fields/Field")][:3] == [
        "RECORDNO", "VENDORID", "NAME"]
    detail = client.call('<inspect detail="1"><object>VENDOR</object></inspect>').result()
    by_name = {f.findtext("Name"): f for f in detail.findall("data/Type/Fields/Field")}
    returned = [n for n, f in by_name.items() if f.findtext("returnedOnWrite") == "true"]
    assert returned == ["RECORDNO", "VENDORID"]
    assert by_name["PAYMENTPRIORITY"].findtext("validValues/validValue") == "Urgent"


# -- what the connector sends exists -------------------------------------------------------


def every_input(schema: dict[str, Any]) -> dict[str, Any]:
    """A value for every input an action takes: its example, or one of the input's type."""
    values: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        kinds = prop.get("type")
        if prop.get("examples"):
            values[name] = prop["examples"][0]
        elif kinds == "boolean":
            values[name] = True
        elif kinds in ("number", "integer"):
            values[name] = 7
        elif kinds == "string" and not prop.get("contentMediaType"):
            values[name] = "text"
    return values


def sent_fields(element, prefix: str = "") -> list[str]:
    """Dotted names of the leaves under an object element."""
    out = []
    for child in element:
        path = f"{prefix}{child.tag}"
        out += sent_fields(child, f"{path}.") if len(child) else [path]
    return out


GENERIC_WRITES = [k for k in sorted(CONNECTOR.actions)
                  if k.startswith(("create", "update")) and not k.endswith(("Invoice",
                                                                            "ARAdjustment"))]


@pytest.mark.parametrize("key", GENERIC_WRITES)
def test_every_field_the_templates_send_is_defined(key: str) -> None:
    bodies = CONNECTOR.prepare(key, every_input(CONNECTOR.action(key).schema)).bodies
    element = bodies[0][0]
    odef = OBJECTS[element.tag]
    undefined = []
    for name in sent_fields(element):
        if odef.lines and name.startswith(f"{odef.lines.wrapper}."):
            line_field = name.split(".", 2)[2]
            if line_field not in lookup(odef.lines.object).by_name:
                undefined.append(name)
        elif name not in odef.by_name:
            undefined.append(name)
    assert undefined == []


@pytest.mark.parametrize("key", ["createBill", "createARAdvance", "createInvoice",
                                 "updateARAdjustment"])
def test_the_line_fields_the_schemas_document_are_defined(key: str) -> None:
    description = CONNECTOR.action(key).schema["properties"][
        "arAdvanceItems" if "Advance" in key else "lines"]["description"]
    listed = re.search(r"element names \(([^)]*)\)", description).group(1)
    names = {n.strip() for part in listed.split(",") for n in part.split(" or ")}
    names.discard("...")
    line_object = {"createBill": "APBILLITEM", "createARAdvance": "ARADVANCEITEM",
                   "createInvoice": "ARINVOICEITEM", "updateARAdjustment": "ARADJUSTMENTITEM"}
    fields = lookup(line_object[key]).by_name
    legacy_names = {"glaccountno": "ACCOUNTNO", "amount": "TRX_AMOUNT", "allocationid":
                    "ALLOCATION", "key": "LINEKEY", "defrevaccount": "DEFERREDREVACCTNO",
                    "memo": "MEMO" if key == "updateARAdjustment" else "ENTRYDESCRIPTION"}
    assert sorted(n for n in names if legacy_names.get(n, n.upper()) not in fields) == []


# -- refusals -----------------------------------------------------------------------------


def errors_of(result) -> list[tuple[str, str, str, str]]:
    return [(e.findtext("errorno"), e.findtext("description"), e.findtext("description2"),
             e.findtext("correction")) for e in result.findall("errormessage/error")]


def test_a_field_the_object_does_not_have_is_refused(client: Client) -> None:
    before = client.sandbox.store.count("VENDOR")
    reply = client.call(
        "<create><VENDOR><NAME>New</NAME><FAVORITECOLOR>red</FAVORITECOLOR>"
        "<DISPLAYCONTACT><PRINTAS>N</PRINTAS><NICKNAME>n</NICKNAME></DISPLAYCONTACT>"
        "</VENDOR></create>")
    result = reply.result()
    assert result.findtext("status") == "failure"
    assert result.find("data").attrib == {"listtype": "objects", "count": "0"}
    assert errors_of(result) == [
        ("BL01001973", "", "FAVORITECOLOR is not a valid field of VENDOR.",
         "Remove FAVORITECOLOR, or use a field of VENDOR (the lookup function lists them)."),
        ("BL01001973", "", "DISPLAYCONTACT.NICKNAME is not a valid field of VENDOR.",
         "Remove DISPLAYCONTACT.NICKNAME, or use a field of VENDOR (the lookup function lists "
         "them)."),
        ("BL01001973", "", "Could not create Vendor record!", ""),
    ]
    assert client.sandbox.store.count("VENDOR") == before


def test_an_update_is_held_against_the_fields_too(client: Client) -> None:
    store = client.sandbox.store
    vendor = store.find("VENDOR", VENDORID="V-00101")[0]
    reply = client.call(
        "<update><VENDOR><VENDORID>V-00101</VENDORID><NAME>Renamed</NAME>"
        "<CREDITLIMIT>a lot</CREDITLIMIT></VENDOR></update>")
    assert [e[0] for e in errors_of(reply.result())] == ["PL03000006", "BL01001973"]
    assert errors_of(reply.result())[1][2] == "Could not update Vendor record!"
    assert store.get("VENDOR", vendor["RECORDNO"]) == vendor


def test_a_line_field_the_line_does_not_have_is_refused(client: Client) -> None:
    reply = client.call(
        "<create><APBILL><VENDORID>V-00101</VENDORID><WHENCREATED>01/02/2024</WHENCREATED>"
        "<APBILLITEMS><APBILLITEM><ACCOUNTNO>6000</ACCOUNTNO><TRX_AMOUNT>1</TRX_AMOUNT>"
        "<COLOR>red</COLOR></APBILLITEM></APBILLITEMS></APBILL></create>")
    assert errors_of(reply.result())[0][2] == "COLOR is not a valid field of APBILLITEM."


@pytest.mark.parametrize(
    ("element", "message", "correction"),
    [
        ("<WHENCREATED>2024-01-05</WHENCREATED>",
         "The transaction date '2024-01-05' is invalid.",
         "Enter a date as MM/DD/YYYY for WHENCREATED."),
        ("<WHENCREATED>02/30/2024</WHENCREATED>",
         "The transaction date '02/30/2024' is invalid.",
         "Enter a date as MM/DD/YYYY for WHENCREATED."),
        ("<WHENCREATED>01/05/2024</WHENCREATED><PAYMENTPRIORITY>Whenever</PAYMENTPRIORITY>",
         "The payment priority 'Whenever' is invalid.",
         "Enter one of Urgent, High, Normal, Low for PAYMENTPRIORITY."),
        ("<WHENCREATED>01/05/2024</WHENCREATED><ONHOLD>maybe</ONHOLD>",
         "The on hold 'maybe' is invalid.", "Enter true or false for ONHOLD."),
        ("<WHENCREATED>01/05/2024</WHENCREATED><EXCHANGE_RATE>1,5</EXCHANGE_RATE>",
         "The exchange rate '1,5' is invalid.", "Enter a number for EXCHANGE_RATE."),
        ("<WHENCREATED>01/05/2024</WHENCREATED><PRBATCHKEY>7.5</PRBATCHKEY>",
         "The summary record number '7.5' is invalid.",
         "Enter a whole number for PRBATCHKEY."),
    ],
)
def test_values_are_typed_per_field(client: Client, element: str, message: str,
                                    correction: str) -> None:
    before = client.sandbox.store.count("APBILL")
    reply = client.call(
        f"<create><APBILL><VENDORID>V-00101</VENDORID>{element}<APBILLITEMS><APBILLITEM>"
        "<ACCOUNTNO>6000</ACCOUNTNO><TRX_AMOUNT>1</TRX_AMOUNT></APBILLITEM></APBILLITEMS>"
        "</APBILL></create>")
    errors = errors_of(reply.result())
    assert errors[0] == ("PL03000006", "", message, correction)
    assert errors[-1][2] == "Could not create Bill record!"
    assert client.sandbox.store.count("APBILL") == before


def test_typed_values_that_fit_are_stored_as_sent(client: Client) -> None:
    reply = client.call(
        "<create><VENDOR><NAME>Typed</NAME><STATUS>Inactive</STATUS><ONHOLD>TRUE</ONHOLD>"
        "<CREDITLIMIT>-0010.50</CREDITLIMIT><SCORE>+3</SCORE><COMMENTS></COMMENTS>"
        "</VENDOR></create>")
    recordno = reply.result().findtext("data/vendor/RECORDNO")
    stored = client.sandbox.store.get("VENDOR", recordno)
    assert (stored["STATUS"], stored["ONHOLD"], stored["CREDITLIMIT"], stored["SCORE"]) == (
        "Inactive", "TRUE", "-0010.50", "+3")


def test_read_only_fields_sent_are_ignored(client: Client) -> None:
    reply = client.call(
        "<create><VENDOR><NAME>RO</NAME><TOTALDUE>999</TOTALDUE>"
        "<WHENMODIFIED>01/01/2000 00:00:00</WHENMODIFIED></VENDOR></create>")
    stored = client.sandbox.store.get("VENDOR", reply.result().findtext("data/vendor/RECORDNO"))
    assert stored["TOTALDUE"] == "0"
    assert stored["WHENMODIFIED"] != "01/01/2000 00:00:00"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("<create><APBILLITEM><ACCOUNTNO>1</ACCOUNTNO></APBILLITEM></create>",
         "API operation CREATE cannot be performed on objects of type apbillitem"),
        ("<create><AUDITHISTORY><USERID>me</USERID></AUDITHISTORY></create>",
         "API operation CREATE cannot be performed on objects of type audithistory"),
        ("<update><AUDITHISTORY><RECORDNO>1</RECORDNO></AUDITHISTORY></update>",
         "API operation UPDATE cannot be performed on objects of type audithistory"),
        ("<delete><object>AUDITHISTORY</object><keys>1</keys></delete>",
         "API operation DELETE cannot be performed on objects of type audithistory"),
    ],
)
def test_objects_written_only_by_the_system_are_refused(client: Client, call: str,
                                                        message: str) -> None:
    result = client.call(call).result()
    assert errors_of(result)[0] == ("PL04000005", "", message, "")


# -- names joined from related objects ----------------------------------------------------


def test_invoices_carry_their_customers_name(client: Client) -> None:
    store = client.sandbox.store
    invoice = store.find("ARINVOICE", RECORDID="INV-0001")[0]
    assert "CUSTOMERNAME" not in invoice  # joined when read, not stored
    read = client.call(f"<read><object>ARINVOICE</object><keys>{invoice['RECORDNO']}</keys>"
                       "<fields>RECORDID,CUSTOMERNAME</fields></read>")
    assert read.result().findtext("data/ARINVOICE/CUSTOMERNAME") == "Acme Corporation"
    client.call("<update><CUSTOMER><CUSTOMERID>C-00201</CUSTOMERID><NAME>Acme Holdings</NAME>"
                "</CUSTOMER></update>")
    listed = client.call("<readByQuery><object>ARINVOICE</object><fields>RECORDID,CUSTOMERNAME"
                         "</fields><query>CUSTOMERNAME = 'Acme Holdings'</query></readByQuery>")
    assert [(i.findtext("RECORDID"), i.findtext("CUSTOMERNAME"))
            for i in listed.result().findall("data/arinvoice")] == [
        ("INV-0001", "Acme Holdings")]
    queried = client.call(
        "<query><object>APBILL</object><select><field>RECORDID</field><field>VENDORNAME</field>"
        "</select><filter><equalto><field>VENDORID</field><value>V-00102</value></equalto>"
        "</filter></query>")
    assert queried.result().findtext("data/APBILL/VENDORNAME") == "Contoso Logistics"


# -- the legacy functions' schema ----------------------------------------------------------

_DATE = "<year>2024</year><month>3</month><day>7</day>"


@pytest.mark.parametrize(
    ("call", "found"),
    [
        ('<update_invoice key="{key}"><basecurr>USD</basecurr></update_invoice>',
         "Element 'basecurr': This element is not expected."),
        ('<update_invoice key="{key}"><currency>EUR</currency><exchratetype>Intacct Daily '
         "Rate</exchratetype><exchrate>1.1</exchrate></update_invoice>",
         "Element 'exchrate': This element is not expected. Expected is one of ( supdocid, "
         "customfields, updateinvoiceitems )."),
        ('<update_invoice key="{key}"><description>d</description><customerid>C-00201'
         "</customerid></update_invoice>", "Element 'customerid': This element is not expected."),
        ('<update_invoice key="{key}"><updateinvoiceitems><updatelineitem><amount>1</amount>'
         "</updatelineitem></updateinvoiceitems></update_invoice>",
         "Element 'updatelineitem': The attribute 'line_num' is required but missing."),
        ("<update_invoice><description>no key</description></update_invoice>",
         "Element 'update_invoice': The attribute 'key' is required but missing."),
        ("<create_invoice><customerid>C-00201</customerid><datecreated><year>2024</year>"
         "</datecreated><invoiceitems><lineitem><glaccountno>4000</glaccountno><amount>1</amount>"
         "</lineitem></invoiceitems></create_invoice>",
         "Element 'datecreated': Missing child element(s). Expected is ( month )."),
        (f"<create_invoice><customerid>C-00201</customerid><datecreated>{_DATE}</datecreated>"
         "<invoiceitems><lineitem><amount>1</amount><glaccountno>4000</glaccountno></lineitem>"
         "</invoiceitems></create_invoice>",
         "Element 'amount': This element is not expected. Expected is one of ( accountlabel, "
         "glaccountno )."),
        ('<delete_vendor vendorid="V-00101" externalkey="maybe"/>',
         "Element 'delete_vendor', attribute 'externalkey': [facet 'enumeration'] The value "
         "'maybe' is not an element of the set {'true', 'false'}."),
    ],
)
def test_legacy_calls_breaking_the_dtd_are_refused(client: Client, call: str,
                                                    found: str) -> None:
    store = client.sandbox.store
    invoice = store.find("ARINVOICE", RECORDID="INV-0001")[0]
    counts = {obj: store.count(obj) for obj in ("ARINVOICE", "VENDOR")}
    reply = client.call(call.format(key=invoice["RECORDNO"]), "<getAPISession/>")
    assert reply.control_status == "failure"  # the whole request, before authentication
    assert reply.root.find("operation") is None
    error = reply.root.find("errormessage/error")
    assert error.findtext("errorno") == "XL03000003"
    assert found in error.findtext("description2")
    assert (error.findtext("description"), error.findtext("correction")) == ("", "")
    assert client.sandbox.stats.functions == {}
    assert store.get("ARINVOICE", invoice["RECORDNO"]) == invoice
    assert {obj: store.count(obj) for obj in counts} == counts


def test_a_legacy_custom_field_the_object_lacks_is_refused(client: Client) -> None:
    reply = client.call(
        f"<create_invoice><customerid>C-00201</customerid><datecreated>{_DATE}</datecreated>"
        "<customfields><customfield><customfieldname>mood</customfieldname><customfieldvalue>ok"
        "</customfieldvalue></customfield></customfields><invoiceitems><lineitem><glaccountno>"
        "4000</glaccountno><amount>1</amount></lineitem></invoiceitems></create_invoice>")
    assert errors_of(reply.result())[0][2] == "MOOD is not a valid field of ARINVOICE."


def test_legacy_dates_are_typed(client: Client) -> None:
    reply = client.call(
        "<create_invoice><customerid>C-00201</customerid><datecreated><year>2024</year>"
        "<month>13</month><day>7</day></datecreated><invoiceitems><lineitem><glaccountno>4000"
        "</glaccountno><amount>1</amount></lineitem></invoiceitems></create_invoice>")
    assert errors_of(reply.result())[0][2] == "The transaction date '13/07/2024' is invalid."
