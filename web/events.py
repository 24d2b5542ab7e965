"""In-process signals between a change and the pages that show it (per user id)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import TypeVar

from nicegui import Event, core

T = TypeVar("T")

# Emitted after a commit that changed a user's logs; open pages of that user refresh themselves.
logs_changed: Event[uuid.UUID] = Event()


def on_event_loop(work: Callable[[T], None]) -> Callable[[T], None]:
    """``work`` made safe to call from any thread: it runs on NiceGUI's event loop.

    After-commit handlers run in the thread that committed (a worker thread); pages and browser
    storage belong to the event loop. Without a running server (a command, a test) nothing runs.
    """

    def run(argument: T) -> None:
        loop = core.loop
        if loop is None or loop.is_closed():
            return
        if _running_loop() is loop:
            work(argument)
        else:
            loop.call_soon_threadsafe(work, argument)

    run.__qualname__ = f"on_event_loop({work.__qualname__})"
    return run


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # a worker thread
        return None
