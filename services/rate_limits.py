"""Sliding-window rate limits: a key may act ``limit`` times per ``window`` seconds.

Kept in process memory: each app process counts on its own, so behind N processes a limit
is at most N times as loose (sticky sessions keep a browser on one process).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

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


class RateLimiter:
    def __init__(self, limits: Limits | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or Limits()
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window: float, message: str) -> None:
        """Count one attempt for ``key``; raise RateLimited when it is over the limit."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                raise RateLimited(message, retry_after=max(1, math.ceil(hits[0] + window - now)))
            hits.append(now)
            if len(self._hits) > 50_000:
                self._forget_idle(now, window)

    def _forget_idle(self, now: float, window: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - window]:
            del self._hits[key]
