"""tiny-json: a second protocol, JSON over HTTP, written against connector.protocol alone.

It proves the seam: nothing in the generic core changed for it. Bodies are rendered from Jinja
JSON templates (values through `tojson`, so they stay data), sent as one batch per request with
stable call ids, paged by cursor, and shaped with the generic modes (record, records, inputs).
Its change stream lists notes by (modified, id), times to the millisecond; it has no way to
see deletions.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import requests
from jinja2.sandbox import SandboxedEnvironment

from connector import shaping
from connector.calls import Call, CallOptions
from connector.errors import (
    FunctionError,
    InputError,
    InputProblem,
    TemplateError,
    TransportError,
)
from connector.protocol import Change, ChangeQuery, Limits, Position, Read
from connector.redact import Redactor


@dataclass(frozen=True)
class Problem:
    """One error the notes API reported."""

    code: str
    message: str

    def text(self) -> str:
        return f"{self.code}: {self.message}"

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass
class Result:
    status: str
    function: str
    controlid: str
    records: list[dict[str, Any]] = field(default_factory=list)
    next: str | None = None
    already_applied: bool = False
    errors: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "success"

    @property
    def more(self) -> bool:
        return self.next is not None

    def error(self, raw_response: str = "") -> FunctionError:
        return FunctionError(self.errors, raw_response, function=self.function,
                             controlid=self.controlid)


@dataclass
class Response:
    results: list[Result]
    raw: bytes


class Client:
    """One base URL and token; each request is a batch of calls."""

    def __init__(self, connection: Mapping[str, Any]) -> None:
        self._url = connection["baseUrl"].rstrip("/") + "/rpc"
        self._token = connection["token"]
        self._http = requests.Session()
        self.redactor = Redactor([self._token])

    def execute(self, bodies: Sequence[dict[str, Any]], options: CallOptions) -> Response:
        ids = options.controlids or [str(uuid.uuid4()) for _ in bodies]
        calls = [{"id": i, **body} for i, body in zip(ids, bodies, strict=True)]
        try:
            http = self._http.post(self._url, json={"calls": calls}, timeout=30,
                                   headers={"Authorization": f"Bearer {self._token}"})
        except requests.RequestException as exc:
            raise TransportError(f"could not reach {self._url}: {type(exc).__name__}",
                                 transient=True) from None
        if http.status_code != 200:
            raise TransportError(f"the notes API answered HTTP {http.status_code}",
                                 status=http.status_code)
        return Response([_result(call, answer) for call, answer
                         in zip(calls, http.json()["results"], strict=True)], http.content)

    def pages(self, body: dict[str, Any], options: CallOptions) -> Iterator[Result]:
        cursor = None
        while True:
            page = {**body, "params": {**body["params"], "cursor": cursor}}
            result = self.execute([page], options).results[0]
            if not result.ok:
                raise result.error()
            yield result
            if not result.more:
                return
            cursor = result.next

    def preview(self, bodies: Sequence[dict[str, Any]], options: CallOptions) -> str:
        return self.redactor.text(json.dumps({"calls": list(bodies)}, indent=2))

    def close(self) -> None:
        self._http.close()


def _result(call: dict[str, Any], answer: dict[str, Any]) -> Result:
    error = answer.get("error")
    return Result(status="success" if answer["ok"] else "failure", function=call["method"],
                  controlid=call["id"], records=answer.get("records", []),
                  next=answer.get("next"), already_applied=answer.get("replayed", False),
                  errors=[Problem(error["code"], error["message"])] if error else [])


def _time(text: str) -> datetime:
    """A note's time (ISO 8601 UTC) as the naive datetime the feed logic works in."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def _text(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds") + "Z"


class NoteChanges:
    """Notes by (modified, id), a page per request."""

    def __init__(self, query: ChangeQuery) -> None:
        self.query = query

    def latest(self, read: Read) -> Position | None:
        rows = list(read({"method": "changes", "params": {"newest": True, "limit": 1}}))
        return (_time(rows[0]["modified"]), rows[0]["id"]) if rows else None

    def read(self, read: Read, start: datetime | None, after: str | None, page_size: int,
             known: Callable[[Position], bool] | None = None) -> Iterator[Change]:
        q = self.query
        while True:
            params = {"limit": page_size}
            if start is not None:
                params.update(since=_text(start), after=after)
            rows = list(read({"method": "changes", "params": params}))
            for row in rows:
                modified = _time(row[q.modified_field])
                created = row.get(q.created_field) if q.created_field else None
                yield Change(str(row[q.key_field]), modified, modified,
                             _time(created) if created else None, row)
            if len(rows) < page_size:
                return
            start, after = _time(rows[-1][q.modified_field]), str(rows[-1][q.key_field])


class TinyJSONProtocol:
    name = "tiny-json"
    limits = Limits(max_page_size=50, max_batch_size=10, concurrency=4)
    request_format = "JSON"
    template_suffix = ".json.j2"
    input_date_formats: tuple[str, ...] = ()
    default_key_field = "id"
    output_modes = shaping.GENERIC_MODES
    error_detail_schema: Mapping[str, Any] = {
        "type": "object", "properties": {"code": {"type": "string"},
                                         "message": {"type": "string"}}}
    error_layers = ("request", "call")

    def __init__(self, filters: Mapping[str, Callable[..., Any]]) -> None:
        self._environments: dict[Path, SandboxedEnvironment] = {}

    def check_action(self, action: Any) -> list[tuple[str, str]]:
        if action.handler:
            return [("handler", "tiny-json has no handlers")]
        if action.output.get("mode") not in self.output_modes:
            return [("output.mode", f"unknown output mode {action.output.get('mode')!r}")]
        try:
            self._environment(action.base_dir).get_template(action.template)
        except jinja2.TemplateError as exc:
            return [("template", f"{action.template}: {exc}")]
        return []

    def handler(self, name: str) -> Any:
        raise KeyError(name)

    def render(self, action: Any, values: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
        properties = action.schema.get("properties", {})
        context = {**action.template_params, **{n: values.get(n) for n in properties}}
        text = self._environment(action.base_dir).get_template(action.template).render(context)
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TemplateError(f"template {action.template} rendered invalid JSON: {exc}"
                                ) from None
        fields = body.get("params", {}).get("fields")
        if isinstance(fields, dict):  # an input that was not given sends nothing
            body["params"]["fields"] = {k: v for k, v in fields.items() if v is not None}
        return (body,)

    def picklist_bodies(self, source: Any, fields: Sequence[str], page_size: int, *,
                        search: Any = None) -> tuple[dict[str, Any], ...]:
        if search is not None:  # the server has no filter: decline rather than read it all
            raise InputError(source.key, [InputProblem("search", "Search", "the tinyjson "
                                                       "protocol cannot search a list")])
        return ({"method": "list", "params": {"object": source.object, "fields": list(fields),
                                              "limit": page_size}},)

    def continuation(self, result: Result) -> str:
        return result.next or ""

    def continue_body(self, first: dict[str, Any], token: str) -> dict[str, Any]:
        return {**first, "params": {**first["params"], "cursor": token}}

    def client(self, connection: Mapping[str, Any], settings: Any, coordination: Any) -> Client:
        return Client(connection)

    def shape(self, call: Call, response: Response, results: Sequence[Result]) -> Any:
        if call.output.mode == "record":
            return shaping.first_record(results)
        return shaping.echoed_inputs(call, results)

    def example_matches(self, mode: str, data: Any) -> bool:
        return {"record": isinstance(data, dict) and "id" in data,
                "records": isinstance(data, list),
                "inputs": isinstance(data, dict) and "_controlId" in data}[mode]

    @contextlib.contextmanager
    def sandbox(self, db: str, seed: str | None) -> Iterator[dict[str, Any]]:
        from tinyjson.server import TOKEN, running_notes_api

        with running_notes_api() as (url, _):
            yield {"baseUrl": url, "token": TOKEN}

    def change_streams(self, query: ChangeQuery) -> tuple[NoteChanges, None]:
        return NoteChanges(query), None

    def _environment(self, base_dir: Path) -> SandboxedEnvironment:
        if base_dir not in self._environments:
            self._environments[base_dir] = SandboxedEnvironment(
                loader=jinja2.FileSystemLoader(str(base_dir)),
                undefined=jinja2.StrictUndefined, autoescape=False)
        return self._environments[base_dir]
