"""Pages in NiceGUI's simulated browser (its `User`): the whole app built in this process, no Chromium.

A page's logic (the sign-in gate, field errors, dialogs, admin panels) is checked here in well under
a second; Chromium stays for JavaScript, offline and several processes (tests/browser).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from nicegui import core, ui
from nicegui.functions.download import download
from nicegui.functions.navigate import Navigate
from nicegui.functions.notify import notify
from nicegui.storage import Storage
from nicegui.testing import User
from nicegui.testing.general import nicegui_reset_globals, prepare_simulation

from app.main import create_app, storage_secret
from core.db import Database
from core.settings import Settings
from services import auth
from services.rate_limits import Limits, RateLimiter

SITE = "http://test"  # the simulated browser's origin


@pytest.fixture
async def user(db: Database, tmp_path: Path) -> AsyncIterator[User]:
    """A simulated browser on a freshly built app over the test database."""
    settings = Settings(data_dir=tmp_path, base_url=SITE, environment="test", seed_on_start=False)
    storage_path = Storage.path
    with nicegui_reset_globals():
        os.environ["NICEGUI_USER_SIMULATION"] = "true"
        Storage.path = tmp_path / "nicegui"
        try:
            prepare_simulation()
            create_app(settings, database=db)
            ui.run(storage_secret=storage_secret(settings), reload=False, show=False)
            transport = httpx.ASGITransport(core.app)
            async with (
                core.app.router.lifespan_context(core.app),
                httpx.AsyncClient(transport=transport, base_url=SITE) as client,
            ):
                yield User(client)
        finally:
            os.environ.pop("NICEGUI_USER_SIMULATION", None)
            Storage.path = storage_path
            ui.navigate, ui.notify, ui.download = Navigate(), notify, download


SignIn = Callable[[User, str], Awaitable[None]]


@pytest.fixture
def sign_in(db: Database) -> SignIn:
    """Sign the simulated browser in as ``email`` the way a person does: the emailed link's confirm button."""

    async def signing_in(user: User, email: str) -> None:
        limiter = RateLimiter(Limits(1000, 1000, 1000, 1000, 1000, 1000, 1000))
        config = core.app.state.auth_config
        with db.transaction() as session:
            link = auth.request_sign_in(
                session, data={"email": email}, ip=str(uuid.uuid4()), limiter=limiter, config=config
            )
        token = link.link.split("token=", 1)[1]
        answer = await user.http_client.post("/auth/verify", data={"token": token}, headers={"Origin": SITE})
        assert answer.status_code == 303, answer.text

    return signing_in
