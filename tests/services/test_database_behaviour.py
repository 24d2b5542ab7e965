"""Database behaviour the app relies on: SQLite pragmas on every connection, enforced foreign keys."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import IntegrityError

from core.db import Database
from core.driver_rows import driver_rows, driver_uuid
from core.models import PracticeLog, User
from services.local_days_sql import as_date
from tests.factories import make_user


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


def test_driver_rows_give_what_sqlalchemy_gives_in_the_drivers_form(db) -> None:
    """core.driver_rows: the same rows as SQLAlchemy's, as plain tuples, inside the session's transaction."""

    users = User.__table__  # type: ignore[attr-defined]
    statement = select(users.c.email, users.c.created_at).where(
        users.c.id == bindparam("user_id"), users.c.role != "admin"
    )
    with db.transaction() as session:
        actor = make_user(session)  # not committed: the read must see the session's own writes
        found = driver_rows(session, statement, {"user_id": driver_uuid(session, actor.id)})
        expected = session.connection().execute(statement, {"user_id": actor.id}).all()
    assert [type(row) for row in found] == [tuple]
    assert found[0][0] == expected[0][0]
    assert as_date(str(found[0][1])[:10]) == expected[0][1].date()


def test_driver_rows_refuse_values_that_need_sqlalchemys_processing(db) -> None:

    users = User.__table__  # type: ignore[attr-defined]
    with db.transaction() as session, pytest.raises(TypeError, match="plain values"):
        driver_rows(session, select(users.c.email).where(users.c.id == uuid.uuid4()), {})
