"""Every action's example inputs (the full set and the required ones) run against the strict
sandbox, and leave the state they should: what the real gateway would refuse (an element out of
DTD order, a field the object lacks, a mistyped value) shows here as a connector defect.

Inputs that name an existing record (recordNo, the ID of an update, deleteObject's keys) are
pointed at a record of the demo company; everything else is the schema's example as written.
"""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from connector.core import Connector, load_connector
from connector.intacct.sandbox.objects import lookup
from connector.intacct.sandbox.server import Sandbox
from connector.testing import example_inputs

CONNECTOR = load_connector()
ACTIONS = sorted(CONNECTOR.actions)

#: The input of an update that names its record, and the field of the record it holds.
UPDATE_KEYS = {
    "updateVendor": ("vendorId", "VENDORID"),
    "updateCustomer": ("customerId", "CUSTOMERID"),
    "updateProject": ("projectId", "PROJECTID"),
    "updateContact": ("contactName", "CONTACTNAME"),
}

#: Required-only examples the demo company refuses by design: it does not number projects.
REFUSED_BY_DESIGN = {("createProject", True)}


def target(connector: Connector, key: str, inputs: dict[str, Any]) -> tuple[str, str]:
    """(object, verb) of the action's function: read, create, update or delete."""
    body = connector.prepare(key, inputs).bodies[0]
    legacy = {"create_invoice": ("ARINVOICE", "create"), "update_invoice": ("ARINVOICE", "update"),
              "update_aradjustment": ("ARADJUSTMENT", "update")}
    if body.tag in legacy:
        return legacy[body.tag]
    if body.tag in ("read", "delete", "readByQuery", "query"):
        return body.findtext("object"), body.tag
    return body[0].tag, body.tag


def pointed_at_the_demo_company(key: str, inputs: dict[str, Any], sandbox: Sandbox,
                                obj: str, verb: str) -> dict[str, Any]:
    inputs = dict(inputs)
    records = sandbox.store.all(obj)
    if verb in ("read", "update") and "recordNo" in inputs:
        inputs["recordNo"] = records[0]["RECORDNO"]
    if key in UPDATE_KEYS:
        name, field = UPDATE_KEYS[key]
        inputs[name] = records[0][field]
    if key == "deleteObject":
        inputs["keys"] = records[-1]["RECORDNO"]
    return inputs


def free_the_example_id(sandbox: Sandbox, obj: str, inputs: dict[str, Any]) -> None:
    """A create's example ID that the demo company already uses (the contact "John Doe") is
    freed, so the example runs as written."""
    odef = lookup(obj)
    for value in inputs.values():
        taken = sandbox.store.get_by_id(obj, value) if odef and odef.id_field else None
        if isinstance(value, str) and taken:
            sandbox.store.delete(obj, int(taken["RECORDNO"]))


def audit_rows(sandbox: Sandbox, obj: str, mode: str) -> list[dict]:
    return sandbox.store.find("AUDITHISTORY", OBJECTTYPE=obj.lower(), ACCESSMODE=mode)


@pytest.mark.parametrize("required_only", [False, True], ids=["all", "required"])
@pytest.mark.parametrize("key", ACTIONS)
def test_example_inputs_run_and_leave_their_state(key: str, required_only: bool,
                                                  sandbox: Sandbox) -> None:
    action = CONNECTOR.action(key)
    inputs = example_inputs(action.schema, required_only=required_only)
    obj, verb = target(CONNECTOR, key, inputs)
    inputs = pointed_at_the_demo_company(key, inputs, sandbox, obj, verb)
    if verb == "create":
        free_the_example_id(sandbox, obj, inputs)
    count = sandbox.store.count(obj)
    connection = sandbox.connection
    if (key, required_only) in REFUSED_BY_DESIGN:
        with pytest.raises(Exception, match="PROJECTID"):
            CONNECTOR.invoke(key, inputs, connection)
        assert sandbox.store.count(obj) == count
        return

    output = CONNECTOR.invoke(key, inputs, connection)

    if verb == "create":
        assert sandbox.store.count(obj) == count + 1
        assert len(audit_rows(sandbox, obj, "Created")) == 1
    elif verb == "update":
        assert sandbox.store.count(obj) == count
        [row] = audit_rows(sandbox, obj, "Modified")
        assert sandbox.store.get(obj, row["OBJECTKEY"]) is not None
    elif verb == "delete":
        assert sandbox.store.count(obj) == count - 1
        assert sandbox.store.get(obj, inputs["keys"]) is None
    elif verb == "read":
        data = output["data"]
        record = data["_data"][0] if "_data" in data else data  # result or record mode
        assert record["RECORDNO"] == inputs["recordNo"]
    else:  # the lists (queryAndList, and rawRequest's query)
        assert output["data"], f"{key} found nothing in the demo company"


def test_rendered_legacy_examples_follow_the_dtd() -> None:
    """The legacy functions' full examples, as rendered, pass the DTD 3.0 check."""
    from connector.intacct.sandbox.legacyschema import violations

    for key in ("createInvoice", "updateInvoice", "updateARAdjustment"):
        bodies = CONNECTOR.prepare(key, example_inputs(CONNECTOR.action(key).schema)).bodies
        assert violations(bodies[0]) == [], etree.tostring(bodies[0])
