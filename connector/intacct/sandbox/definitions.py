"""The functions that describe the company's objects: lookup and inspect, answered from the
same field definitions that create and update are checked against.

lookup's Field (ID, LABEL, DESCRIPTION, REQUIRED, READONLY, DATATYPE, VALIDVALUES) and
Relationship (OBJECTPATH, OBJECTNAME, LABEL, RELATIONSHIPTYPE, RELATEDBY) are shaped as the
Objects page of the developer documentation shows them; the ``<Type>`` wrapper, ISCUSTOM and
inspect's answers are invented in the same style (docs/sandbox.md).
"""

from __future__ import annotations

from lxml import etree

from .context import Context, data_element, object_def, required_text
from .objects import ALL_OBJECTS, Field, ObjectDef
from .wire import sub


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _lookup_field(parent: etree._Element, odef: ObjectDef, field: Field) -> None:
    el = sub(parent, "Field")
    sub(el, "ID", field.name)
    sub(el, "LABEL", field.label)
    sub(el, "DESCRIPTION", field.label)
    required = field.required or field.name in odef.also_required
    sub(el, "REQUIRED", _flag(required))
    sub(el, "READONLY", _flag(field.readonly))
    sub(el, "DATATYPE", field.type)
    if field.valid_values:
        values = sub(el, "VALIDVALUES")
        for value in field.valid_values:
            sub(values, "VALIDVALUE", value)
    sub(el, "ISCUSTOM", _flag(field.custom))


def fn_lookup(ctx: Context, body: etree._Element) -> list[etree._Element]:
    """Every field and relationship of one object."""
    odef = object_def(required_text(body, "object"))
    data_el = data_element("All", count=1)
    type_el = sub(data_el, "Type")
    type_el.set("Name", odef.name)
    type_el.set("DocumentType", "")
    fields = sub(type_el, "Fields")
    for field in odef.fields:
        _lookup_field(fields, odef, field)
    relationships = sub(type_el, "Relationships")
    for related in odef.related:
        rel = sub(relationships, "Relationship")
        sub(rel, "OBJECTPATH", related.object)
        sub(rel, "OBJECTNAME", related.object)
        sub(rel, "LABEL", object_def(related.object).label)
        sub(rel, "RELATIONSHIPTYPE", "MANY2ONE")
        sub(rel, "RELATEDBY", related.by)
    return [data_el]


def fn_inspect(ctx: Context, body: etree._Element) -> list[etree._Element]:
    """`*`: the objects the company has; an object: its field names, or with detail="1" each
    field's label, type, constraints and whether a create or update answers with it."""
    name = required_text(body, "object")
    if name == "*":
        data_el = data_element("All", count=len(ALL_OBJECTS))
        for odef in ALL_OBJECTS.values():
            sub(data_el, "Type", odef.label).set("typename", odef.name)
        return [data_el]
    odef = object_def(name)
    detail = (body.get("detail") or "").strip() == "1"
    data_el = data_element("All", count=1)
    type_el = sub(data_el, "Type")
    type_el.set("Name", odef.name)
    fields = sub(type_el, "Fields")
    for field in odef.fields:
        if not detail:
            sub(fields, "Field", field.name)
            continue
        el = sub(fields, "Field")
        sub(el, "Name", field.name)
        sub(el, "DisplayLabel", field.label)
        sub(el, "dataType", field.type)
        sub(el, "isRequired", _flag(field.required or field.name in odef.also_required))
        sub(el, "isReadOnly", _flag(field.readonly))
        sub(el, "isCustom", _flag(field.custom))
        sub(el, "returnedOnWrite", _flag(field.returned))
        if field.valid_values:
            values = sub(el, "validValues")
            for value in field.valid_values:
                sub(values, "validValue", value)
    return [data_el]
