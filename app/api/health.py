"""REST: liveness and database health (/api/health)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app import __version__
from app.api.deps import get_database
from app.api.routing import OneHopRoute

router = APIRouter(route_class=OneHopRoute, prefix="/api", tags=["health"])


@router.get("/health")
def health(request: Request) -> JSONResponse:
    """200 when the app and its database answer, 503 when the database does not."""
    database = get_database(request)
    try:
        database.ping()
    except Exception as exc:  # any failure to reach the database means "not healthy"
        return JSONResponse({"status": "unavailable", "database": type(exc).__name__}, status_code=503)
    return JSONResponse({"status": "ok", "database": database.engine.dialect.name, "version": __version__})
