"""Saving logs and reading the library under 1, 10 and 50 concurrent clients, beside a raw floor.

Usage: python bench/concurrency.py [DATABASE_URL] [--requests 400]

Three ways in, each timed per call (p50/p95/p99 in ms) at each concurrency:
  * the service layer (practice_logs.log_practice in its own transaction, as a page event does);
  * POST /api/practice/logs and GET /api/sheet-music?instrument=piano against a real
    `mirubato serve` process on loopback (signed in through a real emailed link);
  * the floor: the same INSERT in raw sqlite3/psycopg with a commit, same durability settings.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import schema
from app.db import Database
from services import practice_logs
from tests.factories import log_body, new_user
from tests.mail_sink import running_mail_sink
from tests.processes import MIRUBATO, clean_env, free_port, wait_until_healthy

LEVELS = (1, 10, 50)


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    at = lambda q: ordered[min(len(ordered) - 1, max(0, round(len(ordered) * q) - 1))]  # noqa: E731
    return statistics.median(ordered), at(0.95), at(0.99)


def hammer(call: Callable[[int], object], requests: int, workers: int) -> tuple[float, float, float, float]:
    """Run ``requests`` calls on ``workers`` threads; per-call p50/p95/p99 and the throughput per second."""

    def timed(index: int) -> float:
        started = time.perf_counter()
        call(index)
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        samples = list(pool.map(timed, range(requests)))
    p50, p95, p99 = percentiles(samples)
    return p50, p95, p99, requests / (time.perf_counter() - started)


def raw_insert(url: str, user_id: uuid.UUID) -> Callable[[int], object]:
    """The same row written with the bare driver, one connection per thread, a commit per row."""
    import threading

    local = threading.local()
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"

    def connection():  # type: ignore[no-untyped-def]
        if not hasattr(local, "connection"):
            if sqlite:
                import sqlite3

                local.connection = sqlite3.connect(parsed.database, timeout=30, isolation_level=None)
                local.connection.execute("PRAGMA journal_mode=WAL")
                local.connection.execute("PRAGMA synchronous=FULL")
            else:
                import psycopg

                local.connection = psycopg.connect(parsed.set(drivername="postgresql").render_as_string(False))
        return local.connection

    def insert(_index: int) -> None:
        db = connection()
        now = datetime.now(UTC)
        values = (uuid.uuid4().hex if sqlite else uuid.uuid4(), user_id.hex if sqlite else user_id, now, now, now, now)
        mark = "?" if sqlite else "%s"
        sql = (
            "INSERT INTO practice_logs (id, user_id, activity_type, instrument, start_time, end_time, duration_seconds,"
            f" is_active, version, created_at, updated_at) VALUES ({mark}, {mark}, 'scales', 'piano', {mark}, {mark},"
            f" 600, {'1' if sqlite else 'true'}, 1, {mark}, {mark})"
        )
        if sqlite:
            db.execute("BEGIN IMMEDIATE")
            db.execute(sql, values)
            db.execute("COMMIT")
        else:
            db.execute(sql, values)
            db.commit()

    return insert


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = args.url or f"sqlite:///{folder / 'mirubato.db'}"
    database = Database(url)
    schema.upgrade(database)
    actor = new_user(database)

    def service_save(_index: int) -> None:
        with database.transaction() as session:
            practice_logs.log_practice(session, actor=actor, data=log_body(id=str(uuid.uuid4())))

    floor = raw_insert(url, actor.id)
    print(f"{database.engine.dialect.name}: {args.requests} calls per line; p50/p95/p99 in ms; throughput per second")
    for workers in LEVELS:
        f50, f95, f99, _ = hammer(floor, args.requests, workers)
        print(f"  {workers:>2} clients  raw INSERT floor          {f50:6.1f} {f95:6.1f} {f99:6.1f}")
        s50, s95, s99, rate = hammer(service_save, args.requests, workers)
        print(f"  {workers:>2} clients  log save, service layer   {s50:6.1f} {s95:6.1f} {s99:6.1f}"
              f"  {rate:6.0f}/s  p95 {s95 / f95:.1f}x the floor")  # fmt: skip
    database.dispose()
    _over_http(folder, url, args.requests)


def _over_http(folder: Path, url: str, requests: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_mail_sink() as mail:
        env = clean_env(MIRUBATO_DATA_DIR=str(folder), MIRUBATO_DATABASE_URL=url, MIRUBATO_BASE_URL=base,
                        MIRUBATO_SMTP_HOST=mail.host, MIRUBATO_SMTP_PORT=str(mail.port), MIRUBATO_LOG_LEVEL="WARNING",
                        MIRUBATO_RATE_WRITES_PER_USER="1000000")  # fmt: skip
        server = subprocess.Popen([MIRUBATO, "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            wait_until_healthy(base, server)
            httpx.post(f"{base}/api/auth/login", json={"email": "bench@example.com"})
            tokens = httpx.post(f"{base}/api/auth/verify", json={"token": mail.last_token("bench@example.com")}).json()
            headers = {"Authorization": f"Bearer {tokens['accessToken']}"}
            client = httpx.Client(base_url=base, headers=headers, limits=httpx.Limits(max_connections=64), timeout=60)

            def post(_index: int) -> None:
                assert client.post("/api/practice/logs", json=log_body(id=str(uuid.uuid4()))).status_code == 201

            def library(_index: int) -> None:
                assert client.get("/api/sheet-music", params={"instrument": "piano", "limit": 20}).status_code == 200

            for workers in LEVELS:
                for name, call in (("POST /api/practice/logs", post), ("GET /api/sheet-music", library)):
                    p50, p95, p99, rate = hammer(call, requests, workers)
                    print(f"  {workers:>2} clients  {name:25s} {p50:6.1f} {p95:6.1f} {p99:6.1f}  {rate:6.0f}/s")
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
