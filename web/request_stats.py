"""This process's request counters: totals, server errors, and recent durations per route.

Kept in memory (the last 500 requests per route); with several processes each has its own.
The admin's system page reads them; a Prometheus endpoint can come later from the same numbers.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from dataclasses import dataclass

RECENT = 500


@dataclass(frozen=True)
class RouteTime:
    route: str
    requests: int
    p95_ms: float


class RequestStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._durations: dict[str, deque[float]] = defaultdict(lambda: deque(maxlen=RECENT))
        self.requests = 0
        self.server_errors = 0

    def record(self, route: str, status: int, milliseconds: float) -> None:
        with self._lock:
            self.requests += 1
            self.server_errors += status >= 500
            self._durations[route].append(milliseconds)

    def slowest(self, count: int = 5) -> list[RouteTime]:
        """The routes with the highest p95 over their recent requests."""
        with self._lock:
            snapshot = {route: sorted(times) for route, times in self._durations.items() if times}
        ranked = [
            RouteTime(route, len(times), round(times[max(0, round(len(times) * 0.95) - 1)], 1))
            for route, times in snapshot.items()
        ]
        return sorted(ranked, key=lambda r: -r.p95_ms)[:count]
