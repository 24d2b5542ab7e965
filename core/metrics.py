"""Prometheus metrics (prometheus-client): requests, errors, browser clients, sync batches, database time, GC pauses.

Served at /metrics in the Prometheus text format. One set per process (the library's default
registry); with several processes, Prometheus scrapes each and sums.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import Engine, event

# BEGIN and COMMIT apart from the rest: on SQLite, waiting for the write lock shows in BEGIN and
# the disk's flush in COMMIT.
STATEMENT_KINDS = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT"})
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

REQUEST_SECONDS = Histogram(
    "mirubato_request_seconds", "HTTP request latency by route", ["method", "route", "status"], buckets=LATENCY_BUCKETS
)
SERVER_ERRORS = Counter("mirubato_server_errors_total", "Responses with a 5xx status", ["route"])
BROWSER_CLIENTS = Gauge("mirubato_browser_clients", "NiceGUI page clients connected to this process")
SYNC_BATCH_CHANGES = Histogram(
    "mirubato_sync_batch_changes",
    "Changes per offline-sync batch (the device's queue)",
    buckets=(1, 2, 5, 10, 25, 50, 100),
)
SYNC_CHANGES = Counter("mirubato_sync_changes_total", "Offline-sync changes answered", ["status"])
WRITES_WAITING = Gauge("mirubato_sqlite_writes_waiting", "Write transactions queued for their turn (SQLite)")
DB_SECONDS = Histogram(
    "mirubato_db_statement_seconds", "Database statement time", ["statement"], buckets=LATENCY_BUCKETS
)


GC_PAUSE_SECONDS = Histogram(
    "mirubato_gc_pause_seconds",
    "Cyclic garbage collector passes (every thread stops while one runs)",
    ["generation"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
)
_gc_started: list[float] = []


def time_gc_pauses() -> None:
    """Observe each collector pass (once per process): long ones stall every user at once."""
    if _on_gc not in gc.callbacks:
        gc.callbacks.append(_on_gc)


def _on_gc(phase: str, info: dict[str, int]) -> None:
    if phase == "start":
        _gc_started.append(time.perf_counter())
    elif _gc_started:
        GC_PAUSE_SECONDS.labels(str(info["generation"])).observe(time.perf_counter() - _gc_started.pop())


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(method, route, f"{status // 100}xx").observe(seconds)
    if status >= 500:
        SERVER_ERRORS.labels(route).inc()


def observe_sync(statuses: list[str]) -> None:
    """One batch of a device's queued changes, and how each was answered."""
    SYNC_BATCH_CHANGES.observe(len(statuses))
    for status in statuses:
        SYNC_CHANGES.labels(status).inc()


def count_clients(how_many: Callable[[], int]) -> None:
    BROWSER_CLIENTS.set_function(how_many)


def time_statements(engine: Engine) -> None:
    """Observe every statement's time on this engine (once per engine), labelled SELECT, INSERT, ..."""
    if not event.contains(engine, "before_cursor_execute", _started):
        event.listen(engine, "before_cursor_execute", _started)
        event.listen(engine, "after_cursor_execute", _finished)


def _started(conn: Any, _cursor: Any, _statement: str, _params: Any, _context: Any, _many: bool) -> None:
    conn.info.setdefault("mirubato_started", []).append(time.perf_counter())


def _finished(conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
    started = conn.info["mirubato_started"].pop()
    words = statement.split(None, 1)
    kind = words[0].upper() if words else "OTHER"
    DB_SECONDS.labels(kind if kind in STATEMENT_KINDS else "OTHER").observe(time.perf_counter() - started)


def exposition() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
