"""Importing practice history: 20,000 CSV rows, against a floor measured in the same run.

Usage: python bench/import_history.py [DATABASE_URL] [--rows 20000] [--runs 5]
(DATABASE_URL must point at an empty database; by default a new SQLite file in a temporary folder)

Each run imports the same file for a new musician, four ways:

* the service in one transaction (what POST /api/users/me/import does, minus HTTP),
* the page's way: prepare, then batches of 1,000 each in its own transaction, then finish,
* over HTTP (the real ASGI app: the multipart upload, the JSON report),
* the same file again (every row found by its id, nothing added);

and the floor: a plain executemany of the same rows with the bare driver, no parsing, no checks,
no conflict handling, no progress. Prints p50/p95 in seconds and each p50's ratio to the floor's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from app.api.deps import optional_actor
from app.main import create_app
from core import schema
from core.db import Database
from core.models import PracticeLog, User
from core.settings import Settings
from services import history_import
from services.actor import Actor

HEADER = "Date,Start,Minutes,Activity,Instrument,Piece,Composer,Notes,Tempo,Rating"
ACTIVITIES = ["scales", "Repertoire", "sight-reading", "Études", "warm up", "technique"]
COLUMNS = [column.key for column in PracticeLog.__table__.columns]  # type: ignore[attr-defined]  # set at runtime


def csv_file(rows: int) -> bytes:
    """A realistic export of another app: a row every few hours over years, pieces, notes, tempi."""
    first = date(2008, 1, 1)
    lines = [HEADER] + [
        f"{first + timedelta(days=i // 3)},{7 + i % 12}:{i % 60:02d},{15 + i % 50},{ACTIVITIES[i % 6]},"
        f'{"guitar" if i % 5 == 0 else "piano"},Piece {i % 120},Composer {i % 17},"Bars {i % 40}-{i % 40 + 8}, '
        f'slowly, then up to tempo",{50 + i % 90},{1 + i % 10}'
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def new_user(database: Database) -> Actor:
    with database.transaction() as session:
        user = User(email=f"{uuid.uuid4().hex[:12]}@bench.example", primary_instrument="piano")
        session.add(user)
        session.flush()
        return Actor(id=user.id, timezone=user.timezone)


def one_transaction(database: Database, content: bytes) -> Callable[[], int]:
    def run() -> int:
        actor = new_user(database)
        with database.transaction() as session:
            return history_import.import_history(session, actor=actor, content=content, data={"format": "csv"}).added

    return run


def in_batches(database: Database, content: bytes) -> Callable[[], int]:
    def run() -> int:
        actor = new_user(database)
        with database.transaction(write=False) as session:
            plan = history_import.prepare_import(session, actor=actor, content=content, data={"format": "csv"})
        for start in range(0, len(plan.logs), history_import.BATCH_SIZE):
            with database.transaction() as session:
                history_import.apply_batch(
                    session, actor=actor, plan=plan, start=start, stop=start + history_import.BATCH_SIZE
                )
        with database.transaction() as session:
            return history_import.finish_import(session, actor=actor, plan=plan).added

    return run


def over_http(database: Database, content: bytes) -> Callable[[], int]:
    # The app builds progress at start for musicians with logs and none (the floor's): built here, not timed.
    settings = Settings(data_dir=Path(tempfile.mkdtemp()), seed_on_start=False, environment="test",
                        secret_key="bench-" + "x" * 40, rate_writes_per_user=10**9)  # fmt: skip
    client = TestClient(create_app(settings, database=database))

    def run() -> int:
        actor = new_user(database)
        client.app.dependency_overrides[optional_actor] = lambda: actor  # type: ignore[attr-defined]
        response = client.post(
            "/api/users/me/import", files={"file": ("history.csv", content, "text/csv")}, data={"format": "csv"}
        )
        assert response.status_code == 200, response.text[:300]
        return int(response.json()["added"])

    return run


def again(database: Database, content: bytes) -> Callable[[], int]:
    actor = new_user(database)
    with database.transaction() as session:
        history_import.import_history(session, actor=actor, content=content, data={"format": "csv"})

    def run() -> int:
        with database.transaction() as session:
            report = history_import.import_history(session, actor=actor, content=content, data={"format": "csv"})
        assert report.added == 0 and report.existing > 0
        return report.existing

    return run


def floor(database: Database, content: bytes, runs: int) -> Callable[[], int]:
    """The same rows as the import stores them, inserted with the driver's executemany and nothing else
    (each run's rows are made beforehand, for a musician of their own)."""
    actor = new_user(database)
    with database.transaction(write=False) as session:
        plan = history_import.prepare_import(session, actor=actor, content=content, data={"format": "csv"})
    sqlite = database.is_sqlite
    marks = ", ".join(["?" if sqlite else "%s"] * len(COLUMNS))
    sql = f"INSERT INTO practice_logs ({', '.join(COLUMNS)}) VALUES ({marks})"
    owners = [new_user(database).id for _ in range(runs)]
    batches = [[_raw_row(log.values, owner, sqlite) for log in plan.logs] for owner in owners]

    def run() -> int:
        rows = batches.pop()
        with database.engine.begin() as connection:
            connection.exec_driver_sql(sql, rows)
        return len(rows)

    return run


def _raw_row(values: dict[str, Any], user_id: uuid.UUID, sqlite: bool) -> tuple[Any, ...]:
    now = datetime.now(UTC)
    full = {**dict.fromkeys(COLUMNS), **values, "id": uuid.uuid4(), "user_id": user_id, "is_active": True, "version": 1}
    full["created_at"] = full["updated_at"] = now
    out = []
    for name in COLUMNS:
        value = full[name]
        if isinstance(value, uuid.UUID):
            value = value.hex if sqlite else value
        elif isinstance(value, list):
            value = json.dumps(value)
        elif sqlite and hasattr(value, "isoformat"):
            value = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        out.append(value)
    return tuple(out)


def timed(run: Callable[[], int], runs: int, expected: int) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        count = run()
        seconds.append(time.perf_counter() - started)
        assert count == expected, (count, expected)
    seconds.sort()
    p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
    return statistics.median(seconds), p95


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    database = Database(args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    schema.upgrade(database)
    with database.engine.connect() as connection:
        if connection.execute(text("SELECT COUNT(*) FROM users")).scalar_one():
            raise SystemExit("bench/import_history.py makes its own users: give it an empty database")
    content = csv_file(args.rows)
    print(f"{database.engine.dialect.name}: {args.rows} CSV rows ({len(content) / 1e6:.1f} MB), {args.runs} runs each")
    base_p50, base_p95 = timed(floor(database, content, args.runs), args.runs, args.rows)
    print(f"  {'floor: executemany of the same rows':46s} p50 {base_p50:6.2f} s  p95 {base_p95:6.2f} s")
    ways = {
        "service, one transaction": one_transaction,
        "page: prepare, batches of 1,000, finish": in_batches,
        "HTTP POST /api/users/me/import": over_http,
        "the same file again (nothing new)": again,
    }
    for name, way in ways.items():
        p50, p95 = timed(way(database, content), args.runs, args.rows)
        print(f"  {name:46s} p50 {p50:6.2f} s  p95 {p95:6.2f} s  {p50 / base_p50:5.1f}x floor")
    database.dispose()


if __name__ == "__main__":
    main()
