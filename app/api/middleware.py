"""ASGI middleware: a request id on every request (from X-Request-ID or new), echoed back; request counters."""

from __future__ import annotations

import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core import i18n, metrics
from core.request_context import client_ip_var, new_request_id, request_id_var
from web.request_stats import RequestStats

HEADER = b"x-request-id"
ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, stats: RequestStats | None = None) -> None:
        self.app = app
        self.stats = stats

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(HEADER, b"").decode("latin-1")
        request_id = given if ACCEPTED_ID.match(given) else new_request_id()
        request_id_var.set(request_id)
        client = scope.get("client")
        client_ip_var.set(client[0] if client else None)
        headers = dict(scope.get("headers", []))
        # Error messages (and pages, until a musician's own choice replaces it) in the browser's language.
        i18n.set_language(i18n.negotiate(headers.get(b"accept-language", b"").decode("latin-1")))

        status = 500  # if the app fails before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER, request_id.encode())]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._count(scope, status, (time.perf_counter() - started) * 1000)

    def _count(self, scope: Scope, status: int, milliseconds: float) -> None:
        route = getattr(scope.get("route"), "path", None)
        if not route or route.startswith("/_nicegui"):
            return
        metrics.observe_request(scope.get("method", ""), route, status, milliseconds / 1000)
        if self.stats is not None:
            self.stats.record(f"{scope.get('method', '')} {route}", status, milliseconds)
