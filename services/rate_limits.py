"""Sliding-window rate limits: a key may act ``limit`` times per ``window`` seconds.

Counted in process memory, or, when the processes share a Redis (``NICEGUI_REDIS_URL``), in
Redis (``services.rate_windows_redis``), so that a limit holds across all of them.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from services.errors import ServiceError

FIFTEEN_MINUTES = 15 * 60
ONE_MINUTE = 60


class RateLimited(ServiceError):
    """Too many attempts; ``retry_after`` says how many seconds until the next one is allowed."""

    status_code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


@dataclass(frozen=True)
class Limits:
    login_per_address: int = 5
    login_per_ip: int = 20
    verify_per_ip: int = 30
    writes_per_user: int = 300


class Windows(Protocol):
    """Where the hits are counted; ``blocking``: a hit waits on the network (keep it off the event loop)."""

    blocking: bool

    def hit(self, key: str, *, limit: int, window: float) -> float | None:
        """Count a hit unless ``limit`` were made in the last ``window`` seconds; then the seconds until one may be."""


class RateLimiter:
    def __init__(
        self,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
        windows: Windows | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self.windows = windows or MemoryWindows(clock)

    def hit(self, key: str, *, limit: int, window: float, message: str) -> None:
        """Count one attempt for ``key``; raise RateLimited when it is over the limit."""
        wait = self.windows.hit(key, limit=limit, window=window)
        if wait is not None:
            raise RateLimited(message, retry_after=max(1, math.ceil(wait)))


class MemoryWindows:
    """This process's count."""

    blocking = False

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window: float) -> float | None:
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                return hits[0] + window - now
            hits.append(now)
            if len(self._hits) > 50_000:
                self._forget_idle(now, window)
            return None

    def _forget_idle(self, now: float, window: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - window]:
            del self._hits[key]
