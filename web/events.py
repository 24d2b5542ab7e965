"""In-process signals between a change and the pages that show it (per user id)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

from nicegui import Event, core, ui

T = TypeVar("T")


class PerUser:
    """A signal emitted for one user: only that user's open pages hear it.

    One NiceGUI ``Event`` per user with open pages, so a save touches its own musician's pages,
    not every open page in the process (with 500 browsers, one shared event entered 500 page
    contexts on every save to find the one or two that cared).
    """

    def __init__(self) -> None:
        self._events: dict[uuid.UUID, Event[[]]] = {}

    def subscribe(self, user_id: uuid.UUID, callback: Callable[[], Awaitable[None] | None]) -> None:
        """Call ``callback`` in the current page's context on each ``emit(user_id)``, until the page is gone."""
        event = self._events.get(user_id)
        if event is None:
            event = self._events[user_id] = Event()
        event.subscribe(callback)  # NiceGUI unsubscribes it when the page's client is deleted
        ui.context.client.on_delete(lambda: self._forget_if_unheard(user_id))

    def emit(self, user_id: uuid.UUID) -> None:
        event = self._events.get(user_id)
        if event is not None:
            event.emit()

    def listeners(self, user_id: uuid.UUID) -> int:
        event = self._events.get(user_id)
        return len(event.callbacks) if event is not None else 0

    def _forget_if_unheard(self, user_id: uuid.UUID) -> None:
        event = self._events.get(user_id)
        if event is not None and not event.callbacks:
            del self._events[user_id]


# Emitted after a commit that changed a user's logs; open pages of that user refresh themselves.
logs_changed = PerUser()


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
