"""FastAPI dependencies: the per-request transaction, the acting user, the write limit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from functools import partial
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from core.db import Database
from core.i18n import _
from core.security import AccessTokens
from services.actor import Actor
from services.auth_sessions import actor_for_access_token
from services.errors import Unauthenticated
from services.rate_limits import RateLimiter

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_LIMIT = 256 * 1024  # a practice log with the longest notes is about 40 kB of JSON
CATALOGUE_BODY_LIMIT = 4 * 1024 * 1024  # a piece may carry up to 2 million characters of notation


def get_database(request: Request) -> Database:
    return request.app.state.database


async def _database(request: Request) -> Database:
    # A coroutine, though it does no I/O: FastAPI sends a plain function dependency to a worker thread.
    return get_database(request)


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed before the response is sent.

    A write waits for its turn here, on the event loop, before any thread is taken. The
    transaction is opened here too: that makes a session and no statement (the connection is
    taken, and BEGIN sent, at the endpoint's first statement, in its worker thread), so it is
    not worth a hop to a thread of its own. An endpoint made by app.api.routing commits it in its
    own worker thread (finish_request_transaction); any other commits or rolls back here, in the
    threadpool.
    """
    database = get_database(request)
    write = request.method not in READ_METHODS
    async with database.write_turns.turn(write=write):
        transaction = _RequestTransaction(database.transaction(write=write))
        session = transaction.open()
        session.info[_TRANSACTION] = transaction
        try:
            yield session
        except BaseException as error:
            if transaction.finished or not await _in_thread(transaction.finish, error):
                raise
        else:
            if not transaction.finished:
                await _in_thread(transaction.finish, None)


_TRANSACTION = "mirubato.request_transaction"


class _RequestTransaction:
    """A request's Database.transaction, finished once: in the endpoint's worker thread
    (app.api.routing), or else by db_session after the endpoint returned."""

    def __init__(self, manager: AbstractContextManager[Session]) -> None:
        self._manager = manager
        self.finished = False

    def open(self) -> Session:
        return self._manager.__enter__()

    def finish(self, error: BaseException | None) -> bool | None:
        """Commit (no error) or roll back; True when the error was handled and must not propagate."""
        self.finished = True
        if error is None:
            return self._manager.__exit__(None, None, None)
        return self._manager.__exit__(type(error), error, error.__traceback__)


def finish_request_transaction(session: Session, error: BaseException | None) -> None:
    """Commit the request's transaction behind ``session`` now (in the caller's thread), or roll it back."""
    transaction = session.info.get(_TRANSACTION)
    if isinstance(transaction, _RequestTransaction) and not transaction.finished:
        transaction.finish(error)


async def _in_thread(function: Callable[..., bool | None], *args: object) -> bool | None:
    # A limiter of its own, as FastAPI's contextmanager_in_threadpool has: a commit never waits
    # for a thread held by a request that waits for this one's turn.
    return await anyio.to_thread.run_sync(function, *args, limiter=anyio.CapacityLimiter(1))


# scope="function": the transaction commits before the response starts, so a failed commit
# becomes an error response instead of a success the client was already told about.
SessionDep = Annotated[Session, Depends(db_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(_database)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def optional_actor(request: Request, database: DatabaseDep) -> Actor | None:
    """The user a bearer access token speaks for, or None without an Authorization header.

    Looked up in a read transaction of its own, before the request's transaction (the router's
    rate limit asks first): on SQLite a write request's turn then covers its own work only, not
    also this lookup and the hop to a worker thread it takes. A request without a token takes no
    hop for it at all.
    """
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(_("Send the access token as 'Authorization: Bearer <token>'."))
    return await run_in_threadpool(_actor_for_token, database, token.strip(), request.app.state.access_tokens)


def _actor_for_token(database: Database, token: str, tokens: AccessTokens) -> Actor:
    with database.transaction(write=False) as session:
        return actor_for_access_token(session, token=token, tokens=tokens)


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
