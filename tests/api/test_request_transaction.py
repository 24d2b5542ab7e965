"""The request's transaction: one worker-thread hop per endpoint, commit included; errors roll it back.

The hop counts are structure, not timing: each extra hop was a wait for a thread and the GIL that
made up most of a read's time under load (README, "Pages and reads").
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Iterator

import anyio.to_thread
import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

import core.db
from app.api import ROUTERS
from app.api.deps import optional_actor
from app.api.routing import in_one_hop
from core.models import PracticeLog, Role
from services.actor import Actor
from tests.factories import log_body, new_piece, new_user


@pytest.fixture
def hops(monkeypatch) -> list[str]:
    """The name of every function the app sends to a worker thread."""
    sent: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(function, *args, **kwargs):
        called = function
        while isinstance(called, functools.partial):
            called = called.func
        sent.append(called.__name__)
        return await run_sync(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return sent


@pytest.fixture
def signed_in(client, db) -> Actor:
    """A musician, seen by the API without a token lookup (that has its own hop, tested below)."""
    user = new_user(db)
    actor = Actor(id=user.id, role=Role(user.role), timezone=user.timezone)

    async def as_actor() -> Actor:
        return actor

    client.app.dependency_overrides[optional_actor] = as_actor
    return actor


def log_count(db) -> int:
    with db.transaction(write=False) as session:
        return session.exec(select(func.count()).select_from(PracticeLog)).one()


def test_every_plain_endpoint_is_served_as_a_coroutine_that_runs_it_in_one_hop():
    for router in ROUTERS:
        for route in router.routes:
            endpoint = getattr(route, "endpoint", None)
            if endpoint is not None:
                assert inspect.iscoroutinefunction(endpoint) or inspect.isasyncgenfunction(endpoint), route


def test_streamed_and_async_endpoints_are_left_as_they_are():
    async def coroutine() -> None: ...

    async def stream() -> AsyncIterator[str]:
        yield "x"

    def chunks() -> Iterator[str]:
        yield "x"

    for endpoint in (coroutine, stream, chunks):
        assert in_one_hop(endpoint) is endpoint


def test_a_read_and_a_write_each_take_one_hop_for_the_endpoint_and_its_commit(client, db, signed_in, hops):
    new_piece(db)
    assert client.get("/api/sheet-music").status_code == 200
    assert hops == ["_call_and_finish"]
    hops.clear()
    assert client.post("/api/practice/logs", json=log_body()).status_code == 201
    assert hops == ["_call_and_finish"]
    assert log_count(db) == 1


def test_a_request_without_a_token_takes_no_hop_to_find_its_user(client, db, hops):
    assert client.get("/api/sheet-music").status_code == 200
    assert hops == ["_call_and_finish"]


def test_a_commit_that_fails_is_an_error_response_not_a_success(client, db, signed_in, monkeypatch):
    real_exit = core.db.run_before_commit

    def then_fail(session) -> None:
        real_exit(session)
        session.flush()  # everything written; the commit is all that is left
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(core.db, "run_before_commit", then_fail)
    assert client.post("/api/practice/logs", json=log_body()).status_code == 503
    monkeypatch.setattr(core.db, "run_before_commit", real_exit)
    assert log_count(db) == 0
    assert client.post("/api/practice/logs", json=log_body()).status_code == 201
    assert log_count(db) == 1


def test_a_bearer_token_is_looked_up_in_one_hop_of_its_own(make_client, mail_sink, hops):
    api = make_client(smtp_host=mail_sink.host, smtp_port=mail_sink.port)
    assert api.post("/api/auth/login", json={"email": "clara@example.com"}).status_code == 202
    tokens = api.post("/api/auth/verify", json={"token": mail_sink.last_token("clara@example.com")}).json()
    hops.clear()
    response = api.get("/api/sheet-music", headers={"Authorization": f"Bearer {tokens['accessToken']}"})
    assert response.status_code == 200
    assert hops == ["_actor_for_token", "_call_and_finish"]
