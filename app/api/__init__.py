"""The REST API under /api: routers on NiceGUI's FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from app import metrics
from app.api import admin, analytics, auth, health, practice, progress, sharing, sheet_music, sync, teaching, users
from app.api.errors import error_body, install_error_handlers
from app.api.middleware import RequestContextMiddleware
from app.request_stats import RequestStats

ROUTERS = (
    health.router,
    auth.router,
    sheet_music.router,
    practice.router,
    progress.router,
    analytics.router,
    sharing.router,
    teaching.router,
    admin.router,
    sync.router,
    users.router,
)


def install_api(app: FastAPI) -> None:
    """Add the routers and error handlers once per process."""
    if getattr(app.state, "api_installed", False):
        return
    app.state.request_stats = RequestStats()
    app.add_middleware(RequestContextMiddleware, stats=app.state.request_stats)
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)

    @app.get("/metrics", include_in_schema=False)
    def _metrics() -> Response:
        body, content_type = metrics.exposition()
        return Response(body, media_type=content_type)

    # Without this, an unknown /api path would fall through to NiceGUI's HTML 404 page.
    @app.api_route("/api/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def _unknown_api_path(request: Request, path: str) -> JSONResponse:
        return JSONResponse(error_body(f"No API endpoint {request.method} /api/{path}."), status_code=404)

    app.state.api_installed = True
