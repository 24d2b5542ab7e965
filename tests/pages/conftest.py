"""Pages in NiceGUI's simulated browser (its `User`): the whole app built in this process, no Chromium.

A page's logic (the sign-in gate, field errors, dialogs, admin panels) is checked here in well under
a second; Chromium stays for JavaScript, offline and several processes (tests/browser).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from nicegui import core
from nicegui.testing import User

from core.db import Database
from core.settings import Settings
from services import auth
from services.rate_limits import Limits, RateLimiter
from tests.simulated_app import SITE, simulated_app


@pytest.fixture
async def user(db: Database, tmp_path: Path) -> AsyncIterator[User]:
    """A simulated browser on a freshly built app over the test database."""
    settings = Settings(data_dir=tmp_path, base_url=SITE, environment="test", seed_on_start=False)
    async with simulated_app(settings, db, tmp_path) as client:
        yield User(client)


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
