"""Write transactions on SQLite take turns: one at a time per process, in arrival order.

SQLite lets one writer in at a time. Left to itself, a writer that finds the lock taken sleeps
in the busy handler (1, 2, 5 ... 100 ms) and retries, so under load some saves wait a few ms and
others half a second: measured at 10 clients, p50 9 ms but p95 546 ms. Queueing the writers
here instead hands the lock over the moment it is free and keeps the order fair, so a save waits
for the saves ahead of it and no longer. The queue is an asyncio lock, so a waiting request holds
no worker thread (a thread lock did: the holder could starve for a thread and deadlock).
``busy_timeout`` still arbitrates between processes and for writers outside the event loop
(the CLI, start-up work). PostgreSQL locks rows, not the database, and needs no turns.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.metrics import WRITES_WAITING


class WriteTurns:
    """A FIFO queue of write transactions, one per event loop (tests start several loops)."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()

    @asynccontextmanager
    async def turn(self, *, write: bool = True) -> AsyncIterator[None]:
        """Wait for this transaction's turn; reads (and any transaction on PostgreSQL) go straight in."""
        if not (write and self.enabled):
            yield
            return
        lock = self._locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
        WRITES_WAITING.inc()
        try:
            await lock.acquire()
        finally:
            WRITES_WAITING.dec()
        try:
            yield
        finally:
            lock.release()
