"""The OpenAPI document, made to describe what the API really answers.

FastAPI documents a 422 body we never send (``HTTPValidationError``) and no other error. Here,
after FastAPI has generated the document, each operation gets the error answers it can give,
all with the one error body (``errors.error_body``), and the operations that read the bearer
token declare it. What an operation can answer follows from how it is built:

- any operation: 422 (a parameter or field refused), 429 (a rate limit), 503 (database busy);
- with a request body: 400 (not JSON), 413 (too large);
- signed-in only: 401, 403; signed-in optionally: 401 (a bad token);
- with a path parameter: 404; a write (POST, PUT, PATCH, DELETE): 404 and 409;
- and any error a route declares itself (``responses={401: {"description": ...}}``).

``tests/api/test_api_fuzz.py`` holds the document to this: every answer to thousands of
generated requests must be documented and match its schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.api.deps import current_actor, optional_actor

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMAS = {
    "Error": {
        "type": "object",
        "title": "Error",
        "description": "Every error answer: a sentence for people, and each field's problem.",
        "required": ["detail", "errors"],
        "properties": {
            "detail": {"type": "string"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldProblem"}},
        },
    },
    "FieldProblem": {
        "type": "object",
        "title": "FieldProblem",
        "required": ["field", "message"],
        "properties": {
            "field": {"type": "string", "description": "The field's camelCase name ('' for the whole request)"},
            "message": {"type": "string"},
        },
    },
}
DESCRIPTIONS = {
    "400": "The body is not valid JSON",
    "401": "Not signed in, or the access token is not valid",
    "403": "Signed in, but this role may not do this",
    "404": "No such resource (or not yours)",
    "409": "Conflicts with the current state (a duplicate, an outdated version, ...)",
    "413": "The body is too large",
    "422": "A parameter or field is not valid; `errors` names each",
    "429": "Too many requests; see the Retry-After header",
    "503": "The database is busy; try again (Retry-After)",
}
BEARER = {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
WRITES = {"post", "put", "patch", "delete"}
API_PREFIX = "/api/"


def install_openapi(app: FastAPI, routes: list[APIRoute]) -> None:
    """Replace ``app.openapi`` with FastAPI's document, completed as described above for ``routes``."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe_errors(generate(), routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to supply the document


def describe_errors(document: dict[str, Any], routes: list[APIRoute]) -> dict[str, Any]:
    # NiceGUI's own routes (its assets, ...) are not ours to document.
    document["paths"] = {path: ops for path, ops in document.get("paths", {}).items() if path.startswith(API_PREFIX)}
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas.update(ERROR_SCHEMAS)
    document["components"]["securitySchemes"] = BEARER
    by_operation = {(route.path_format, method.lower()): route for route in routes for method in route.methods or ()}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            route = by_operation.get((path, method))
            if route is not None:
                _describe(operation, method, route)
    return document


def _describe(operation: dict[str, Any], method: str, route: APIRoute) -> None:
    responses = operation.setdefault("responses", {})
    codes = {"422", "429", "503"} | {code for code in responses if code.startswith("4")}  # declared by the route
    if "requestBody" in operation:
        codes |= {"400", "413"}
    if _uses(route.dependant, current_actor):
        codes |= {"401", "403"}
        operation["security"] = [{"bearer": []}]
    elif _uses(route.dependant, optional_actor):
        codes.add("401")
        operation["security"] = [{}, {"bearer": []}]
    if route.dependant.path_params or method in WRITES:
        codes.add("404")
    if method in WRITES:
        codes.add("409")
    for code in codes:
        described = responses.get(code, {}).get("description") or DESCRIPTIONS[code]
        responses[code] = {"description": described, "content": {"application/json": {"schema": ERROR_REF}}}
    operation["responses"] = dict(sorted(responses.items()))


def _uses(dependant: Dependant, call: Callable[..., Any]) -> bool:
    return dependant.call is call or any(_uses(d, call) for d in dependant.dependencies)
