"""The committed record schemas are what the sandbox's field tables say (tests/record_schemas.py
writes them), and they describe the records the sandbox actually returns."""

import json

import pytest
from record_schemas import RECORDS, generated

from connector.intacct.sandbox.objects import ALL_OBJECTS

GENERATED = generated()


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_the_committed_schema_is_the_generated_one(name):
    path = RECORDS / name
    assert path.is_file(), f"run tests/record_schemas.py: {name} is missing"
    assert path.read_text() == GENERATED[name], f"run tests/record_schemas.py: {name} is stale"


def test_no_record_schema_is_left_over():
    assert {p.name for p in RECORDS.glob("*.json")} == set(GENERATED)


def test_a_field_is_typed_by_its_table():
    vendor = json.loads(GENERATED["VENDOR.json"])
    fields = vendor["properties"]
    assert fields["CREDITLIMIT"]["pattern"] and fields["ONHOLD"]["pattern"] == "^(true|false)?$"
    mail = fields["DISPLAYCONTACT"]["properties"]["MAILADDRESS"]["properties"]
    assert set(mail) >= {"ADDRESS1", "CITY", "COUNTRYCODE"}
    bill = json.loads(GENERATED["APBILL.json"])["properties"]["APBILLITEMS"]
    assert bill["properties"]["apbillitem"]["anyOf"][0] == {"$ref": "APBILLITEM.json"}
    assert set(ALL_OBJECTS) == {name.removesuffix(".json") for name in GENERATED}
