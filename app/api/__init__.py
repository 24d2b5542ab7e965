"""The REST API under /api: routers on NiceGUI's FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from app.api import (
    admin,
    analytics,
    auth,
    health,
    identities,
    imports,
    plans,
    practice,
    progress,
    sharing,
    sheet_music,
    sync,
    takes,
    teaching,
    users,
)
from app.api.errors import error_body, install_error_handlers
from app.api.middleware import RequestContextMiddleware
from core import metrics
from web.request_stats import RequestStats

ROUTERS = (
    health.router,
    auth.router,
    sheet_music.router,
    practice.router,
    progress.router,
    analytics.router,
    sharing.router,
    teaching.router,
    takes.router,
    plans.router,
    plans.public,
    admin.router,
    sync.router,
    users.router,
    identities.router,
    imports.router,
)


ANY_METHOD = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def api_routes() -> list[APIRoute]:
    """Every documented operation of the API (each router's routes carry its prefix and dependencies)."""
    return [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute) and r.include_in_schema]


def methods_of(path: str) -> list[str]:
    """The methods the API's routes answer at ``path`` (none: no such endpoint)."""
    found: set[str] = set()
    for route in api_routes():
        if route.path_regex.match(path):
            found |= route.methods or set()
    return sorted(found)


def install_api(app: FastAPI) -> None:
    """Add the routers and error handlers once per app build.

    What is there is checked, not remembered: an app reset (the simulated-browser tests reset
    NiceGUI's app for each test) drops routes and middlewares and keeps its state.
    """
    install_error_handlers(app)
    if not has_middleware(app, RequestContextMiddleware):
        app.state.request_stats = RequestStats()
        app.add_middleware(RequestContextMiddleware, stats=app.state.request_stats)
    if has_route(app, "/api/{path:path}"):
        return
    # Our routers have no lifespan of their own, but FastAPI wraps the app's lifespan in a merged one
    # for each router included. The simulated-browser tests reset the app and build it again per test,
    # so the wrapping deepened by one level per router per test until starting the app overflowed the
    # stack (RecursionError in NiceGUI's start-up). Keep the app's own lifespan as it was.
    lifespan = app.router.lifespan_context
    for router in ROUTERS:
        app.include_router(router)
    app.router.lifespan_context = lifespan

    @app.get("/metrics", include_in_schema=False)
    def _metrics() -> Response:
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    # Without this, an unknown /api path would fall through to NiceGUI's HTML 404 page. It is
    # matched last, so a known path asked with another method lands here too: that is a 405.
    @app.api_route("/api/{path:path}", methods=sorted(ANY_METHOD), include_in_schema=False)
    def _unknown_api_path(request: Request, path: str) -> JSONResponse:
        if allowed := methods_of(request.url.path):
            return JSONResponse(
                error_body(f"{request.method} is not allowed here; use {', '.join(allowed)}."),
                status_code=405,
                headers={"Allow": ", ".join(allowed)},
            )
        return JSONResponse(error_body(f"No API endpoint {request.method} /api/{path}."), status_code=404)


def has_route(app: FastAPI, path: str) -> bool:
    return any(getattr(route, "path", None) == path for route in app.routes)


def has_middleware(app: FastAPI, kind: type) -> bool:
    return any(middleware.cls is kind for middleware in app.user_middleware)
