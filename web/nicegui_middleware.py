"""NiceGUI's three request middlewares as plain ASGI: the same work without BaseHTTPMiddleware.

``ui.run`` wraps every HTTP request in three BaseHTTPMiddleware layers: prefix redirects, cache
headers on NiceGUI's own assets, and the tracking that gives each browser its storage. A
BaseHTTPMiddleware runs the rest of the app in a new task with memory streams; py-spy on a
server answering POST /api/practice/logs put the three at about 15% of its CPU. The classes
below do what NiceGUI's do (``nicegui/middlewares.py``, ``nicegui/storage.py``; pinned below 4)
on the ASGI messages themselves, except that API requests get no browser storage (see
``RequestTracking``). ``install()`` puts them where ``ui.run`` picks its classes up, so it must
run before ``ui.run``; tests compare them with NiceGUI's on the same requests.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from nicegui import __version__ as nicegui_version
from nicegui import core, storage, ui_run
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _on_response_start(send: Send, change: Callable[[MutableHeaders], None]) -> Send:
    """``send``, with ``change(headers)`` applied to the response's headers before they go out."""

    async def send_changed(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = list(message.get("headers", []))
            change(MutableHeaders(raw=message["headers"]))
        await send(message)

    return send_changed


class RedirectWithPrefix:
    """A redirect to "/path" goes to X-Forwarded-Prefix + "/path" (an app mounted below a prefix)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        prefix = Headers(scope=scope).get("x-forwarded-prefix", "") if scope["type"] == "http" else ""
        if not prefix:
            await self.app(scope, receive, send)
            return

        def prefixed(headers: MutableHeaders) -> None:
            location = headers.get("location")
            if location is not None and location.startswith("/"):
                headers["location"] = prefix + location

        await self.app(scope, receive, _on_response_start(send, prefixed))


class CacheControlOfAssets:
    """NiceGUI's versioned assets (not its dynamic resources) carry the configured Cache-Control."""

    ASSETS = f"/_nicegui/{nicegui_version}/"
    DYNAMIC = f"{ASSETS}dynamic_resources/"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.ASSETS) or path.startswith(self.DYNAMIC):
            await self.app(scope, receive, send)
            return

        def cached(headers: MutableHeaders) -> None:
            headers["cache-control"] = core.app.config.cache_control_directives

        await self.app(scope, receive, _on_response_start(send, cached))


class RequestTracking:
    """Each request knows its browser (a storage id in the signed session cookie) and that storage exists.

    Except on ``WITHOUT_BROWSER`` paths (the REST API, metrics): NiceGUI gives every request
    without the cookie a new id and a new storage that is never removed, with Redis a new client
    and subscription each. API clients send no cookies, and neither do health checks or
    Prometheus, so every one of their requests would add one; nothing there reads browser storage.
    """

    WITHOUT_BROWSER = ("/api/", "/metrics")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith(self.WITHOUT_BROWSER):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        storage.request_contextvar.set(request)
        if "id" not in request.session:
            request.session["id"] = str(uuid.uuid4())
        request.state.responded = False
        browser_id = request.session["id"]
        active = core.app.storage._active_request_sessions
        active[browser_id] += 1
        try:
            if browser_id not in core.app.storage._users:
                await core.app.storage._create_user_storage(browser_id)

            async def send_tracked(message: Message) -> None:
                if message["type"] == "http.response.start":
                    request.state.responded = True  # storage cookies can no longer be set
                await send(message)

            await self.app(scope, receive, send_tracked)
        finally:
            active[browser_id] -= 1
            if active[browser_id] <= 0:
                del active[browser_id]


def install() -> None:
    ui_run.RedirectWithPrefixMiddleware = RedirectWithPrefix  # type: ignore[assignment,misc]  # replacing NiceGUI classes on purpose (see above)
    ui_run.SetCacheControlMiddleware = CacheControlOfAssets  # type: ignore[assignment,misc]  # replacing NiceGUI classes on purpose (see above)
    storage.RequestTrackingMiddleware = RequestTracking  # type: ignore[assignment,misc]  # replacing NiceGUI classes on purpose (see above)
