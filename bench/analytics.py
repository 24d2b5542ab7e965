"""Progress and analytics for a heavy user among many: 1,000 users and 1,000,000 logs.

Usage: python bench/analytics.py [DATABASE_URL] [--users 1000] [--logs 1000000] [--heavy 20000]
(DATABASE_URL must point at an empty database; by default a new SQLite file in a temporary folder)

One user has --heavy logs over five years (about 11 a day); the rest share the remaining logs.
Each endpoint is called over HTTP (the real ASGI app, JSON included) for the heavy user and
for a typical one; the floor is the bare SELECT of the heavy user's logs in raw SQL, measured
in the same run. Also timed: saving one log for the heavy user, which rebuilds their progress.
Prints p50/p95 in milliseconds and the ratio of each p50 to the floor.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import insert, select, text

from app.api.deps import optional_actor
from app.main import create_app
from core import schema
from core.db import Database
from core.models import PracticeLog, SheetMusic, User
from core.settings import Settings
from services.actor import Actor
from services.catalogue_seed import seed_catalogue
from services.progress_tracking import rebuild_progress

ACTIVITIES = ["repertoire", "scales", "sight_reading", "etudes", "technique", "slow_practice", "arpeggios"]
NOW = datetime(2026, 11, 1, tzinfo=UTC)
ENDPOINTS = {
    "progress overview": "/api/progress/overview",
    "progress streaks": "/api/progress/streaks",
    "progress achievements": "/api/progress/achievements",
    "progress statistics": "/api/progress/statistics",
    "practice time, 90 days": "/api/analytics/practice-time",
    "practice time, 1 year by week": "/api/analytics/practice-time?from=2025-11-01&to=2026-10-31&granularity=week",
    "practice time, 5 years by month": "/api/analytics/practice-time?from=2021-11-01&to=2026-10-31&granularity=month",
    "repertoire, 5 years": "/api/analytics/repertoire?from=2021-11-01&to=2026-10-31",
    "improvement, 1 year": "/api/analytics/improvement?from=2025-11-01&to=2026-10-31",
    "improvement, 5 years, piano": "/api/analytics/improvement?from=2021-11-01&to=2026-10-31&instrument=piano",
    "export CSV, 1 year": "/api/analytics/export?from=2025-11-01&to=2026-10-31",
    "recommended pieces": "/api/sheet-music/recommended",
}


def fill(database: Database, users: int, logs: int, heavy: int) -> tuple[uuid.UUID, uuid.UUID]:
    """Users and logs by bulk insert; returns the heavy user's id and a typical user's id."""
    rng = random.Random(7)
    with database.transaction() as session:
        seed_catalogue(session)
        pieces = [(p.id, p.composer, p.title) for p in session.exec(select(SheetMusic)).scalars()]
    user_ids = [uuid.uuid4() for _ in range(users)]
    with database.engine.begin() as connection:
        connection.execute(
            insert(User.__table__),  # type: ignore[attr-defined]
            [{"id": u, "email": f"user{i}@example.com", "primary_instrument": "piano", "timezone": "Europe/Berlin",
              "role": "musician"} for i, u in enumerate(user_ids)],
        )  # fmt: skip
    plan = [(user_ids[0], heavy)] + [(u, (logs - heavy) // (users - 1)) for u in user_ids[1:]]
    batch: list[dict] = []
    for user_id, count in plan:
        span = 5 * 365 * 24 * 3600 if user_id == user_ids[0] else 365 * 24 * 3600
        for _ in range(count):
            batch.append(_log(rng, user_id, pieces, NOW - timedelta(seconds=rng.randint(0, span))))
            if len(batch) == 20_000:
                _insert(database, batch)
                batch = []
    _insert(database, batch)
    return user_ids[0], user_ids[1]


def _log(rng: random.Random, user_id: uuid.UUID, pieces: list, start: datetime) -> dict:
    piece_id, composer, title = rng.choice(pieces) if rng.random() < 0.6 else (None, None, None)
    seconds = rng.choice([600, 900, 1200, 1800, 2700])
    tempo = rng.randint(50, 130)
    return {
        "id": uuid.uuid4(),
        "user_id": user_id,
        "activity_type": rng.choice(ACTIVITIES),
        "instrument": "piano" if rng.random() < 0.85 else "guitar",
        "start_time": start,
        "end_time": start + timedelta(seconds=seconds),
        "duration_seconds": seconds,
        "sheet_music_id": piece_id,
        "composer": composer,
        "work_title": title,
        "tempo_practiced": tempo if piece_id else None,
        "target_tempo": 132 if piece_id else None,
        "self_rating": rng.randint(3, 10),
        "accuracy_percentage": round(rng.uniform(60, 100), 1),
        "is_active": True,
        "version": 1,
        "created_at": start,
        "updated_at": start,
    }


def _insert(database: Database, rows: list[dict]) -> None:
    if rows:
        with database.engine.begin() as connection:
            connection.execute(insert(PracticeLog.__table__), rows)  # type: ignore[attr-defined]


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, round(len(samples) * 0.95) - 1)]


def api_client(database: Database) -> TestClient:
    settings = Settings(data_dir=Path(tempfile.mkdtemp()), seed_on_start=False, environment="test",
                        secret_key="bench-" + "x" * 40, rate_writes_per_user=10**9)  # fmt: skip
    return TestClient(create_app(settings, database=database))


def act_as(client: TestClient, user_id: uuid.UUID) -> None:
    """The app is one per process, so the acting user is switched on it before each series."""
    client.app.dependency_overrides[optional_actor] = lambda: Actor(id=user_id, timezone="Europe/Berlin")  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--logs", type=int, default=1_000_000)
    parser.add_argument("--heavy", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    database = Database(args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    schema.upgrade(database)
    with database.engine.connect() as connection:
        if connection.execute(text("SELECT COUNT(*) FROM users")).scalar_one():
            raise SystemExit("bench/analytics.py fills the database itself: give it an empty one")
    started = time.perf_counter()
    heavy, typical = fill(database, args.users, args.logs, args.heavy)
    with database.engine.begin() as connection:
        total = connection.execute(text("SELECT COUNT(*) FROM practice_logs")).scalar_one()
        if database.engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))
    for user_id in (heavy, typical):
        with database.transaction() as session:
            rebuild_progress(session, user_id)
    print(
        f"{database.engine.dialect.name}: {args.users} users, {total} logs (heavy user {args.heavy}), "
        f"filled in {time.perf_counter() - started:.0f} s"
    )
    _report(database, heavy, typical, args.repeat)
    database.dispose()


def _report(database: Database, heavy: uuid.UUID, typical: uuid.UUID, repeat: int) -> None:
    def floor_query() -> None:
        with database.engine.connect() as connection:
            connection.execute(
                text("SELECT start_time, duration_seconds FROM practice_logs WHERE user_id = :u AND is_active"),
                {"u": heavy if database.engine.dialect.name == "postgresql" else heavy.hex},
            ).fetchall()

    floor, floor95 = timed(floor_query, repeat)
    print(f"  raw-SQL floor (all logs of the heavy user): p50 {floor:.1f} ms  p95 {floor95:.1f} ms")
    client = api_client(database)
    print(f"  {'endpoint':34s} {'heavy p50':>10s} {'p95':>8s} {'x floor':>8s}   {'typical p50':>11s} {'p95':>8s}")
    for name, path in ENDPOINTS.items():
        figures = {}
        for who, user_id in (("heavy", heavy), ("typical", typical)):
            act_as(client, user_id)
            assert client.get(path).status_code == 200, path
            figures[who] = timed(lambda path=path: client.get(path), repeat)
        (h50, h95), (t50, t95) = figures["heavy"], figures["typical"]
        print(f"  {name:34s} {h50:8.1f} ms {h95:6.1f} ms {h50 / floor:7.1f}x   {t50:9.1f} ms {t95:6.1f} ms")
    _time_writes(database, client, heavy, repeat)


def _time_writes(database: Database, client: TestClient, user_id: uuid.UUID, repeat: int) -> None:
    """A new log (progress folded in) over HTTP, and a back-dated one (progress rebuilt from every log)."""
    act_as(client, user_id)
    new = {"activityType": "scales", "durationSeconds": 600}
    p50, p95 = timed(lambda: client.post("/api/practice/logs", json=new), repeat)
    print(f"  POST a new log for the heavy user (progress folded in):       p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    old = {**new, "startTime": "2022-06-01T10:00:00+00:00"}
    p50, p95 = timed(lambda: client.post("/api/practice/logs", json=old), max(3, repeat // 4))
    print(f"  POST a back-dated log (progress rebuilt from all logs):     p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    actor = Actor(id=user_id, timezone="Europe/Berlin")
    with database.transaction() as session:
        started = time.perf_counter()
        rebuild_progress(session, actor.id)
        print(f"  full progress rebuild of the heavy user: {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
