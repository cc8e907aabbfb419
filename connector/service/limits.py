"""Request body size limit, enforced before and while the body is read.

A declared Content-Length over the limit is refused up front; a chunked body is counted as the
application reads it and refused as soon as it passes the limit, so a huge body is never
buffered whole.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from connector.service.problems import problem


class BodyTooLarge(Exception):
    """Raised from `receive` when the body passes the limit; turned into 413 below."""


class BodyLimit:
    """ASGI middleware answering 413 to bodies larger than `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(scope, 413, "PayloadTooLarge",
                           f"the request body is larger than {self.max_bytes} bytes",
                           headers={"Connection": "close"})
        await response(scope, receive, send)
