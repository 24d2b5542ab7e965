"""The whole app built in the test process and reached through NiceGUI's simulated browser."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from nicegui import core, ui
from nicegui.functions.download import download
from nicegui.functions.navigate import Navigate
from nicegui.functions.notify import notify
from nicegui.storage import Storage
from nicegui.testing.general import nicegui_reset_globals, prepare_simulation

from app.main import create_app, storage_secret
from core.db import Database
from core.settings import Settings

SITE = "http://test"  # the simulated browser's origin


@asynccontextmanager
async def simulated_app(settings: Settings, db: Database, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A freshly built app over ``db``, started, with an HTTP client on it (for NiceGUI's ``User``)."""
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
                yield client
        finally:
            os.environ.pop("NICEGUI_USER_SIMULATION", None)
            Storage.path = storage_path
            # The simulation swaps these for recording versions; the next test builds on the real ones.
            ui.navigate, ui.notify, ui.download = Navigate(), notify, download
