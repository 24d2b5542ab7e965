"""Database behaviour the app relies on: SQLite pragmas on every connection, enforced foreign keys."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.db import Database
from core.models import PracticeLog


def test_every_pooled_sqlite_connection_has_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'p.db'}", busy_timeout_ms=4321)
    connections = [database.engine.connect() for _ in range(4)]
    try:
        for connection in connections:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 4321
    finally:
        for connection in connections:
            connection.close()
        database.dispose()


def test_a_log_for_a_user_that_does_not_exist_is_refused_by_the_database(db):
    log = PracticeLog(
        user_id=uuid.uuid4(),
        activity_type="scales",
        instrument="piano",
        start_time=datetime.now(UTC),
        duration_seconds=60,
    )
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(log)


def test_the_database_refuses_a_rating_outside_one_to_ten_even_past_the_services(db):
    from tests.factories import new_user

    actor = new_user(db)
    log = PracticeLog(
        user_id=actor.id,
        activity_type="scales",
        instrument="piano",
        start_time=datetime.now(UTC),
        duration_seconds=60,
        self_rating=11,
    )
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(log)
