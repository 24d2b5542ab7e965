"""Would psycopg's pipeline mode make a log save faster on PostgreSQL? One save's statements, replayed.

Usage: python bench/pg_pipeline.py [POSTGRES_URL] [--saves 300] [--history 2000]

A musician with ``--history`` logs saves one more through the service layer
(``practice_logs.log_practice``: the insert, the practice day summed again, progress folded in);
every statement it sends is recorded. Then those statements are replayed with the bare psycopg
driver, each replay in its own transaction, rolled back so that every replay does the same work:
one by one, each waiting for its answer (as SQLAlchemy sends them), and in pipeline mode, sent
together and answered at one sync. Printed: p50/p95 of both beside the service's own save (a
new log each, committed). The difference between the two replays is the most pipeline mode could
take off a save; getting it would also need SQLAlchemy to send a statement before reading the
previous one's answer, which it does not do (the ORM reads each answer, and several statements
depend on the one before). Makes and drops a scratch database next to the one in the URL.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.analytics import timed
from core import schema
from core.db import Database
from services.actor import Actor
from services.practice_logs import log_practice
from tests.factories import make_user

SCRATCH = "mirubato_pipeline_bench"


def percentiles(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """``bench.analytics.timed`` after a longer warm-up (PostgreSQL's plans cached, pages in memory)."""
    for _ in range(9):
        run()
    return timed(run, repeat)


def scratch_database(url: str) -> str:
    admin = make_url(url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(False), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {SCRATCH}")
    return admin.set(database=SCRATCH).render_as_string(False)


def body(start: datetime) -> dict[str, Any]:
    return {"activity_type": "scales", "instrument": "piano", "start_time": start, "duration_seconds": 600}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--history", type=int, default=2000)
    args = parser.parse_args()
    target = scratch_database(args.url)
    database = Database(make_url(target).set(drivername="postgresql+psycopg").render_as_string(False))
    try:
        schema.upgrade(database)
        with database.transaction() as session:
            actor = make_user(session)
        actor = Actor(id=actor.id, timezone="UTC")
        first = datetime.now(UTC) - timedelta(days=400)
        for number in range(args.history):
            with database.transaction() as session:
                log_practice(session, actor=actor, data=body(first + timedelta(hours=4 * number)))

        moments = iter(first + timedelta(days=400, seconds=number) for number in range(10**9))

        def service_save() -> None:
            with database.transaction() as session:
                log_practice(session, actor=actor, data=body(next(moments)))

        saved = percentiles(service_save, args.saves)
        statements = record(database, lambda: service_save())
        with psycopg.connect(target) as connection:
            # The recorded save's log is removed, so each replay inserts it anew (and is rolled back).
            connection.execute(
                "DELETE FROM practice_logs WHERE start_time = (SELECT max(start_time) FROM practice_logs)"
            )
            connection.commit()
            one_by_one = percentiles(lambda: replay(connection, statements, pipeline=False), args.saves)
            pipelined = percentiles(lambda: replay(connection, statements, pipeline=True), args.saves)
        print(f"postgresql: a log save with {args.history} logs before it, {len(statements)} statements")
        for name, (p50, p95) in (
            ("through the service (SQLAlchemy, committed)", saved),
            ("its statements, psycopg, one by one", one_by_one),
            ("its statements, psycopg, pipeline mode", pipelined),
        ):
            print(f"  {name:45s} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms")
        print(f"  the most pipeline mode could take off a save: {one_by_one[0] - pipelined[0]:.2f} ms at p50")
    finally:
        database.dispose()
        admin = make_url(args.url).set(drivername="postgresql")
        with psycopg.connect(admin.render_as_string(False), autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")


Sent = list[tuple[str, Any, bool]]  # statement, parameters, whether it ran as executemany


def record(database: Database, save: Callable[[], None]) -> Sent:
    """The statements (with their parameters) that one save sends."""
    sent: Sent = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        sent.append((statement, parameters, many))

    event.listen(database.engine, "before_cursor_execute", keep)
    try:
        save()
    finally:
        event.remove(database.engine, "before_cursor_execute", keep)
    return sent


def replay(connection: psycopg.Connection[Any], statements: Sent, *, pipeline: bool) -> None:
    """Send the statements in one transaction and roll it back; without pipeline mode each answer
    is read before the next statement goes, as SQLAlchemy does."""
    with connection.cursor() as cursor:
        if pipeline:
            with connection.pipeline():
                for statement, parameters, many in statements:
                    (cursor.executemany if many else cursor.execute)(statement, parameters)
        else:
            for statement, parameters, many in statements:
                (cursor.executemany if many else cursor.execute)(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
    connection.rollback()


if __name__ == "__main__":
    main()
