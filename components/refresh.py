"""Refreshing a view when its data changed: one refresh at a time, and at most one more after it.

Saves arrive in bursts (an outbox flush answers 25 changes, a teacher and a student both act),
and each used to rebuild the whole view; with 200 open dashboards those rebuilds were what kept
the event loop busy. Triggers that come while a refresh runs fold into a single one after it,
which still sees every change.
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
    request = ui.context.client.request

    def changed(changed_user: uuid.UUID) -> Awaitable[None] | None:
        if changed_user != user_id:
            return None
        storage.request_contextvar.set(request)  # copied into the task NiceGUI runs the refresh in
        return refresher()

    logs_changed.subscribe(changed)
