"""The REST API against the real ASGI app (NiceGUI's FastAPI app) on a real database."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import anyio.from_thread
import pytest
from fastapi.testclient import TestClient

from app.api.deps import optional_actor
from app.main import create_app
from core.db import Database
from core.settings import Settings
from services.actor import Actor
from tests.mail_sink import MailSink, running_mail_sink

TEST_SECRET = "test-secret-" + "x" * 40


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    with running_mail_sink() as sink:
        yield sink


@pytest.fixture
def make_client(db: Database, tmp_path) -> Iterator[Callable[..., TestClient]]:
    """Build a client for an app configured with the given settings (plus test defaults)."""
    apps = []
    # One event loop thread for all of a test's requests, as a server has, instead of a new one
    # per request (TestClient's default outside a ``with`` block): the API tests ran a third faster.
    portals = contextlib.ExitStack()
    portal = portals.enter_context(anyio.from_thread.start_blocking_portal())

    def build(ip: str = "testclient", **settings: Any) -> TestClient:
        values: dict[str, Any] = {
            "data_dir": tmp_path,
            "seed_on_start": False,
            "environment": "test",
            "secret_key": TEST_SECRET,
            "rate_writes_per_user": 100_000,
        }
        values.update(settings)
        app = create_app(Settings(**values), database=db)
        apps.append(app)
        # Not entered as a context manager: NiceGUI's start-up hook runs only under ui.run().
        client = TestClient(app, raise_server_exceptions=False, client=(ip, 50000))
        client.portal = portal
        return client

    yield build
    for app in apps:
        app.dependency_overrides.clear()
    portals.close()


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


@pytest.fixture
def act_as(client: TestClient) -> Callable[[Actor | None], None]:
    """Make the API see ``actor`` as signed in (None: signed out), skipping the token check.

    The sign-in flow itself is tested with real tokens in test_auth_api.py.
    """

    def switch(actor: Actor | None) -> None:
        client.app.dependency_overrides[optional_actor] = lambda: actor  # type: ignore[attr-defined]

    return switch
