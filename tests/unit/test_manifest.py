"""A broken manifest gives one readable error: file, line, path inside the YAML, problem."""

from pathlib import Path

import pytest
from yaml_edit import edit

from connector.errors import ManifestError
from connector.intacct.filters import FILTERS
from connector.intacct.protocol import IntacctProtocol
from connector.manifest import load_manifest as load

ROOT = Path(__file__).resolve().parents[2]
PROTOCOLS = {"intacct-xml": IntacctProtocol}


def load_manifest(path, filters=None):
    return load(path, PROTOCOLS, filters)


def index_of(data: dict, key: str) -> int:
    return next(i for i, a in enumerate(data["actions"]) if a["key"] == key)





def test_the_bundled_manifest_loads():
    manifest = load_manifest(ROOT / "manifest.yaml", FILTERS)
    assert manifest.connector["key"] == "sage-intacct"
    assert {a.key for a in manifest.actions} >= {"createVendor", "rawRequest"}


def test_schema_violation_names_path_and_line(copy):
    edit(copy / "manifest.yaml", lambda d: d["actions"][2]["output"].update(mode="bogus"))
    with pytest.raises(ManifestError) as caught:
        load_manifest(copy / "manifest.yaml", FILTERS)
    error = caught.value
    assert error.path == "actions[2].output.mode"
    assert error.line is not None and error.file.endswith("manifest.yaml")
    assert "manifest.yaml:" in str(error) and "actions[2].output.mode" in str(error)


def test_missing_template_file_found_by_convention(copy):
    (copy / "actions" / "createVendor.xml.j2").unlink()
    with pytest.raises(ManifestError,
                       match=r"actions\[0\].template: file actions/createVendor.xml.j2"):
        load_manifest(copy / "manifest.yaml", FILTERS)


def test_template_that_does_not_compile(copy):
    (copy / "actions" / "read.xml.j2").write_text("<read>{% if %}</read>")
    with pytest.raises(ManifestError, match=r"actions\[1\].template: actions/read.xml.j2:1"):
        load_manifest(copy / "manifest.yaml", FILTERS)


def test_an_unknown_protocol_names_the_registered_ones(copy):
    edit(copy / "manifest.yaml", lambda d: d["connector"].update(protocol="soap"))
    with pytest.raises(ManifestError, match=r"protocol 'soap' \(registered: intacct-xml"):
        load_manifest(copy / "manifest.yaml", FILTERS)


def test_settings_over_the_protocol_s_limits_are_refused(copy):
    edit(copy / "manifest.yaml", lambda d: d["defaults"].update(batch_size=250))
    with pytest.raises(ManifestError, match="batch_size is 250; the protocol allows at most 100"):
        load_manifest(copy / "manifest.yaml", FILTERS)


def test_an_unknown_handler_is_refused(copy):
    edit(copy / "manifest.yaml",
         lambda d: d["actions"][index_of(d, "rawRequest")].update(handler="soapRequest"))
    with pytest.raises(ManifestError, match="no handler 'soapRequest'"):
        load_manifest(copy / "manifest.yaml", FILTERS)


def test_template_using_an_unregistered_filter(copy):
    with pytest.raises(ManifestError, match="No filter named 'active_status'"):
        load_manifest(copy / "manifest.yaml", {})


def test_invalid_input_schema(copy):
    (copy / "schemas" / "getVendor.json").write_text('{"type": "object", "properties": 3}')
    with pytest.raises(ManifestError, match="not a valid JSON Schema"):
        load_manifest(copy / "manifest.yaml", FILTERS)


def test_duplicate_keys(copy):
    edit(copy / "manifest.yaml", lambda d: d["actions"][1].update(key="createVendor"))
    with pytest.raises(ManifestError, match=r"actions\[1\].key: duplicate key 'createVendor'"):
        load_manifest(copy / "manifest.yaml", FILTERS)


def test_xml_input_must_name_an_input(copy):
    edit(copy / "manifest.yaml",
         lambda d: d["actions"][index_of(d, "createBill")]["xml_inputs"][0].update(input="nope"))
    with pytest.raises(ManifestError, match="'nope' is not an input"):
        load_manifest(copy / "manifest.yaml", FILTERS)


def test_yaml_syntax_error_has_a_line(copy):
    (copy / "manifest.yaml").write_text("connector: [unclosed\n")
    with pytest.raises(ManifestError, match=r"manifest.yaml:\d+: not valid YAML"):
        load_manifest(copy / "manifest.yaml")


def test_bad_datasource_declaration(copy):
    (copy / "datasources" / "selectVendor.yaml").write_text("object: VENDOR\n")
    with pytest.raises(ManifestError, match="'key_field' is a required property"):
        load_manifest(copy / "manifest.yaml", FILTERS)


# -- output schemas ------------------------------------------------------------------------------


def test_an_output_schema_is_found_by_convention_with_its_fragments_inlined(copy):
    outputs = copy / "schemas" / "outputs"
    outputs.mkdir(exist_ok=True)
    (outputs / "part.json").write_text('{"type": "string", "minLength": 1}')
    (outputs / "getVendor.json").write_text(
        '{"type": "object", "properties": {"_status": {"$ref": "part.json"}}}')
    manifest = load_manifest(copy / "manifest.yaml", FILTERS)
    action = next(a for a in manifest.actions if a.key == "getVendor")
    assert action.output_schema == {"type": "object", "properties": {
        "_status": {"type": "string", "minLength": 1}}}


def test_an_output_schema_may_be_named_and_is_checked(copy):
    (copy / "elsewhere.json").write_text('{"type": "array", "items": {"type": 12}}')
    edit(copy / "manifest.yaml",
         lambda d: d["datasources"][0].update(output_schema="elsewhere.json"))
    with pytest.raises(ManifestError) as caught:
        load_manifest(copy / "manifest.yaml", FILTERS)
    assert caught.value.path == "datasources[0].output_schema"
    assert "elsewhere.json is not a valid JSON Schema at items/type" in caught.value.problem


def test_a_named_output_schema_must_exist(copy):
    edit(copy / "manifest.yaml",
         lambda d: d["actions"][index_of(d, "getBill")].update(output_schema="missing.json"))
    with pytest.raises(ManifestError, match=r"output_schema: file missing.json does not exist"):
        load_manifest(copy / "manifest.yaml", FILTERS)
