"""JSON responses in the one shape every route uses, errors included: {"error": {...}}."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import JSONResponse


class APIResponse(JSONResponse):
    """JSON that is never cached: API answers carry business data."""

    def __init__(self, content: Any, status_code: int = 200,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(content, status_code, {"Cache-Control": "no-store", **(headers or {})})

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, default=str,
                          separators=(",", ":")).encode("utf-8")


def error_response(status: int, type_: str, message: str,
                   headers: Mapping[str, str] | None = None) -> APIResponse:
    """An error of the service itself (not a ConnectorError): type and message."""
    return APIResponse({"error": {"type": type_, "message": message}}, status, headers)
