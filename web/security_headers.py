"""Security headers, the storage cookie's flags and the websocket's Origin check, set in one place.

Every response carries ``nosniff``, a frame ban, a referrer policy that never sends a path (sign-in
and invitation pages carry their token in the URL) and, behind https, HSTS. HTML gets a Content
Security Policy with a fresh nonce stamped on each of its ``<script>`` elements, so no inline
script or event-handler attribute runs unless the server wrote it. What NiceGUI needs, measured in
Chromium on every page (``tests/browser/test_security_headers.py``):

- ``'unsafe-eval'``: NiceGUI itself evaluates code (``nicegui.js``: ``ui.run_javascript``, handlers
  given as JavaScript, ``:prop`` bindings) and loads Vue's in-browser template compiler, which
  compiles components with ``new Function``. Plotly needs it too.
- ``style-src 'unsafe-inline'``: Quasar, Tailwind's browser build and Plotly write style elements
  and attributes at run time.

JSON answers get ``default-src 'none'``; scripts get no policy of their own (the service worker's
script would be bound by it); FastAPI's Swagger page (``/api/docs``) loads its script from
jsDelivr, as FastAPI ships it.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from nicegui import core
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DOCS_PATHS = ("/api/docs",)
_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])")
COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    # Only the origin, never a path or query: links carry tokens; the sign-in form's Origin check still works.
    "referrer-policy": "strict-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), geolocation=(), payment=(), usb=(), microphone=(self)",
}
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def page_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "media-src 'self' blob:",
            "worker-src 'self' blob:",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def docs_policy(nonce: str) -> str:
    cdn = "https://cdn.jsdelivr.net"
    return (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}' {cdn}; style-src 'self' 'unsafe-inline' {cdn}; "
        "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; frame-ancestors 'none'"
    )


_COMMON_RAW = [(k.encode(), v.encode()) for k, v in COMMON.items()]
_HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    """ASGI middleware: the headers above on every HTTP response; the nonce stamped into HTML.

    HSTS is sent when the app's public address (``MIRUBATO_BASE_URL``) is https.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        common = [*_COMMON_RAW, _HSTS] if is_https(scope["app"].state.settings.base_url) else _COMMON_RAW
        stamp = scope.get("method") != "HEAD"  # a HEAD answer has no body to stamp (nor to measure)
        nonce = secrets.token_urlsafe(16)
        policy = docs_policy if scope.get("path", "") in DOCS_PATHS else page_policy
        start: Message | None = None
        body: list[bytes] = []

        async def send_secured(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                headers.raw.extend(common)
                content_type = headers.get("content-type", "")
                is_html = content_type.startswith("text/html")
                if is_html:
                    headers.append("content-security-policy", policy(nonce))
                elif content_type.startswith("application/json"):
                    headers.append("content-security-policy", API_POLICY)
                # Scripts get none: a service worker's script would be bound by it (and fetch nothing).
                if is_html and stamp:
                    start = {**message, "headers": headers.raw}
                    return
                await send({**message, "headers": headers.raw})
                return
            if start is None:  # not HTML: passed through as it comes
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            html = _SCRIPT_TAG.sub(b'<script nonce="' + nonce.encode() + b'"', b"".join(body))
            headers = MutableHeaders(raw=start["headers"])
            if "content-length" in headers:
                headers["content-length"] = str(len(html))
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": html, "more_body": False})

        await self.app(scope, receive, send_secured)


def storage_cookie_options(*, base_url: str, days: int) -> dict[str, Any]:
    """NiceGUI's storage cookie: as long-lived as a browser sign-in, ``Secure`` behind https."""
    return {"max_age": days * 24 * 60 * 60, "https_only": is_https(base_url), "same_site": "lax"}


@cache
def is_https(base_url: str) -> bool:
    return urlsplit(base_url).scheme == "https"


def same_origin_sockets(base_url: str) -> Callable[[str | None, dict[str, Any]], bool]:
    """Who may open NiceGUI's websocket: pages of the public address, or of the address asked for.

    A page on another site could otherwise open a socket with the user's cookie (cross-site
    websocket hijacking). Clients that send no Origin (not browsers) are let through by engine.io.
    """
    public = _origin(base_url)

    def allowed(origin: str | None, environ: dict[str, Any]) -> bool:
        if origin is None:
            return True
        host = environ.get("HTTP_HOST", "")
        schemes = {environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0]}
        return origin == public or any(origin == f"{scheme}://{host}" for scheme in schemes if scheme)

    return allowed


def install_socket_origin_check(base_url: str) -> None:
    core.sio.eio.cors_allowed_origins = same_origin_sockets(base_url)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
