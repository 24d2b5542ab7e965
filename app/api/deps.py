"""FastAPI dependencies: the per-request transaction, the acting user, the write limit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from core.db import Database
from core.i18n import _
from services.actor import Actor
from services.auth_sessions import actor_for_access_token
from services.errors import Unauthenticated
from services.rate_limits import RateLimiter

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_LIMIT = 256 * 1024  # a practice log with the longest notes is about 40 kB of JSON
CATALOGUE_BODY_LIMIT = 4 * 1024 * 1024  # a piece may carry up to 2 million characters of notation


def get_database(request: Request) -> Database:
    return request.app.state.database


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed before the response is sent.

    A write waits for its turn here, on the event loop, before any thread is taken. The
    transaction is opened here too: that makes a session and no statement (the connection is
    taken, and BEGIN sent, at the endpoint's first statement, in its worker thread), so it is
    not worth a hop to a thread of its own. It commits or rolls back in the threadpool.
    """
    database = get_database(request)
    write = request.method not in READ_METHODS
    async with database.write_turns.turn(write=write):
        transaction = database.transaction(write=write)
        session = transaction.__enter__()
        try:
            yield session
        except BaseException as error:
            if not await _in_thread(transaction.__exit__, type(error), error, error.__traceback__):
                raise
        else:
            await _in_thread(transaction.__exit__, None, None, None)


async def _in_thread(function: Callable[..., bool | None], *args: object) -> bool | None:
    # A limiter of its own, as FastAPI's contextmanager_in_threadpool has: a commit never waits
    # for a thread held by a request that waits for this one's turn.
    return await anyio.to_thread.run_sync(function, *args, limiter=anyio.CapacityLimiter(1))


# scope="function": the transaction commits before the response starts, so a failed commit
# becomes an error response instead of a success the client was already told about.
SessionDep = Annotated[Session, Depends(db_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(get_database)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def optional_actor(request: Request, database: DatabaseDep) -> Actor | None:
    """The user a bearer access token speaks for, or None without an Authorization header.

    Looked up in a read transaction of its own, before the request's transaction (the router's
    rate limit asks first): on SQLite a write request's turn then covers its own work only, not
    also this lookup and the hop to a worker thread it takes.
    """
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(_("Send the access token as 'Authorization: Bearer <token>'."))
    with database.transaction(write=False) as session:
        return actor_for_access_token(session, token=token.strip(), tokens=request.app.state.access_tokens)


# The two dependencies below do no I/O (but for rate limits kept in Redis): as coroutines they
# run on the event loop, saving each request two hops to the threadpool (inside its write turn,
# on SQLite).
async def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    """The signed-in user; 401 without one."""
    if actor is None:
        raise Unauthenticated(_("Sign in to use this endpoint."))
    return actor


async def limit_requests(request: Request, actor: Annotated[Actor | None, Depends(optional_actor)]) -> None:
    """Each signed-in user may write and read so many times a minute."""
    if actor is None:
        return
    limiter: RateLimiter = request.app.state.limiter
    hit = partial(limiter.reads if request.method in READ_METHODS else limiter.writes, actor.id)
    await run_limited(limiter, hit)


async def run_limited(limiter: RateLimiter, hit: Callable[[], None]) -> None:
    """Count a hit; off the event loop when the count lives in Redis."""
    if limiter.windows.blocking:
        await run_in_threadpool(hit)  # a round trip to Redis must not hold up the event loop
    else:
        hit()


CurrentActor = Annotated[Actor, Depends(current_actor)]
OptionalActor = Annotated[Actor | None, Depends(optional_actor)]
RATE_LIMIT = [Depends(limit_requests)]
