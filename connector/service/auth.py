"""Bearer token check in front of every route that is not public.

A request without the right token gets 401 before its body is read or any route runs. The
token is compared in constant time.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from connector.service.problems import problem


class BearerAuth:
    """ASGI middleware requiring `Authorization: Bearer <token>` unless `public(path)`."""

    def __init__(self, app: ASGIApp, token: str, public: Callable[[str], bool]) -> None:
        if not token:
            raise ValueError("the service needs a non-empty token")
        self.app = app
        self._token = token.encode("utf-8")
        self._public = public

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._public(scope["path"]) or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        response = problem(scope, 401, "Unauthorized",
                           "a valid 'Authorization: Bearer <token>' header is required",
                           headers={"WWW-Authenticate": "Bearer"})
        await response(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        header = dict(scope["headers"]).get(b"authorization", b"")
        scheme, _, given = header.partition(b" ")
        if scheme.lower() != b"bearer":
            return False
        return hmac.compare_digest(given.strip(), self._token)
