"""The Sage Intacct XML gateway as a connector protocol (see connector.protocol).

It renders each action's Jinja XML template (sandboxed, structurally escaped) and places raw-XML
inputs, builds readByQuery for picklists, sends through one IntacctClient per connection, and
shapes answers into the JSON the existing Sage Intacct component produces. Its limits are the
gateway's: 1,000 records a page, 100 functions a request, 2 requests in flight per company.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from lxml import etree

from connector.calls import Call, CallOptions
from connector.coordination.config import Coordination
from connector.errors import InputError, InputProblem
from connector.intacct import polling, shaping
from connector.intacct.errors import DETAIL_SCHEMA, LAYERS
from connector.intacct.filters import DATE_FORMATS
from connector.intacct.rawrequest import RawRequest
from connector.intacct.response import Response, Result
from connector.protocol import ChangeQuery, ChangeStream, Limits, Search
from connector.settings import Settings
from connector.xmlkit.compiler import ActionTemplate
from connector.xmlkit.inject import inject
from connector.xmlkit.templates import compile_check, make_environment

if TYPE_CHECKING:  # the client brings requests: imported when a call needs one
    from connector.intacct.client import IntacctClient

HANDLERS = {"rawRequest": RawRequest()}
# Characters XML 1.0 cannot carry (a search is sent as element text).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def search_condition(key: str, search: Search) -> str:
    """readByQuery's condition for a search: the text inside a quoted LIKE pattern on each
    field, its quotes doubled so that it stays one string literal whatever it holds. `%` and
    `_` the user typed stay wildcards (readByQuery has no ESCAPE), which can only widen the
    match. The LIKE is tried as typed, lower-, upper- and title-cased, since readByQuery's
    LIKE matches case."""
    if _NOT_XML.search(search.text):
        raise InputError(key, [InputProblem("search", "Search", "holds characters a request "
                                                                "cannot carry")])
    text = search.text.replace("'", "''")
    variants = dict.fromkeys([text, text.lower(), text.upper(), text.title()])
    return "(" + " OR ".join(f"{field} LIKE '%{variant}%'" for field in search.fields
                             for variant in variants) + ")"


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
        if isinstance(mode, dict):  # chosen by an input: every choice must be a known mode
            unknown = sorted(set(mode.get("values", {}).values()) - self.output_modes)
            if mode["input"] not in action.schema.get("properties", {}):
                return [("output.mode", f"reads input {mode['input']!r}, which the schema "
                                        "does not declare")]
            mode = unknown[0] if unknown else next(iter(self.output_modes))
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

    def picklist_bodies(self, source: Any, fields: Sequence[str], page_size: int, *,
                        search: Search | None = None) -> tuple[etree._Element, ...]:
        """readByQuery of the data source's object; a search becomes a LIKE on each label
        field, ANDed with the declared query."""
        condition = source.query
        if search is not None:
            like = search_condition(source.key, search)
            condition = f"({condition}) AND {like}" if condition else like
        query = etree.Element("readByQuery")
        for tag, text in (("object", source.object), ("fields", ",".join(fields)),
                          ("query", condition), ("pagesize", str(page_size))):
            etree.SubElement(query, tag).text = text
        return (query,)

    def continuation(self, result: Result) -> str:
        return result.attribute("resultId") or ""

    def continue_body(self, first: etree._Element, token: str) -> etree._Element:
        more = etree.Element("readMore")
        etree.SubElement(more, "resultId").text = token
        return more

    def test_connection(self, client: IntacctClient, connection: Mapping[str, Any],
                        options: CallOptions) -> list[dict[str, Any]]:
        """Sign in, then ask the session what it is (getAPISession inside a session answers
        with its endpoint and entity): who is signed in, where, and in which entity."""
        response = client.execute([etree.Element("getAPISession")], options)
        result = response.results[0]
        if not result.ok:
            raise result.error(response.raw.decode("utf-8", errors="replace"))
        api = result.data.find("api") if result.data is not None else None
        endpoint = api.findtext("endpoint", "") if api is not None else ""
        entity = (api.findtext("locationid", "") if api is not None else "") or "top level"
        who = f"user {connection['userId']} of company {connection['companyId']}"
        return [{"name": "sign in", "ok": True, "detail": f"signed in as {who}"},
                {"name": "entity", "ok": True, "detail": entity},
                {"name": "endpoint", "ok": True, "detail": endpoint.strip() or "(not given)"}]

    def client(self, connection: Mapping[str, Any], settings: Settings,
               coordination: Coordination) -> IntacctClient:
        from connector.intacct.client import IntacctClient

        return IntacctClient(connection, settings, coordination)

    # -- answers --------------------------------------------------------------------------

    def shape(self, call: Call, response: Response, results: Sequence[Result]) -> Any:
        return shaping.shape(call, response, results)

    def example_matches(self, mode: str, data: Any) -> bool:
        return shaping.example_matches(mode, data)

    def scaffold_action(self, key: str, label: str) -> dict[str, Any]:
        """The files `connector new action` writes (connector.intacct.scaffold)."""
        from connector.intacct.scaffold import action_files

        return action_files(key, label)

    def change_streams(self, query: ChangeQuery) -> tuple[ChangeStream, ChangeStream]:
        """Changed records by (WHENMODIFIED, RECORDNO) and deletions from AUDITHISTORY
        (connector.intacct.polling)."""
        return polling.change_streams(query)

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
