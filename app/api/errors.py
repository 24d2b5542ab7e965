"""The one place where domain errors and malformed requests become HTTP answers.

Every error body has the same shape: ``{"detail": "...", "errors": [{"field", "message"}]}``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.i18n import N_, _
from services.errors import (
    Conflict,
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotAudio,
    NotFound,
    ServiceError,
    TooLarge,
    Unauthenticated,
)
from services.validation import problems_from

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[ServiceError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Unauthenticated: 401,
    Conflict: 409,
    InvalidInput: 422,
    TooLarge: 413,
    NotAudio: 415,
}
# The texts Starlette and FastAPI refuse a request with themselves (HTTP reason phrases and a few
# of their own): marked here so that the answer comes in the caller's language too.
FRAMEWORK_DETAILS = frozenset(
    {
        N_("Not Found"),
        N_("Method Not Allowed"),
        N_("Content Too Large"),
        N_("Request Entity Too Large"),
        N_("Unauthorized"),
        N_("Not authenticated"),
        N_("Forbidden"),
        N_("Bad Request"),
        N_("Unsupported Media Type"),
        N_("Too Many Requests"),
        N_("There was an error parsing the body"),
    }
)


def error_body(detail: str, problems: list[FieldProblem] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": [{"field": p.field, "message": p.message} for p in problems or []]}


def status_for(error: ServiceError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[kind]
    return getattr(error, "status_code", 400)


async def _service_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ServiceError)
    status = status_for(error)
    problems = error.problems if isinstance(error, InvalidInput) else None
    headers = dict(getattr(error, "headers", {}) or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return JSONResponse(error_body(error.message, problems), status_code=status, headers=headers)


async def _request_invalid(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = list(error.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse(error_body(_("The request body is not valid JSON.")), status_code=400)
    problems = problems_from(errors, skip_prefix=("body", "query", "path"))
    summary = "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems)
    return JSONResponse(error_body(summary, problems), status_code=422)


async def _integrity(_request: Request, error: Exception) -> JSONResponse:
    log.warning("integrity error reached the API: %s", str(error).splitlines()[0])
    return JSONResponse(error_body(_("This conflicts with data that already exists.")), status_code=409)


async def _unstorable(_request: Request, error: Exception) -> JSONResponse:
    # The boundary's checks should have refused the value; say so in the log to close the gap.
    log.error("a value the database cannot store reached it: %s", str(error).splitlines()[0])
    return JSONResponse(error_body(_("One of the values cannot be stored.")), status_code=422)


async def _database_busy(_request: Request, error: Exception) -> JSONResponse:
    log.error("database unavailable: %s", str(error).splitlines()[0])
    return JSONResponse(
        error_body(_("The database is busy; try again in a moment.")), status_code=503, headers={"Retry-After": "1"}
    )


async def _http_error(request: Request, error: Exception) -> Response:
    """Starlette's own refusals (413 body too large, ...) in the one error shape, under /api."""
    assert isinstance(error, StarletteHTTPException)
    if not request.url.path.startswith("/api/"):
        return await http_exception_handler(request, error)
    detail = str(error.detail)
    return JSONResponse(
        error_body(_(detail) if detail in FRAMEWORK_DETAILS else detail),
        status_code=error.status_code,
        headers=error.headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(IntegrityError, _integrity)
    app.add_exception_handler(DataError, _unstorable)
    app.add_exception_handler(OperationalError, _database_busy)
