"""FastAPI dependencies: the per-request transaction and the acting user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.db import Database
from services.actor import Actor
from services.errors import Unauthenticated

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_LIMIT = 256 * 1024  # a practice log with the longest notes is about 40 kB of JSON
CATALOGUE_BODY_LIMIT = 4 * 1024 * 1024  # a piece may carry up to 2 million characters of notation


def get_database(request: Request) -> Database:
    return request.app.state.database


def db_session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent."""
    database = get_database(request)
    with database.transaction(write=request.method not in READ_METHODS) as session:
        yield session


# scope="function": the transaction commits before the response starts, so a failed commit
# becomes an error response instead of a success the client was already told about.
SessionDep = Annotated[Session, Depends(db_session, scope="function")]


def optional_actor(request: Request) -> Actor | None:
    """The signed-in user, or None. Sign-in is wired in by the auth layer (app.api.auth)."""
    resolver = getattr(request.app.state, "resolve_actor", None)
    return resolver(request) if resolver is not None else None


def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    """The signed-in user; 401 without one."""
    if actor is None:
        raise Unauthenticated("Sign in to use this endpoint.")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
OptionalActor = Annotated[Actor | None, Depends(optional_actor)]
