"""Practice sessions: start, end with statistics, list, and ownership."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from services import practice_logs, practice_sessions
from services.errors import Conflict, InvalidInput, NotFound
from tests.factories import log_body, new_user

START = datetime(2024, 3, 10, 18, 0, tzinfo=UTC)


def test_ending_a_session_computes_duration_and_statistics_from_its_logs(db):
    actor = new_user(db)
    with db.transaction() as session:
        sitting = practice_sessions.start_session(session, actor=actor, data={"startTime": START.isoformat()})
        no_goal = {"tempoPracticed": None, "targetTempo": None}
        for minutes, activity, extra in [
            (10, "warm_up", no_goal),
            (20, "repertoire", {**no_goal, "accuracyPercentage": 80}),
            (15, "scales", {"tempoPracticed": 60, "targetTempo": 100, "accuracyPercentage": 90}),
        ]:
            practice_logs.log_practice(
                session,
                actor=actor,
                data=log_body(
                    sessionId=str(sitting.id),
                    activityType=activity,
                    durationSeconds=minutes * 60,
                    startTime=START.isoformat(),
                    **extra,
                ),
            )
    with db.transaction() as session:
        summary = practice_sessions.end_session(
            session, actor=actor, session_id=sitting.id, data={"endTime": (START + timedelta(minutes=50)).isoformat()}
        )
    assert summary.duration_seconds == 3000
    assert (summary.total_exercises, summary.completed_exercises) == (3, 2)
    assert summary.accuracy_percentage == 85.0
    assert summary.practiced_seconds == 45 * 60
    assert summary.seconds_by_activity["repertoire"] == 1200
    assert summary.session_date == date(2024, 3, 10)


def test_the_session_date_is_the_users_local_day(db):
    actor = new_user(db, timezone="Asia/Tokyo")
    with db.transaction() as session:
        sitting = practice_sessions.start_session(session, actor=actor, data={"startTime": "2024-03-10T20:00:00+00:00"})
    assert sitting.session_date == date(2024, 3, 11)


def test_a_session_cannot_end_twice_or_before_it_started_or_a_day_later(db):
    actor = new_user(db)
    started = datetime.now(UTC) - timedelta(hours=1)
    with db.transaction() as session:
        sitting = practice_sessions.start_session(session, actor=actor, data={"startTime": started.isoformat()})
    for wrong_end in (started - timedelta(minutes=1), started + timedelta(hours=25)):
        with pytest.raises(InvalidInput, match="endTime"), db.transaction() as session:
            practice_sessions.end_session(
                session, actor=actor, session_id=sitting.id, data={"endTime": wrong_end.isoformat()}
            )
    with db.transaction() as session:
        practice_sessions.end_session(session, actor=actor, session_id=sitting.id, data={})
    with pytest.raises(Conflict), db.transaction() as session:
        practice_sessions.end_session(session, actor=actor, session_id=sitting.id, data={})


def test_starting_a_session_closes_one_left_open(db):
    actor = new_user(db)
    with db.transaction() as session:
        stale = practice_sessions.start_session(session, actor=actor, data={"startTime": START.isoformat()})
        practice_logs.log_practice(
            session,
            actor=actor,
            data=log_body(sessionId=str(stale.id), startTime=START.isoformat(), durationSeconds=600),
        )
    with db.transaction() as session:
        practice_sessions.start_session(session, actor=actor, data={})
    with db.transaction(write=False) as session:
        closed = practice_sessions.get_session(session, actor=actor, session_id=stale.id)
    assert closed.end_time == START + timedelta(minutes=10)
    assert closed.total_exercises == 1


def test_sessions_of_another_user_are_not_found(db):
    owner, other = new_user(db), new_user(db)
    with db.transaction() as session:
        sitting = practice_sessions.start_session(session, actor=owner, data={})
    with pytest.raises(NotFound), db.transaction(write=False) as session:
        practice_sessions.get_session(session, actor=other, session_id=sitting.id)
    with pytest.raises(NotFound), db.transaction() as session:
        practice_sessions.end_session(session, actor=other, session_id=sitting.id, data={})
    with pytest.raises(InvalidInput, match="sessionId"), db.transaction() as session:
        practice_logs.log_practice(session, actor=other, data=log_body(sessionId=str(sitting.id)))
    with db.transaction(write=False) as session:
        assert practice_sessions.list_sessions(session, actor=other, query={}).total == 0
        assert practice_sessions.list_sessions(session, actor=owner, query={}).total == 1


def test_an_unknown_session_type_is_refused(db):
    actor = new_user(db)
    with pytest.raises(InvalidInput, match="sessionType"), db.transaction() as session:
        practice_sessions.start_session(session, actor=actor, data={"sessionType": "jam"})
    with pytest.raises(NotFound), db.transaction(write=False) as session:
        practice_sessions.get_session(session, actor=actor, session_id=uuid.uuid4())
