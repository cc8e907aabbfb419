"""Sensitive elements are masked whatever their spelling: CDATA, namespaces, any case."""

import pytest

from connector.intacct.client import SENSITIVE_TAGS
from connector.redact import MASK, Redactor, redact_value

REDACTOR = Redactor(["Sess-1234-abcd"], SENSITIVE_TAGS)


@pytest.mark.parametrize("xml", [
    "<TAXID><![CDATA[12-3456789]]></TAXID>",
    "<TAXID>12-<![CDATA[3456789]]></TAXID>",
    "<taxid>12-3456789</taxid>",
    "<TaxId>12-3456789</TaxId>",
    '<ns:TAXID xmlns:ns="urn:x">12-3456789</ns:TAXID>',
    '<TAXID type="ein">12-3456789</TAXID >',
    "<ACHACCOUNTNUMBER><![CDATA[\n12-3456789\n]]></ACHACCOUNTNUMBER>",
])
def test_sensitive_text_is_masked_in_every_spelling(xml):
    masked = REDACTOR.text(f"<VENDOR><NAME>Acme</NAME>{xml}</VENDOR>")
    assert "3456789" not in masked and MASK in masked
    assert "<NAME>Acme</NAME>" in masked


def test_other_elements_and_neighbours_are_left_alone():
    text = "<TAXIDNOTE>keep</TAXIDNOTE><NOTE><![CDATA[keep too]]></NOTE>"
    assert REDACTOR.text(text) == text


def test_known_secrets_are_masked_inside_json_values():
    value = {"data": [{"sessionid": ["Sess-1234-abcd"], "n": 3}]}
    assert redact_value(REDACTOR.text, value) == {"data": [{"sessionid": [MASK], "n": 3}]}
