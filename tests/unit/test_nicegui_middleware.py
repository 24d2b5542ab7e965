"""The plain-ASGI middlewares answer exactly as NiceGUI's BaseHTTPMiddleware ones do."""

from __future__ import annotations

from typing import Any

from nicegui import __version__ as nicegui_version
from nicegui import core, storage
from nicegui.middlewares import RedirectWithPrefixMiddleware, SetCacheControlMiddleware
from nicegui.storage import RequestTrackingMiddleware, Storage
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from web import nicegui_middleware
from web.nicegui_middleware import CacheControlOfAssets, RedirectWithPrefix, RequestTracking

ASSETS = f"/_nicegui/{nicegui_version}"


def client_with(*middleware: Middleware, routes: list[Route]) -> TestClient:
    return TestClient(Starlette(routes=routes, middleware=list(middleware)), follow_redirects=False)


def test_redirects_get_the_forwarded_prefix():
    routes = [
        Route("/relative", lambda _request: RedirectResponse("/login")),
        Route("/absolute", lambda _request: RedirectResponse("https://example.com/x")),
        Route("/plain", lambda _request: PlainTextResponse("hi")),
    ]
    answers = []
    for cls in (RedirectWithPrefix, RedirectWithPrefixMiddleware):
        client = client_with(Middleware(cls), routes=routes)
        answers.append(
            [
                (response.status_code, response.headers.get("location"), response.text)
                for path in ("/relative", "/absolute", "/plain")
                for headers in ({"X-Forwarded-Prefix": "/mirubato"}, {})
                for response in [client.get(path, headers=headers)]
            ]
        )
    assert answers[0] == answers[1]
    assert answers[0][0][1] == "/mirubato/login" and answers[0][1][1] == "/login"


def test_only_versioned_assets_get_the_cache_header(monkeypatch):
    monkeypatch.setattr(core.app.config, "cache_control_directives", "public, max-age=7", raising=False)
    routes = [
        Route(f"{ASSETS}/static/app.js", lambda _r: PlainTextResponse("js", headers={"Cache-Control": "no-store"})),
        Route(f"{ASSETS}/dynamic_resources/x.js", lambda _r: PlainTextResponse("dynamic")),
        Route("/api/health", lambda _r: PlainTextResponse("ok")),
    ]
    answers = []
    for cls in (CacheControlOfAssets, SetCacheControlMiddleware):
        client = client_with(Middleware(cls), routes=routes)
        answers.append([client.get(route.path).headers.get("cache-control") for route in routes])
    assert answers[0] == answers[1] == ["public, max-age=7", None, None]


def test_each_request_knows_its_browser_and_its_storage(monkeypatch, tmp_path):
    monkeypatch.setattr(Storage, "path", tmp_path)
    seen: list[dict[str, Any]] = []

    async def handler(request: Request) -> JSONResponse:
        tracked = storage.request_contextvar.get()
        browser_id = request.session["id"]
        seen.append(
            {
                "same_request": tracked is not None and tracked.scope is request.scope,
                "responded": request.state.responded,
                "active": core.app.storage._active_request_sessions[browser_id],
                "has_storage": browser_id in core.app.storage._users,
            }
        )
        return JSONResponse({"id": browser_id})

    for cls in (RequestTracking, RequestTrackingMiddleware):
        client = client_with(
            Middleware(SessionMiddleware, secret_key="x" * 32), Middleware(cls), routes=[Route("/", handler)]
        )
        first, again = client.get("/").json()["id"], client.get("/").json()["id"]
        assert first == again  # the signed session cookie carries the browser's id
        assert first not in core.app.storage._active_request_sessions  # no request of it is open
    assert seen[:2] == seen[2:] == [{"same_request": True, "responded": False, "active": 1, "has_storage": True}] * 2


def test_install_swaps_the_classes_ui_run_adds():
    from nicegui import ui_run

    try:
        nicegui_middleware.install()
        assert ui_run.RedirectWithPrefixMiddleware is RedirectWithPrefix
        assert ui_run.SetCacheControlMiddleware is CacheControlOfAssets
        assert storage.RequestTrackingMiddleware is RequestTracking
    finally:
        ui_run.RedirectWithPrefixMiddleware = RedirectWithPrefixMiddleware
        ui_run.SetCacheControlMiddleware = SetCacheControlMiddleware
        storage.RequestTrackingMiddleware = RequestTrackingMiddleware


def test_api_requests_get_no_browser_storage(monkeypatch, tmp_path):
    """NiceGUI's tracking makes a new, never-removed storage for every cookie-less request; the API gets none."""
    monkeypatch.setattr(Storage, "path", tmp_path)
    routes = [Route(path, lambda _request: PlainTextResponse("ok")) for path in ("/api/health", "/metrics", "/")]
    for cls, stores_api_requests in ((RequestTracking, False), (RequestTrackingMiddleware, True)):
        before = len(core.app.storage._users)
        app = client_with(Middleware(SessionMiddleware, secret_key="x" * 32), Middleware(cls), routes=routes).app
        for path in ("/api/health", "/metrics") * 3:  # cookie-less clients: health checks, scrapers, API apps
            with TestClient(app) as fresh:
                assert ("set-cookie" in fresh.get(path).headers) == stores_api_requests
        assert len(core.app.storage._users) - before == (6 if stores_api_requests else 0)
        with TestClient(app) as browser:
            assert "set-cookie" in browser.get("/").headers  # pages still get their browser's storage
        assert len(core.app.storage._users) - before == (7 if stores_api_requests else 1)
