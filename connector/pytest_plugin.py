"""The standard suite as a pytest class a plugin package runs against its own manifest.

    # tests/test_standard.py of a plugin package
    from connector.pytest_plugin import StandardSuite

    class TestAcme(StandardSuite):
        manifest = Path(__file__).parent.parent / "acme" / "manifest.yaml"   # or None
        plugins = ("acme",)   # modules to load besides the entry-point plugins

pytest collects one test per action and data source and per check: the manifest passes
`connector validate`; each schema is form-ready; the example inputs render a request; leaving
out a required input is refused naming it; the example output has the declared mode's shape;
each `ui_callable` action runs on its example inputs against the protocol's sandbox and answers
in that shape; each data source lists {key, label} items there. Nothing here knows a protocol.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from connector.core import Connector, load_connector, load_manifest
from connector.testing import (
    example_inputs,
    missing_input_problems,
    output_mode_problems,
    schema_problems,
)

# The checks, and which keys each is generated for.
ON_ACTIONS = ("test_example_inputs_render", "test_a_missing_required_input_is_named",
              "test_output_mode_agrees_with_the_example")
ON_EVERY_KEY = ("test_schema_is_form_ready",)
ON_CALLABLE = ("test_read_only_action_runs_in_the_sandbox",)
ON_DATASOURCES = ("test_datasource_lists_items_in_the_sandbox",)


class StandardSuite:
    """Subclass it (named Test...) and set `manifest` and/or `plugins`."""

    manifest: ClassVar[str | Path | None] = None
    plugins: ClassVar[tuple[str, ...]] = ()
    connector_key: ClassVar[str | None] = None
    seed: ClassVar[str | None] = "demo"

    @classmethod
    def load(cls) -> Connector:
        modules = [importlib.import_module(name) for name in cls.plugins]
        return load_connector(cls.manifest, plugins=modules, key=cls.connector_key)

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "key" not in metafunc.fixturenames:
            return
        connector = type(self).load()
        try:
            name = metafunc.function.__name__
            if name in ON_ACTIONS:
                keys = sorted(connector.actions)
            elif name in ON_EVERY_KEY:
                keys = sorted([*connector.actions, *connector.datasources])
            elif name in ON_CALLABLE:
                keys = sorted(k for k, a in connector.actions.items() if a.ui_callable)
            else:
                keys = sorted(connector.datasources)
        finally:
            connector.close()
        metafunc.parametrize("key", keys)

    @pytest.fixture(scope="class")
    @classmethod
    def connector(cls) -> Iterator[Connector]:
        loaded = cls.load()
        yield loaded
        loaded.close()

    @pytest.fixture(scope="class")
    @classmethod
    def sandbox_connection(cls, connector: Connector,
                           tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
        """A connection to the protocol's sandbox, seeded, in a file of its own."""
        db = tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3"
        with connector.protocol.sandbox(str(db), cls.seed) as connection:
            yield dict(connection)

    def test_manifest_validates(self, connector: Connector) -> None:
        manifest = load_manifest(connector.manifest.path, connector.registry, cache=False)
        assert manifest.actions or manifest.datasources

    def test_schema_is_form_ready(self, connector: Connector, key: str) -> None:
        spec = connector.actions.get(key) or connector.datasources[key]
        assert schema_problems(connector, spec) == []

    def test_example_inputs_render(self, connector: Connector, key: str) -> None:
        schema = connector.action(key).schema
        for required_only in (False, True):
            assert connector.render(key, example_inputs(schema, required_only=required_only))

    def test_a_missing_required_input_is_named(self, connector: Connector, key: str) -> None:
        assert missing_input_problems(connector, connector.action(key)) == []

    def test_output_mode_agrees_with_the_example(self, connector: Connector, key: str) -> None:
        assert output_mode_problems(connector, connector.action(key)) == []

    def test_read_only_action_runs_in_the_sandbox(self, connector: Connector, key: str,
                                                  sandbox_connection: dict[str, Any]) -> None:
        action = connector.action(key)
        output = connector.invoke(key, example_inputs(action.schema), sandbox_connection)
        mode = action.output["mode"]
        if output["data"] is not None and isinstance(mode, str):
            assert connector.protocol.example_matches(mode, output["data"]), \
                f"{key}'s output does not have the shape of output mode {mode}"

    def test_datasource_lists_items_in_the_sandbox(self, connector: Connector, key: str,
                                                   sandbox_connection: dict[str, Any]) -> None:
        items = connector.picklist(key, {}, sandbox_connection)
        assert all(set(item) == {"key", "label"} for item in items)
        labels = [item["label"].casefold() for item in items]
        assert labels == sorted(labels)
