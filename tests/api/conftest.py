"""The REST API against the real ASGI app (NiceGUI's FastAPI app) on a real database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from app.api.deps import optional_actor
from app.db import Database
from app.main import create_app
from app.settings import Settings
from services.actor import Actor


@pytest.fixture
def client(db: Database, tmp_path) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path, seed_on_start=False, environment="test"), database=db)
    # Not entered as a context manager: NiceGUI's start-up hook runs only under ui.run().
    yield TestClient(app, raise_server_exceptions=False)
    app.dependency_overrides.clear()


@pytest.fixture
def act_as(client: TestClient) -> Callable[[Actor | None], None]:
    """Make the API see ``actor`` as signed in (None: signed out). Sign-in itself is tested elsewhere."""

    def switch(actor: Actor | None) -> None:
        client.app.dependency_overrides[optional_actor] = lambda: actor  # type: ignore[attr-defined]

    return switch
