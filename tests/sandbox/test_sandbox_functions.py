"""Every gateway function over HTTP, asserting the response shapes and the stored state."""

from __future__ import annotations

import pytest
from sandbox_gw import Client

from connector.intacct.sandbox import functions


def create_vendor(client: Client, vendor_id: str, name: str = "Test Vendor", extra: str = ""):
    return client.call(
        f"<create><VENDOR><VENDORID>{vendor_id}</VENDORID><NAME>{name}</NAME>{extra}"
        "</VENDOR></create>"
    )


# -- create ----------------------------------------------------------------------------------


def test_create_several_objects_returns_lowercase_tags_with_ids(client: Client) -> None:
    reply = client.call(
        "<create>"
        "<VENDOR><VENDORID>V-900</VENDORID><NAME>Nine Hundred</NAME>"
        "<DISPLAYCONTACT><PRINTAS>Nine</PRINTAS><MAILADDRESS><COUNTRYCODE>US</COUNTRYCODE>"
        "</MAILADDRESS></DISPLAYCONTACT><SCORE>5</SCORE></VENDOR>"
        "<CUSTOMER><CUSTOMERID>C-900</CUSTOMERID><NAME>Cust</NAME></CUSTOMER>"
        "</create>"
    )
    result = reply.result()
    assert result.findtext("status") == "success"
    data = result.find("data")
    assert data.attrib == {"listtype": "objects", "count": "2"}
    assert [c.tag for c in data] == ["vendor", "customer"]
    assert [c.tag for c in data[0]] == ["RECORDNO", "VENDORID"]
    assert data[0].findtext("VENDORID") == "V-900"
    stored = client.sandbox.store.get("VENDOR", data[0].findtext("RECORDNO"))
    assert stored["NAME"] == "Nine Hundred"
    assert stored["DISPLAYCONTACT"] == {"PRINTAS": "Nine", "MAILADDRESS": {"COUNTRYCODE": "US"}}
    assert stored["SCORE"] == "5"  # a custom field of the sandbox's companies
    assert stored["STATUS"] == "active"
    assert stored["WHENCREATED"] and stored["WHENMODIFIED"]
    assert client.sandbox.store.find("CUSTOMER", CUSTOMERID="C-900")


def test_create_assigns_vendor_and_customer_ids_when_omitted(client: Client) -> None:
    reply = client.call(
        "<create><VENDOR><NAME>No ID</NAME></VENDOR><CUSTOMER><NAME>No ID</NAME></CUSTOMER>"
        "</create>"
    )
    vendor_id = reply.result().findtext("data/vendor/VENDORID")
    customer_id = reply.result().findtext("data/customer/CUSTOMERID")
    assert vendor_id.startswith("V-") and customer_id.startswith("C-")
    assert client.sandbox.store.find("VENDOR", VENDORID=vendor_id)[0]["NAME"] == "No ID"


def test_create_keeps_input_text_as_sent(client: Client) -> None:
    create_vendor(client, "V-TXT", extra="<CREDITLIMIT>0010.50</CREDITLIMIT><ONHOLD>true</ONHOLD>")
    stored = client.sandbox.store.find("VENDOR", VENDORID="V-TXT")[0]
    assert stored["CREDITLIMIT"] == "0010.50"
    assert stored["ONHOLD"] == "true"


def test_duplicate_id_fails_with_two_errors_and_stores_nothing(client: Client) -> None:
    before = client.sandbox.store.count("VENDOR")
    reply = create_vendor(client, "V-00101")
    result = reply.result()
    assert reply.http.status_code == 200
    assert result.findtext("status") == "failure"
    assert result.find("data").attrib == {"listtype": "objects", "count": "0"}
    errs = result.findall("errormessage/error")
    assert [e.findtext("errorno") for e in errs] == ["BL34000061", "BL01001973"]
    assert errs[0].findtext("description2") == (
        "Another Vendor with the given value(s) V-00101 already exists"
    )
    assert errs[1].findtext("description2") == "Could not create Vendor record!"
    assert client.sandbox.store.count("VENDOR") == before


def test_create_is_atomic_within_a_function(client: Client) -> None:
    before = client.sandbox.store.count("VENDOR")
    reply = client.call(
        "<create><VENDOR><VENDORID>V-NEW1</VENDORID><NAME>ok</NAME></VENDOR>"
        "<VENDOR><VENDORID>V-00101</VENDORID><NAME>dup</NAME></VENDOR></create>"
    )
    assert reply.result().findtext("status") == "failure"
    assert client.sandbox.store.count("VENDOR") == before


@pytest.mark.parametrize(
    ("xml", "field"),
    [
        ("<VENDOR><VENDORID>V-X</VENDORID></VENDOR>", "NAME"),
        ("<CONTACT><CONTACTNAME>Only Name</CONTACTNAME></CONTACT>", "PRINTAS"),
        ("<PROJECT><PROJECTID>P-X</PROJECTID><NAME>x</NAME></PROJECT>", "PROJECTCATEGORY"),
        ("<APBILL><VENDORID>V-00101</VENDORID></APBILL>", "WHENCREATED"),
        (
            "<APBILL><VENDORID>V-00101</VENDORID><WHENCREATED>01/01/2024</WHENCREATED></APBILL>",
            "APBILLITEMS.APBILLITEM",
        ),
        (
            "<APBILL><VENDORID>V-00101</VENDORID><WHENCREATED>01/01/2024</WHENCREATED>"
            "<APBILLITEMS><APBILLITEM><ACCOUNTNO>6000</ACCOUNTNO></APBILLITEM></APBILLITEMS>"
            "</APBILL>",
            "TRX_AMOUNT/AMOUNT",
        ),
    ],
)
def test_missing_required_field_names_it(client: Client, xml: str, field: str) -> None:
    reply = client.call(f"<create>{xml}</create>")
    result = reply.result()
    assert result.findtext("status") == "failure"
    assert result.findtext("errormessage/error/errorno") == "BL03000018"
    assert field in result.findtext("errormessage/error/description2")


def test_unknown_object(client: Client) -> None:
    reply = client.call("<create><NOSUCHTHING><NAME>x</NAME></NOSUCHTHING></create>")
    assert reply.result().findtext("errormessage/error/description2") == (
        "Object definition NOSUCHTHING not found"
    )
    reply = client.call("<readByQuery><object>NOSUCHTHING</object><query/></readByQuery>")
    error = reply.result().find("errormessage/error")
    assert error.findtext("errorno") == "Query Failed"
    assert error.findtext("description2") == "Object definition NOSUCHTHING not found"


def test_bill_lines_are_records_of_their_own_and_nested_in_read(client: Client) -> None:
    reply = client.call(
        "<create><APBILL><VENDORID>V-00101</VENDORID><WHENCREATED>03/01/2024</WHENCREATED>"
        "<APBILLITEMS>"
        "<APBILLITEM><ACCOUNTNO>6000</ACCOUNTNO><TRX_AMOUNT>10.25</TRX_AMOUNT></APBILLITEM>"
        "<APBILLITEM><ACCOUNTNO>6100</ACCOUNTNO><TRX_AMOUNT>5</TRX_AMOUNT></APBILLITEM>"
        "</APBILLITEMS></APBILL></create>"
    )
    data = reply.result().find("data")
    assert [c.tag for c in data[0]] == ["RECORDNO"]  # documents have no ID field
    recordno = data.findtext("apbill/RECORDNO")
    store = client.sandbox.store
    lines = store.find("APBILLITEM", RECORDKEY=recordno)
    assert [line["ACCOUNTNO"] for line in lines] == ["6000", "6100"]
    assert store.get("APBILL", recordno)["TRX_TOTALENTERED"] == "15.25"
    read = client.call(f"<read><object>APBILL</object><keys>{recordno}</keys></read>")
    items = read.result().findall("data/APBILL/APBILLITEMS/apbillitem")
    assert [i.findtext("RECORDNO") for i in items] == [line["RECORDNO"] for line in lines]
    line_read = client.call(
        f"<read><object>APBILLITEM</object><keys>{lines[0]['RECORDNO']}</keys></read>"
    )
    assert line_read.result().findtext("data/APBILLITEM/RECORDKEY") == recordno
    query = client.call(
        f"<readByQuery><object>APBILLITEM</object><query>RECORDKEY = {recordno}</query>"
        "</readByQuery>"
    )
    assert query.result().find("data").get("count") == "2"


@pytest.mark.parametrize(
    ("obj", "wrapper", "item", "header"),
    [
        (
            "ARINVOICE",
            "ARINVOICEITEMS",
            "ARINVOICEITEM",
            "<CUSTOMERID>C-00201</CUSTOMERID><WHENCREATED>01/01/2024</WHENCREATED>",
        ),
        (
            "ARADVANCE",
            "ARADVANCEITEMS",
            "ARADVANCEITEM",
            "<CUSTOMERID>C-00201</CUSTOMERID><PAYMENTMETHOD>Cash</PAYMENTMETHOD>"
            "<RECEIPTDATE>01/01/2024</RECEIPTDATE>",
        ),
        (
            "ARADJUSTMENT",
            "ARADJUSTMENTITEMS",
            "ARADJUSTMENTITEM",
            "<CUSTOMERID>C-00201</CUSTOMERID><WHENCREATED>01/01/2024</WHENCREATED>",
        ),
    ],
)
def test_documents_with_lines(client: Client, obj, wrapper, item, header) -> None:
    line = f"<{item}><ACCOUNTNO>4000</ACCOUNTNO><TRX_AMOUNT>12</TRX_AMOUNT></{item}>"
    reply = client.call(f"<create><{obj}>{header}<{wrapper}>{line}</{wrapper}></{obj}></create>")
    recordno = reply.result().findtext(f"data/{obj.lower()}/RECORDNO")
    assert recordno
    assert len(client.sandbox.store.find(item, RECORDKEY=recordno)) == 1
    read = client.call(f"<read><object>{obj}</object><keys>{recordno}</keys></read>")
    assert read.result().find(f"data/{obj}/{wrapper}/{item.lower()}") is not None


def test_payments_can_be_created_and_read(client: Client) -> None:
    reply = client.call(
        "<create><ARPYMT><CUSTOMERID>C-00201</CUSTOMERID><PAYMENTMETHOD>Cash</PAYMENTMETHOD>"
        "</ARPYMT><APPYMT><VENDORID>V-00101</VENDORID><PAYMENTMETHOD>Cash</PAYMENTMETHOD>"
        "</APPYMT></create>"
    )
    data = reply.result().find("data")
    assert [c.tag for c in data] == ["arpymt", "appymt"]
    assert client.sandbox.store.count("ARPYMT") == 3  # two seeded


# -- update / delete ------------------------------------------------------------------------


def test_update_by_recordno_and_by_id(client: Client) -> None:
    store = client.sandbox.store
    vendor = store.find("VENDOR", VENDORID="V-00101")[0]
    reply = client.call(
        f"<update><VENDOR><RECORDNO>{vendor['RECORDNO']}</RECORDNO><NAME>Renamed</NAME>"
        "<DISPLAYCONTACT><EMAIL1>new@example.com</EMAIL1></DISPLAYCONTACT></VENDOR></update>"
    )
    data = reply.result().find("data")
    assert data.attrib == {"listtype": "objects", "count": "1"}
    assert data.findtext("vendor/VENDORID") == "V-00101"
    stored = store.get("VENDOR", vendor["RECORDNO"])
    assert stored["NAME"] == "Renamed"
    assert stored["DISPLAYCONTACT"]["EMAIL1"] == "new@example.com"
    assert stored["DISPLAYCONTACT"]["MAILADDRESS"] == vendor["DISPLAYCONTACT"]["MAILADDRESS"]
    client.call(
        "<update><VENDOR><VENDORID>V-00101</VENDORID><COMMENTS>hi</COMMENTS></VENDOR></update>"
    )
    assert store.get("VENDOR", vendor["RECORDNO"])["COMMENTS"] == "hi"


def test_update_replaces_lines_when_sent(client: Client) -> None:
    store = client.sandbox.store
    bill = store.all("APBILL")[0]
    client.call(
        f"<update><APBILL><RECORDNO>{bill['RECORDNO']}</RECORDNO><APBILLITEMS>"
        "<APBILLITEM><ACCOUNTNO>7000</ACCOUNTNO><TRX_AMOUNT>1</TRX_AMOUNT></APBILLITEM>"
        "</APBILLITEMS></APBILL></update>"
    )
    lines = store.find("APBILLITEM", RECORDKEY=bill["RECORDNO"])
    assert [line["ACCOUNTNO"] for line in lines] == ["7000"]


def test_update_missing_record_fails(client: Client) -> None:
    reply = client.call(
        "<update><VENDOR><RECORDNO>999999</RECORDNO><NAME>x</NAME></VENDOR></update>"
    )
    result = reply.result()
    assert result.findtext("status") == "failure"
    assert result.findtext("errormessage/error/errorno") == "BL01001973"
    assert "999999" in result.findtext("errormessage/error/description2")


def test_delete_by_keys_and_missing_key(client: Client) -> None:
    store = client.sandbox.store
    bill = store.all("APBILL")[0]
    vendors = [v["RECORDNO"] for v in store.find("VENDOR")[:2]]
    reply = client.call(f"<delete><object>VENDOR</object><keys>{','.join(vendors)}</keys></delete>")
    result = reply.result()
    assert result.findtext("status") == "success"
    assert [c.tag for c in result] == ["status", "function", "controlid"]
    assert all(store.get("VENDOR", v) is None for v in vendors)
    client.call(f"<delete><object>APBILL</object><keys>{bill['RECORDNO']}</keys></delete>")
    assert store.find("APBILLITEM", RECORDKEY=bill["RECORDNO"]) == []
    missing = client.call("<delete><object>VENDOR</object><keys>424242</keys></delete>")
    assert missing.result().findtext("status") == "failure"
    assert "424242" in missing.result().findtext("errormessage/error/description2")


# -- read -----------------------------------------------------------------------------------


def test_read_fields_star_and_missing_keys(client: Client) -> None:
    vendor = client.sandbox.store.find("VENDOR", VENDORID="V-00102")[0]
    reply = client.call(
        f"<read><object>VENDOR</object><keys>{vendor['RECORDNO']},99999</keys>"
        "<fields>VENDORID,NAME</fields></read>"
    )
    data = reply.result().find("data")
    assert data.attrib == {"listtype": "VENDOR", "count": "1"}
    assert [c.tag for c in data.find("VENDOR")] == ["VENDORID", "NAME"]
    full = client.call(
        f"<read><object>VENDOR</object><keys>{vendor['RECORDNO']}</keys><fields>*</fields></read>"
    )
    assert full.result().findtext("data/VENDOR/DISPLAYCONTACT/MAILADDRESS/CITY") == "Denver"
    none = client.call("<read><object>VENDOR</object><keys>99999</keys></read>")
    assert none.result().find("data").attrib == {"listtype": "VENDOR", "count": "0"}


# -- readByQuery / readMore -------------------------------------------------------------------


def test_read_by_query_shape_and_flattened_fields(client: Client) -> None:
    reply = client.call(
        "<readByQuery><object>VENDOR</object><fields>*</fields>"
        "<query>VENDOR.CREDITLIMIT &gt; 10000</query><pagesize>100</pagesize></readByQuery>"
    )
    data = reply.result().find("data")
    assert data.attrib == {
        "listtype": "vendor",
        "count": "3",
        "totalcount": "3",
        "numremaining": "0",
        "resultId": "",
    }
    assert {v.findtext("VENDORID") for v in data.findall("vendor")} == {
        "V-00101",
        "V-00102",
        "V-00104",
    }
    assert data.find("vendor/DISPLAYCONTACT.MAILADDRESS.CITY") is not None


def test_bad_query_is_a_function_failure_with_http_200(client: Client) -> None:
    reply = client.call(
        "<readByQuery><object>VENDOR</object><query>NAME = 'unterminated</query></readByQuery>",
        "<getAPISession/>",
    )
    assert reply.http.status_code == 200
    result = reply.result()
    assert result.findtext("status") == "failure"
    assert result.findtext("errormessage/error/errorno") == "Query Failed"
    assert "unterminated string" in result.findtext("errormessage/error/description2")
    assert reply.result(1).findtext("status") == "success"  # the other function still ran


def test_read_more_pages_through_2500_records(client: Client) -> None:
    chunk = 500
    for start in range(0, 2500, chunk):
        vendors = "".join(
            f"<VENDOR><VENDORID>BULK-{n:04d}</VENDORID><NAME>Bulk {n}</NAME></VENDOR>"
            for n in range(start, start + chunk)
        )
        assert client.call(f"<create>{vendors}</create>").result().findtext("status") == "success"
    first = client.call(
        "<readByQuery><object>VENDOR</object><fields>VENDORID</fields>"
        "<query>VENDORID LIKE 'BULK-%'</query><pagesize>1000</pagesize></readByQuery>"
    )
    data = first.result().find("data")
    assert (data.get("count"), data.get("totalcount"), data.get("numremaining")) == (
        "1000",
        "2500",
        "1500",
    )
    seen = [v.findtext("VENDORID") for v in data.findall("vendor")]
    result_id = data.get("resultId")
    assert result_id
    pages = 1
    while data.get("numremaining") != "0":
        more = client.call(f"<readMore><resultId>{result_id}</resultId></readMore>")
        data = more.result().find("data")
        assert more.result().findtext("function") == "readMore"
        seen += [v.findtext("VENDORID") for v in data.findall("vendor")]
        pages += 1
    assert pages == 3
    assert data.get("resultId") == result_id  # the last page keeps its resultId
    assert seen == [f"BULK-{n:04d}" for n in range(2500)]
    again = client.call(f"<readMore><resultId>{result_id}</resultId></readMore>")
    assert again.result().findtext("status") == "failure"  # used up
    assert again.result().findtext("errormessage/error/errorno") == "readMore failed"


def test_read_more_with_unknown_or_expired_result_id(client: Client) -> None:
    reply = client.call("<readMore><resultId>nope</resultId></readMore>")
    assert reply.result().findtext("status") == "failure"
    error = reply.result().find("errormessage/error")
    assert error.findtext("errorno") == "readMore failed"
    assert error.findtext("description2") == (
        "Attempt to readMore with an invalid or expired resultId: nope"
    )
    assert (error.findtext("description"), error.findtext("correction")) == ("", "")
    first = client.call("<readByQuery><object>VENDOR</object><pagesize>2</pagesize></readByQuery>")
    result_id = first.result().find("data").get("resultId")
    client.sandbox._server.pipeline.results.expire_all()
    expired = client.call(f"<readMore><resultId>{result_id}</resultId></readMore>")
    assert expired.result().findtext("errormessage/error/errorno") == "readMore failed"


# -- query --------------------------------------------------------------------------------------


def test_query_filters_order_and_paging(client: Client) -> None:
    reply = client.call(
        "<query><object>CUSTOMER</object><select><field>CUSTOMERID</field><field>NAME</field>"
        "</select><filter><and><greaterthanorequalto><field>CREDITLIMIT</field>"
        "<value>60000</value></greaterthanorequalto><or><like><field>NAME</field>"
        "<value>%Health</value></like><in><field>CUSTOMERID</field><value>C-00201</value>"
        "<value>C-00205</value></in></or></and></filter>"
        "<orderby><order><field>NAME</field><descending/></order></orderby>"
        "<options><caseinsensitive>false</caseinsensitive></options>"
        "<pagesize>2</pagesize><offset>0</offset></query>"
    )
    data = reply.result().find("data")
    assert data.attrib == {
        "listtype": "CUSTOMER",
        "totalcount": "3",
        "offset": "0",
        "count": "2",
        "numremaining": "1",
    }
    assert [c.findtext("NAME") for c in data.findall("CUSTOMER")] == [
        "Umbrella Health",
        "Stark Fabrication",
    ]
    assert [c.tag for c in data.find("CUSTOMER")] == ["CUSTOMERID", "NAME"]
    page2 = client.call(
        "<query><object>CUSTOMER</object><select><field>NAME</field></select>"
        "<filter><greaterthanoreq><field>CREDITLIMIT</field><value>60000</value>"
        "</greaterthanoreq></filter><orderby><order><field>NAME</field><ascending/></order>"
        "</orderby><pagesize>2</pagesize><offset>2</offset></query>"
    )
    data = page2.result().find("data")
    assert (data.get("offset"), data.get("count"), data.get("numremaining")) == ("2", "2", "0")
    assert [c.findtext("NAME") for c in data.findall("CUSTOMER")] == [
        "Stark Fabrication",
        "Umbrella Health",
    ]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("<equalto><field>CUSTOMERID</field><value>C-00203</value></equalto>", 1),
        ("<notequalto><field>CUSTOMERID</field><value>C-00203</value></notequalto>", 4),
        ("<lessthan><field>CREDITLIMIT</field><value>60000</value></lessthan>", 1),
        (
            "<lessthanorequalto><field>CREDITLIMIT</field><value>60000</value></lessthanorequalto>",
            2,
        ),
        ("<greaterthan><field>CREDITLIMIT</field><value>75000</value></greaterthan>", 2),
        ("<isnull><field>COMMENTS</field></isnull>", 5),
        ("<isnotnull><field>NAME</field></isnotnull>", 5),
        ("<notin><field>CUSTOMERID</field><value>C-00201</value></notin>", 4),
        ("<notlike><field>NAME</field><value>%Inc%</value></notlike>", 5),
        (
            "<between><field>CREDITLIMIT</field><value>20000</value><value>75000</value></between>",
            3,
        ),
        (
            "<or><equalto><field>NAME</field><value>Initech LLC</value></equalto>"
            "<equalto><field>NAME</field><value>Globex Industries</value></equalto></or>",
            2,
        ),
    ],
)
def test_query_operators(client: Client, condition: str, expected: int) -> None:
    reply = client.call(
        f"<query><object>CUSTOMER</object><select><field>RECORDNO</field></select>"
        f"<filter>{condition}</filter></query>"
    )
    assert reply.result().find("data").get("totalcount") == str(expected)


def test_query_case_insensitive_option(client: Client) -> None:
    body = (
        "<query><object>CUSTOMER</object><select><field>NAME</field></select>"
        "<filter><equalto><field>NAME</field><value>acme corporation</value></equalto></filter>"
        "{options}</query>"
    )
    plain = client.call(body.format(options=""))
    insensitive = client.call(
        body.format(options="<options><caseinsensitive>true</caseinsensitive></options>")
    )
    assert plain.result().find("data").get("count") == "0"
    assert insensitive.result().findtext("data/CUSTOMER/NAME") == "Acme Corporation"


def test_query_bad_filter_is_a_function_failure(client: Client) -> None:
    reply = client.call(
        "<query><object>CUSTOMER</object><select><field>NAME</field></select>"
        "<filter><resembles><field>NAME</field><value>x</value></resembles></filter></query>"
    )
    assert reply.http.status_code == 200
    assert reply.result().findtext("status") == "failure"
    assert reply.result().findtext("errormessage/error/errorno") == "Query Failed"


# -- legacy functions --------------------------------------------------------------------------

_DATE = "<year>2024</year><month>3</month><day>7</day>"


def test_create_and_update_invoice(client: Client) -> None:
    reply = client.call(
        "<create_invoice><customerid>C-00201</customerid>"
        f"<datecreated>{_DATE}</datecreated><dateposted>{_DATE}</dateposted>"
        f"<datedue>{_DATE}</datedue><termname>Net 30</termname><invoiceno>INV-77</invoiceno>"
        "<ponumber>PO-1</ponumber><description>Legacy</description><basecurr>USD</basecurr>"
        "<currency>USD</currency><exchratetype>Intacct Daily Rate</exchratetype>"
        "<customfields><customfield><customfieldname>region</customfieldname>"
        "<customfieldvalue>West</customfieldvalue></customfield></customfields>"
        "<invoiceitems><lineitem><glaccountno>4000</glaccountno><amount>100</amount>"
        "<memo>First</memo><locationid>E100</locationid><departmentid>D1</departmentid>"
        "</lineitem><lineitem><glaccountno>4010</glaccountno><amount>50</amount></lineitem>"
        "</invoiceitems></create_invoice>"
    )
    result = reply.result()
    assert result.findtext("status") == "success"
    assert result.find("data") is None
    key = result.findtext("key")
    store = client.sandbox.store
    invoice = store.get("ARINVOICE", key)
    assert invoice["CUSTOMERID"] == "C-00201"
    assert invoice["WHENCREATED"] == "03/07/2024"
    assert invoice["RECORDID"] == "INV-77"
    assert invoice["DOCNUMBER"] == "PO-1"
    assert invoice["REGION"] == "West"
    assert invoice["TOTALENTERED"] == "150"
    lines = store.find("ARINVOICEITEM", RECORDKEY=key)
    assert [(x["ACCOUNTNO"], x["TRX_AMOUNT"], x.get("ENTRYDESCRIPTION")) for x in lines] == [
        ("4000", "100", "First"),
        ("4010", "50", None),
    ]
    read = client.call(f"<read><object>ARINVOICE</object><keys>{key}</keys></read>")
    assert len(read.result().findall("data/ARINVOICE/ARINVOICEITEMS/arinvoiceitem")) == 2

    upd = client.call(
        f'<update_invoice key="{key}"><description>Changed</description>'
        '<updateinvoiceitems><updatelineitem line_num="2"><amount>75</amount></updatelineitem>'
        "<lineitem><glaccountno>4020</glaccountno><amount>5</amount></lineitem>"
        "</updateinvoiceitems></update_invoice>"
    )
    assert upd.result().findtext("key") == key
    assert store.get("ARINVOICE", key)["DESCRIPTION"] == "Changed"
    lines = store.find("ARINVOICEITEM", RECORDKEY=key)
    assert [(x["ACCOUNTNO"], x["TRX_AMOUNT"]) for x in lines] == [
        ("4000", "100"),
        ("4010", "75"),
        ("4020", "5"),
    ]
    assert store.get("ARINVOICE", key)["TOTALENTERED"] == "180"


def test_create_and_update_aradjustment(client: Client) -> None:
    reply = client.call(
        "<create_aradjustment><customerid>C-00203</customerid>"
        f"<datecreated>{_DATE}</datecreated><adjustmentno>ADJ-9</adjustmentno>"
        "<action>Submit</action><invoiceno>INV-0003</invoiceno><description>Credit</description>"
        "<aradjustmentitems><lineitem><glaccountno>4000</glaccountno><amount>-20</amount>"
        "<memo>Goodwill</memo></lineitem></aradjustmentitems></create_aradjustment>"
    )
    key = reply.result().findtext("key")
    store = client.sandbox.store
    adjustment = store.get("ARADJUSTMENT", key)
    assert adjustment["ADJUSTMENTNO"] == "ADJ-9"
    assert adjustment["INVOICENO"] == "INV-0003"
    line = store.find("ARADJUSTMENTITEM", ARADJUSTMENTKEY=key)[0]
    assert (line["MEMO"], line["AMOUNT"]) == ("Goodwill", "-20")
    upd = client.call(
        f'<update_aradjustment key="{key}"><description>Updated</description></update_aradjustment>'
    )
    assert upd.result().findtext("status") == "success"
    assert store.get("ARADJUSTMENT", key)["DESCRIPTION"] == "Updated"
    assert len(store.find("ARADJUSTMENTITEM", ARADJUSTMENTKEY=key)) == 1  # lines untouched
    missing = client.call(
        '<update_aradjustment key="31337"><description>x</description></update_aradjustment>'
    )
    assert missing.result().findtext("status") == "failure"


def test_legacy_create_requires_fields_and_lines(client: Client) -> None:
    before = client.sandbox.store.count("ARINVOICE")
    no_customer = client.call(
        f"<create_invoice><datecreated>{_DATE}</datecreated><invoiceitems><lineitem>"
        "<glaccountno>4000</glaccountno><amount>1</amount></lineitem></invoiceitems>"
        "</create_invoice>"
    )
    assert no_customer.control_status == "failure"  # the schema check comes first
    assert no_customer.root.findtext("errormessage/error/description2") == (
        "XML Parse schema error: Error 1871: Element 'datecreated': This element is not "
        "expected. Expected is ( customerid ). Line: 1, column: 0."
    )
    no_lines = client.call(
        f"<create_invoice><customerid>C-00201</customerid><datecreated>{_DATE}</datecreated>"
        "</create_invoice>"
    )
    assert no_lines.errorno() == "XL03000003"
    assert "Missing child element(s). Expected is" in no_lines.root.findtext(
        "errormessage/error/description2")
    empty_customer = client.call(
        f"<create_invoice><customerid/><datecreated>{_DATE}</datecreated><invoiceitems>"
        "<lineitem><glaccountno>4000</glaccountno><amount>1</amount></lineitem>"
        "</invoiceitems></create_invoice>"
    )
    assert empty_customer.result().findtext("errormessage/error/errorno") == "BL03000018"
    assert client.sandbox.store.count("ARINVOICE") == before


# -- robustness ---------------------------------------------------------------------------------


def test_unknown_function_fails_alone(client: Client) -> None:
    reply = client.call('<get_list object="vendor"/>', "<getAPISession/>")
    assert reply.result(0).findtext("status") == "failure"
    assert reply.result(1).findtext("status") == "success"


def test_unexpected_exception_becomes_a_function_failure(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(ctx, body):
        raise RuntimeError("kaput")

    monkeypatch.setitem(functions.FUNCTIONS, "read", boom)
    reply = client.call("<read><object>VENDOR</object><keys>1</keys></read>")
    assert reply.http.status_code == 200
    assert reply.result().findtext("status") == "failure"
    assert reply.result().findtext("errormessage/error/errorno") == "PL04000000"
