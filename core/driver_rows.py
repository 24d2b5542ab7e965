"""Rows straight from the database driver, for the reads of thousands of rows on a request's path.

SQLAlchemy turns each fetched row into a ``Row`` and runs each value through its type's
processor; for the 12,000 practice-day rows of a musician with five years of history that was
about 6 ms of a 15 ms read on SQLite, and the progress recomputed after a back-dated log reads
them all. ``driver_rows`` compiles a Core statement once per dialect and runs it on the
session's own driver connection (same transaction), giving the driver's plain tuples: text for
dates and times on SQLite, ``date``/``datetime`` on PostgreSQL (``local_days_sql.as_date`` and
``fast_times.as_utc`` take both). Parameters are passed by name, in the driver's form (a UUID as
``driver_uuid`` gives it); values bound in the statement itself must be plain strings and numbers.
"""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.engine import Dialect
from sqlmodel import Session


def driver_rows(session: Session, statement: Executable, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Run ``statement`` (its ``bindparam`` names filled from ``params``) and fetch every row as a tuple."""
    connection = session.connection()
    sql, positions, bound = _compiled(statement, connection.dialect)
    values = {**bound, **params}
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]  # a live connection has one
    try:
        cursor.execute(sql, values if positions is None else [values[name] for name in positions])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
    finally:
        cursor.close()


def driver_uuid(session: Session, value: uuid.UUID) -> Any:
    """A UUID as the driver stores it: 32 hex digits on SQLite (SQLAlchemy's ``Uuid`` there), native on PostgreSQL."""
    return value.hex if session.get_bind().dialect.name == "sqlite" else value


PLAIN = (str, int, float, bool, type(None))  # values every driver takes as they are


@lru_cache(maxsize=64)  # per statement and engine: a handful in the app, more in the tests
def _compiled(statement: Executable, dialect: Dialect) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
    """The SQL text, for a positional paramstyle the order of the parameter names, and the values
    bound in the statement itself (limits, activity names)."""
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]  # every Core statement compiles
    bound = {name: value for name, value in compiled.params.items() if value is not None}
    odd = {name: value for name, value in bound.items() if not isinstance(value, PLAIN)}
    if odd:  # bind processing and IN-list expansion are skipped here: a UUID, a date or a list would go raw
        raise TypeError(f"driver_rows takes plain values bound in the statement, not {odd!r}")
    positions = tuple(compiled.positiontup) if compiled.positional else None
    return str(compiled), positions, bound
