"""The floors: the same work as each benchmarked call, done with the bare driver (sqlite3 / psycopg).

One connection per thread, the same durability settings as the app (WAL, synchronous=FULL,
BEGIN IMMEDIATE for writes on SQLite). A floor has no validation, no ORM, no HTTP and no
progress bookkeeping, so the ratio to it is what all of those cost together.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import make_url

INSERT_LOG = (
    "INSERT INTO practice_logs (id, user_id, activity_type, instrument, start_time, end_time, duration_seconds,"
    " is_active, version, created_at, updated_at) VALUES ({m}, {m}, 'scales', 'piano', {m}, {m}, 600, {true}, 1,"
    " {m}, {m})"
)
LIBRARY_PAGE = (
    "SELECT id, title, composer, instrument, difficulty_level, style_period FROM sheet_music WHERE is_active"
    " AND instrument IN ('piano', 'both') AND style_period = 'Romantic' ORDER BY composer, title, id LIMIT 20"
)
PAGE_IDENTITY = ("SELECT * FROM auth_sessions WHERE id = {m}", "SELECT * FROM users WHERE id = {m}")
DAILY_MINUTES = (
    "SELECT {day}, SUM(duration_seconds) FROM practice_logs WHERE user_id = {m} AND is_active"
    " AND start_time >= {m} GROUP BY 1 ORDER BY 1"
)


class Floors:
    """Raw-driver versions of the benchmarked calls against one database URL."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.sqlite = parsed.get_backend_name() == "sqlite"
        self._target = parsed.database if self.sqlite else parsed.set(drivername="postgresql").render_as_string(False)
        self._local = threading.local()
        self._m = "?" if self.sqlite else "%s"

    def _connection(self) -> Any:
        if not hasattr(self._local, "connection"):
            if self.sqlite:
                import sqlite3

                connection = sqlite3.connect(self._target, timeout=30, isolation_level=None)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=FULL")
            else:
                import psycopg

                connection = psycopg.connect(self._target, autocommit=True)
            self._local.connection = connection
        return self._local.connection

    def _id(self, value: uuid.UUID) -> Any:
        return value.hex if self.sqlite else value

    def _write(self, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        connection = self._connection()
        if self.sqlite:
            connection.execute("BEGIN IMMEDIATE")
            for sql, values in statements:
                connection.execute(sql, values)
            connection.execute("COMMIT")
        else:
            with connection.transaction():
                for sql, values in statements:
                    connection.execute(sql, values)

    def _log_row(self, user_id: uuid.UUID) -> tuple[str, tuple[Any, ...]]:
        now = datetime.now(UTC)
        sql = INSERT_LOG.format(m=self._m, true="1" if self.sqlite else "true")
        return sql, (self._id(uuid.uuid4()), self._id(user_id), now, now, now, now)

    def insert_log(self, user_id: uuid.UUID) -> None:
        self._write([self._log_row(user_id)])

    def insert_logs(self, user_id: uuid.UUID, count: int) -> None:
        self._write([self._log_row(user_id) for _ in range(count)])

    def library_page(self) -> None:
        self._connection().execute(LIBRARY_PAGE).fetchall()

    def page_identity(self, session_id: uuid.UUID, user_id: uuid.UUID) -> None:
        connection = self._connection()
        for sql, value in zip(PAGE_IDENTITY, (session_id, user_id), strict=True):
            connection.execute(sql.format(m=self._m), (self._id(value),)).fetchall()

    def daily_minutes(self, user_id: uuid.UUID, days: int = 90) -> None:
        day = "substr(start_time, 1, 10)" if self.sqlite else "date(start_time)"
        since = datetime.now(UTC) - timedelta(days=days)
        sql = DAILY_MINUTES.format(day=day, m=self._m)
        self._connection().execute(sql, (self._id(user_id), since)).fetchall()
