"""The Sage Intacct XML gateway as a connector protocol (see connector.protocol).

It renders each action's Jinja XML template (sandboxed, structurally escaped) and places raw-XML
inputs, builds readByQuery for picklists, sends through one IntacctClient per connection, and
shapes answers into the JSON the existing Sage Intacct component produces. Its limits are the
gateway's: 1,000 records a page, 100 functions a request, 2 requests in flight per company.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from lxml import etree

from connector.calls import Call
from connector.coordination.config import Coordination
from connector.intacct import shaping
from connector.intacct.client import IntacctClient
from connector.intacct.errors import DETAIL_SCHEMA, LAYERS
from connector.intacct.filters import DATE_FORMATS
from connector.intacct.rawrequest import RawRequest
from connector.intacct.response import Response, Result
from connector.protocol import Limits
from connector.settings import Settings
from connector.xmlkit.compiler import ActionTemplate
from connector.xmlkit.inject import inject
from connector.xmlkit.templates import compile_check, make_environment

HANDLERS = {"rawRequest": RawRequest()}


class IntacctProtocol:
    """Intacct's XML Web Services (DTD 3.0), built once per connector."""

    name = "intacct-xml"
    limits = Limits(max_page_size=1000, max_batch_size=100, concurrency=2)
    request_format = "XML"
    template_suffix = ".xml.j2"
    input_date_formats = DATE_FORMATS
    default_key_field = "RECORDNO"
    output_modes = shaping.MODES
    error_detail_schema = DETAIL_SCHEMA
    error_layers = LAYERS

    def __init__(self, filters: Mapping[str, Callable[..., Any]]) -> None:
        self._filters = dict(filters)
        self._environments: dict[Path, jinja2.Environment] = {}
        # Per action (by identity; the entry holds the action so a recycled id never matches).
        self._templates: dict[int, tuple[Any, ActionTemplate, dict[str, str]]] = {}

    # -- declarations ---------------------------------------------------------------------

    def check_action(self, action: Any) -> list[tuple[str, str]]:
        """What stops this protocol from running the action, as (field, problem) pairs."""
        if action.handler:
            handler = HANDLERS.get(action.handler)
            if handler is None:
                return [("handler", f"the {self.name} protocol has no handler "
                                    f"{action.handler!r} (it has: {', '.join(HANDLERS)})")]
            missing = sorted(handler.inputs() - set(action.schema.get("properties", {})))
            return [("schema", f"handler {action.handler} reads inputs the schema does not "
                               f"declare: {', '.join(missing)}")] if missing else []
        mode = action.output.get("mode")
        if mode not in self.output_modes:
            return [("output.mode", f"unknown output mode {mode!r}; {self.name} has "
                               f"{', '.join(sorted(self.output_modes))}")]
        try:
            compile_check(self._environment(action.base_dir), action.template)
        except jinja2.TemplateSyntaxError as exc:
            return [("template", f"{exc.filename or action.template}:{exc.lineno}: "
                                 f"{exc.message}")]
        except jinja2.TemplateError as exc:
            return [("template", f"{action.template}: {exc}")]
        return []

    def handler(self, name: str) -> RawRequest:
        return HANDLERS[name]

    # -- requests -------------------------------------------------------------------------

    def render(self, action: Any, values: Mapping[str, Any]) -> tuple[etree._Element, ...]:
        if action.handler:
            return self.handler(action.handler).bodies(action, values)
        template, titles = self._template(action)
        body = template.render(values)
        if action.xml_inputs:
            body = inject(action.key, action.xml_inputs, body, values, titles)
        return (body,)

    def picklist_bodies(self, source: Any, fields: Sequence[str], page_size: int
                        ) -> tuple[etree._Element, ...]:
        query = etree.Element("readByQuery")
        for tag, text in (("object", source.object), ("fields", ",".join(fields)),
                          ("query", source.query), ("pagesize", str(page_size))):
            etree.SubElement(query, tag).text = text
        return (query,)

    def client(self, connection: Mapping[str, Any], settings: Settings,
               coordination: Coordination) -> IntacctClient:
        return IntacctClient(connection, settings, coordination)

    # -- answers --------------------------------------------------------------------------

    def shape(self, call: Call, response: Response, results: Sequence[Result]) -> Any:
        return shaping.shape(call, response, results)

    def example_matches(self, mode: str, data: Any) -> bool:
        return shaping.example_matches(mode, data)

    @contextlib.contextmanager
    def sandbox(self, db: str, seed: str | None) -> Iterator[dict[str, Any]]:
        """The embedded gateway emulator (connector.intacct.sandbox), yielding a connection."""
        from connector.intacct.sandbox import running_sandbox  # only when a sandbox is asked for

        with running_sandbox(db=db, seed=seed) as sandbox:
            yield sandbox.connection

    def _template(self, action: Any) -> tuple[ActionTemplate, dict[str, str]]:
        """The action's template, compiled on its first render, and its inputs' titles."""
        cached = self._templates.get(id(action))
        if cached is None or cached[0] is not action:
            properties = action.schema.get("properties", {})
            template = ActionTemplate(self._environment(action.base_dir), action.template,
                                      frozenset(properties), action.template_params)
            titles = {name: prop.get("title", "") for name, prop in properties.items()}
            cached = self._templates[id(action)] = (action, template, titles)
        return cached[1], cached[2]

    def _environment(self, base_dir: Path) -> jinja2.Environment:
        if base_dir not in self._environments:
            self._environments[base_dir] = make_environment(base_dir, self._filters)
        return self._environments[base_dir]
