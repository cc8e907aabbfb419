"""The floor: what a careful programmer writes by hand with lxml for these calls, and no more.

Requests are straight-line code, one statement per field, the same fields and the same
envelope the connector sends; lxml escapes the text. Responses are parsed with a parser that
resolves no entities and reads nothing from the network, each layer's status is checked, and
the result comes back in the shape the connector returns. Nothing here validates inputs.

This module imports lxml and the standard library only, so that a process measured for its
memory with the floor carries nothing of the connector.
"""

from __future__ import annotations

import uuid
from typing import Any

from lxml import etree
from lxml.etree import SubElement

# Made once: a hand-written client keeps one parser (the benchmarks use it from one thread).
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class FloorError(Exception):
    """The gateway's response says a layer failed."""


def create_vendor_request(v: dict[str, Any], *, sender_id: str, sender_password: str,
                          session_id: str) -> bytes:
    """The createVendor request for every input the connector's schema has, field by field."""
    request, content = _envelope(sender_id, sender_password, session_id, uniqueid="true")
    function = SubElement(content, "function", controlid=str(uuid.uuid4()))
    vendor = SubElement(SubElement(function, "create"), "VENDOR")
    SubElement(vendor, "VENDORID").text = v["vendorId"]
    SubElement(vendor, "NAME").text = v["vendorName"]
    contact = SubElement(vendor, "DISPLAYCONTACT")
    SubElement(contact, "PRINTAS").text = v["printAs"]
    SubElement(contact, "COMPANYNAME").text = v["companyName"]
    SubElement(contact, "TAXABLE").text = _bool(v["taxable"])
    SubElement(contact, "TAXGROUP").text = v["contactTaxGroupName"]
    SubElement(contact, "PREFIX").text = v["prefix"]
    SubElement(contact, "FIRSTNAME").text = v["firstName"]
    SubElement(contact, "LASTNAME").text = v["lastName"]
    SubElement(contact, "INITIAL").text = v["middleName"]
    SubElement(contact, "PHONE1").text = v["primaryPhoneNo"]
    SubElement(contact, "PHONE2").text = v["secondaryPhoneNo"]
    SubElement(contact, "CELLPHONE").text = v["cellularPhoneNo"]
    SubElement(contact, "PAGER").text = v["pagerNo"]
    SubElement(contact, "FAX").text = v["faxNo"]
    SubElement(contact, "EMAIL1").text = v["primaryEmailAddress"]
    SubElement(contact, "EMAIL2").text = v["secondaryEmailAddress"]
    SubElement(contact, "URL1").text = v["primaryUrl"]
    SubElement(contact, "URL2").text = v["secondaryUrl"]
    address = SubElement(contact, "MAILADDRESS")
    SubElement(address, "ADDRESS1").text = v["addressLine1"]
    SubElement(address, "ADDRESS2").text = v["addressLine2"]
    SubElement(address, "CITY").text = v["city"]
    SubElement(address, "STATE").text = v["stateProvince"]
    SubElement(address, "ZIP").text = v["zipPostalCode"]
    SubElement(address, "COUNTRY").text = v["country"]
    SubElement(address, "COUNTRYCODE").text = v["isoCountryCode"]
    SubElement(vendor, "ONETIME").text = _bool(v["oneTime"])
    SubElement(vendor, "STATUS").text = "active" if v["active"] else "inactive"
    SubElement(vendor, "HIDEDISPLAYCONTACT").text = _bool(v["excludedFromContactList"])
    SubElement(vendor, "VENDTYPE").text = v["vendorTypeId"]
    SubElement(vendor, "PARENTID").text = v["parentVendorId"]
    SubElement(vendor, "GLGROUP").text = v["glGroupName"]
    SubElement(vendor, "TAXID").text = v["taxId"]
    SubElement(vendor, "NAME1099").text = v["form1099Name"]
    SubElement(vendor, "FORM1099TYPE").text = v["form1099Type"]
    SubElement(vendor, "FORM1099BOX").text = v["form1099Box"]
    SubElement(vendor, "SUPDOCID").text = v["attachmentsId"]
    SubElement(vendor, "APACCOUNT").text = v["defaultExpenseGlAccountNo"]
    SubElement(vendor, "OFFSETGLACCOUNTNO").text = v["offsetGlAccountNo"]
    SubElement(vendor, "CREDITLIMIT").text = str(v["creditLimit"])
    SubElement(vendor, "ONHOLD").text = _bool(v["onHold"])
    SubElement(vendor, "DONOTCUTCHECK").text = _bool(v["doNotPay"])
    SubElement(vendor, "COMMENTS").text = v["comments"]
    SubElement(vendor, "CURRENCY").text = v["defaultCurrency"]
    SubElement(SubElement(vendor, "CONTACTINFO"), "CONTACTNAME").text = v["primaryContactName"]
    SubElement(SubElement(vendor, "PAYTO"), "CONTACTNAME").text = v["payToContactName"]
    SubElement(SubElement(vendor, "RETURNTO"), "CONTACTNAME").text = v["returnToContactName"]
    SubElement(vendor, "PAYMETHODKEY").text = v["preferredPaymentMethod"]
    SubElement(vendor, "MERGEPAYMENTREQ").text = _bool(v["mergePaymentRequests"])
    SubElement(vendor, "PAYMENTNOTIFY").text = _bool(v["sendAutomaticPaymentNotification"])
    SubElement(vendor, "BILLINGTYPE").text = v["vendorBillingType"]
    SubElement(vendor, "PAYMENTPRIORITY").text = v["paymentPriority"]
    SubElement(vendor, "TERMNAME").text = v["paymentTerm"]
    SubElement(vendor, "DISPLAYTERMDISCOUNT").text = _bool(v["termDiscountDisplayedOnCheckStub"])
    SubElement(vendor, "ACHENABLED").text = _bool(v["achEnabled"])
    SubElement(vendor, "ACHBANKROUTINGNUMBER").text = v["achBankRoutingNo"]
    SubElement(vendor, "ACHACCOUNTNUMBER").text = v["achBankAccountNo"]
    SubElement(vendor, "ACHACCOUNTTYPE").text = v["achBankAccountType"]
    SubElement(vendor, "ACHREMITTANCETYPE").text = v["achBankAccountClass"]
    SubElement(vendor, "VENDORACCOUNTNO").text = v["vendorAccountNo"]
    SubElement(vendor, "DISPLAYACCTNOCHECK").text = _bool(
        v["locationAssignedAccountNoDisplayedOnCheckStub"])
    SubElement(vendor, "OBJECTRESTRICTION").text = v["restrictionType"]
    SubElement(vendor, "RESTRICTEDLOCATIONS").text = v["restrictedLocations"]
    SubElement(vendor, "RESTRICTEDDEPARTMENTS").text = v["restrictedDepartments"]
    for name, value in v["customFields"].items():
        SubElement(vendor, name).text = str(value)
    return etree.tostring(request, xml_declaration=True, encoding="UTF-8")


def read_vendor_request(recordno: str, *, sender_id: str, sender_password: str,
                        session_id: str) -> bytes:
    """The getVendor request: read one VENDOR by RECORDNO, every field."""
    request, content = _envelope(sender_id, sender_password, session_id, uniqueid="false")
    read = SubElement(SubElement(content, "function", controlid=str(uuid.uuid4())), "read")
    SubElement(read, "object").text = "VENDOR"
    SubElement(read, "keys").text = recordno
    SubElement(read, "fields").text = "*"
    return etree.tostring(request, xml_declaration=True, encoding="UTF-8")


def parse_result(raw: bytes) -> dict[str, Any]:
    """The first result of a response, each layer checked, as the connector's `result` shape."""
    root = etree.fromstring(raw, _PARSER)
    if root.findtext("control/status") != "success":
        raise FloorError("control failure")
    operation = root.find("operation")
    if operation.findtext("authentication/status") != "success":
        raise FloorError("authentication failure")
    result = operation.find("result")
    if result.findtext("status") != "success":
        raise FloorError(f"{result.findtext('function')} failed")
    data = result.find("data")
    return {"_status": "success", "_functionName": result.findtext("function"),
            "_controlId": result.findtext("controlid"), "_listType": data.get("listtype"),
            "_count": int(data.get("count")), "_data": [record_dict(r) for r in data]}


def page_records(raw: bytes) -> list[Any]:
    """Every record of a readByQuery page as a dict, and nothing else."""
    return [record_dict(r) for r in etree.fromstring(raw, _PARSER).find("operation/result/data")]


def record_dict(element: etree._Element) -> Any:
    """A record as nested dicts of text (the gateway's records repeat no field)."""
    if len(element) == 0:
        return element.text or ""
    return {child.tag: record_dict(child) for child in element}


def _envelope(sender_id: str, sender_password: str, session_id: str, *,
              uniqueid: str) -> tuple[etree._Element, etree._Element]:
    """The request and its content element, written out as the connector writes them."""
    request = etree.Element("request")
    control = SubElement(request, "control")
    SubElement(control, "senderid").text = sender_id
    SubElement(control, "password").text = sender_password
    SubElement(control, "controlid").text = str(uuid.uuid4())
    SubElement(control, "uniqueid").text = uniqueid
    SubElement(control, "dtdversion").text = "3.0"
    SubElement(control, "includewhitespace").text = "false"
    operation = SubElement(request, "operation")
    SubElement(SubElement(operation, "authentication"), "sessionid").text = session_id
    return request, SubElement(operation, "content")


def _bool(value: bool) -> str:
    return "true" if value else "false"
