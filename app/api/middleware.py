"""ASGI middleware: a request id on every request (from X-Request-ID or new), echoed back."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.request_context import client_ip_var, new_request_id, request_id_var

HEADER = b"x-request-id"
ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(HEADER, b"").decode("latin-1")
        request_id = given if ACCEPTED_ID.match(given) else new_request_id()
        request_id_var.set(request_id)
        client = scope.get("client")
        client_ip_var.set(client[0] if client else None)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER, request_id.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)
