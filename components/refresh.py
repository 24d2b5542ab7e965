"""Refreshing a view when its data changed: one refresh at a time, and at most one more after it.

Saves arrive in bursts (an outbox flush answers 25 changes, a teacher and a student both act),
and each used to rebuild the whole view; with 200 open dashboards those rebuilds were what kept
the event loop busy. Triggers that come while a refresh runs fold into a single one after it,
which still sees every change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable


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
