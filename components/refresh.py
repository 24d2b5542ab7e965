"""Refreshing a view when its data changed: one refresh at a time, and at most one more after it.

Saves arrive in bursts (an outbox flush answers 25 changes, a teacher and a student both act),
and each used to rebuild the whole view; with 200 open dashboards those rebuilds were what kept
the event loop busy. Triggers that come while a refresh runs fold into a single one after it,
which still sees every change.

A page without a socket is not refreshed when the change comes, but when it connects: one
fetched and not connected yet (still loading, a prefetch, a link preview) or whose socket
dropped (a phone asleep, a train tunnel). Nobody sees such a page, and before, each save rebuilt
all of them: a musician's four pages fetched without connecting made each of their saves
77 ms instead of 11 (in `bench/concurrency.py`'s closed loop, until NiceGUI pruned the pages).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from nicegui import storage, ui

from web.events import logs_changed


class Refresher:
    def __init__(self, refresh: Callable[[], Awaitable[None]]) -> None:
        self._refresh = refresh
        self._running = False
        self._again = False

    async def __call__(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        try:
            self._again = True
            while self._again:
                self._again = False
                await self._refresh()
        finally:
            self._running = False


def refresh_when_logs_change(user_id: uuid.UUID, refresh: Callable[[], Awaitable[None]]) -> None:
    """Refresh the page being built whenever ``user_id``'s logs change, wherever the change came
    from (this page, another tab or device, the REST API: core.effects).

    The refresh runs as this page's own event would: in its UI context and with its request, so
    it checks this browser's sign-in, not that of whoever made the change.
    """
    refresher = Refresher(refresh)
    client = ui.context.client
    request = client.request
    missed = False

    def changed() -> Awaitable[None] | None:
        nonlocal missed
        if not client.has_socket_connection:
            missed = True  # refreshed when the socket comes (below)
            return None
        storage.request_contextvar.set(request)  # copied into the task NiceGUI runs the refresh in
        return refresher()

    def connected() -> Awaitable[None] | None:
        nonlocal missed
        if not missed:
            return None
        missed = False
        return refresher()  # NiceGUI's handshake set this page's request for its connect handlers

    logs_changed.subscribe(user_id, changed)
    client.on_connect(connected)
