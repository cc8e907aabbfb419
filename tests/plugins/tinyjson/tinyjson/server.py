"""A tiny JSON-over-HTTP notes API, the remote end of the second protocol in the tests.

POST /rpc with a bearer token and {"calls": [{"id", "method", "params"}]}; the answer is
{"results": [{"id", "ok", "records", "next", "replayed", "error"}]}. Methods: create, get, list
(paged by cursor), update, and changes (notes by (modified, id) from a position, or the newest
with "newest": true). Notes carry `created` and `modified`, ISO 8601 UTC to the millisecond
(a finer clock than Intacct's), from the server's clock (`Notes.clock`). A call id that already
succeeded is not run again: its answer says "replayed", as Intacct's uniqueid does.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "tiny-token-0123456789"


class Notes:
    """The server's state: notes by id, executed call ids, requests seen."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.records: dict[str, dict[str, Any]] = {}
        self.executed: dict[str, dict[str, Any]] = {}
        self.requests = 0
        self.clock: Callable[[], float] = time.time

    def now(self) -> str:
        stamp = datetime.fromtimestamp(self.clock(), tz=timezone.utc)
        return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def call(self, call: dict[str, Any]) -> dict[str, Any]:
        call_id, method, params = call.get("id"), call.get("method"), call.get("params", {})
        if call_id in self.executed:
            return {**self.executed[call_id], "replayed": True}
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _error(call_id, "bad_method", f"no method {method!r}")
        answer = handler(call_id, params)
        if answer["ok"] and method in ("create", "update"):
            self.executed[call_id] = answer
        return answer

    def _create(self, call_id: str, params: dict[str, Any]) -> dict[str, Any]:
        fields = params.get("fields", {})
        if not fields.get("title"):
            return _error(call_id, "required", "title is required")
        now = self.now()
        note = {"id": str(len(self.records) + 1), **fields, "created": now, "modified": now}
        self.records[note["id"]] = note
        return _ok(call_id, [note])

    def _get(self, call_id: str, params: dict[str, Any]) -> dict[str, Any]:
        note = self.records.get(str(params.get("id")))
        return _ok(call_id, [note]) if note else _error(call_id, "not_found", "no such note")

    def _update(self, call_id: str, params: dict[str, Any]) -> dict[str, Any]:
        note = self.records.get(str(params.get("id")))
        if note is None:
            return _error(call_id, "not_found", "no such note")
        note.update(params.get("fields", {}))
        note["modified"] = self.now()
        return _ok(call_id, [note])

    def _list(self, call_id: str, params: dict[str, Any]) -> dict[str, Any]:
        wanted = params.get("fields")
        rows = [r for r in self.records.values()
                if all(r.get(k) == v for k, v in params.get("filter", {}).items())]
        start, limit = int(params.get("cursor") or 0), int(params.get("limit", 100))
        page = rows[start:start + limit]
        if wanted:
            page = [{k: r.get(k) for k in wanted} for r in page]
        more = start + limit < len(rows)
        return {**_ok(call_id, page), "next": str(start + limit) if more else None}


    def _changes(self, call_id: str, params: dict[str, Any]) -> dict[str, Any]:
        def position(note: dict[str, Any]) -> tuple[str, int]:
            return note["modified"], int(note["id"])

        rows = sorted(self.records.values(), key=position, reverse=bool(params.get("newest")))
        since, after = params.get("since"), params.get("after")
        if since is not None:
            start = (since, int(after) if after is not None else -1)
            rows = [r for r in rows if position(r) > start]
        return _ok(call_id, rows[:int(params.get("limit", 100))])


def _ok(call_id: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": call_id, "ok": True, "records": records, "next": None}


def _error(call_id: str, code: str, message: str) -> dict[str, Any]:
    return {"id": call_id, "ok": False, "error": {"code": code, "message": message}}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._send(401, {"error": {"code": "unauthorized", "message": "bad token"}})
            return
        notes = self.server.notes
        with notes.lock:
            notes.requests += 1
            calls = json.loads(body)["calls"]
            self._send(200, {"results": [notes.call(call) for call in calls]})

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.notes = Notes()


@contextmanager
def running_notes_api() -> Iterator[tuple[str, Notes]]:
    """The API on a free loopback port: its base URL and its state."""
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.notes
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
