"""The practice_days rollup: each musician's logs summed per local day, instrument, activity and session.

Analytics and progress read these rows instead of every log, so their cost follows the days a
musician practised, not the logs. The rows are derived data: before each commit that changes a
user's logs (``services.progress_tracking``), the days those changes touch are summed again from
the logs, in one INSERT ... SELECT; a change of time zone or an import sums every day again. A
new log alone (the common save) is added to its day's row instead (``add_log``): building the
INSERT ... SELECT, with its local-day expression for the user's time zone, was a third of a
save's time. A test applies random edits and compares the table with the logs grouped from
scratch.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session

from core.fast_times import as_utc
from core.models import PracticeDay, PracticeLog
from services.calendar_days import day_start, local_day
from services.local_days_sql import local_date
from services.progress_rules import XP_PER_LOG_CAP, log_xp

DAYS = PracticeDay.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ at runtime
LOGS = PracticeLog.__table__  # type: ignore[attr-defined]  # see above
SUMMED = ["seconds", "logs", "xp", "rating_sum", "rating_count", "accuracy_sum", "accuracy_count", "at_target_tempo"]
KEYS = ["user_id", "day", "instrument", "activity_type", "session_id"]
# What a reader adds up over any set of day rows: time, logs, and the parts of the two averages.
TOTALS = tuple(
    func.sum(DAYS.c[name])
    for name in ("seconds", "logs", "rating_sum", "rating_count", "accuracy_sum", "accuracy_count")
)


# One log added to the row of its day, instrument, activity and session: built once, with
# parameters, so each save only binds values (SQLAlchemy caches the compiled statement).
_ADD_TO_ROW = (
    update(DAYS)
    .where(
        *(DAYS.c[name] == bindparam(f"key_{name}", type_=DAYS.c[name].type) for name in KEYS if name != "session_id"),
        # NULL (no sitting) matches NULL: "=" would never match it.
        DAYS.c.session_id.is_not_distinct_from(bindparam("key_session_id", type_=DAYS.c.session_id.type)),
    )
    .values({name: DAYS.c[name] + bindparam(name, type_=DAYS.c[name].type) for name in SUMMED})
    .execution_options(preserve_rowcount=True)
)
_NEW_ROW = DAYS.insert()
_KEY_PARAMS = {name: f"key_{name}" for name in KEYS}  # a column's own name is taken by its SET value


def add_log(session: Session, log: PracticeLog, timezone: str) -> None:
    """Add a newly created log to its day: the row's sums grow by the log's figures, or the row is
    made. The same figures as ``_insert_sums`` sums in SQL, computed here for one log."""
    if not log.is_active:
        return
    seconds = max(log.duration_seconds or 0, 0)
    tempo, target = log.tempo_practiced or 0, log.target_tempo or 0
    figures = {
        "seconds": seconds,
        "logs": 1,
        "xp": log_xp(seconds),
        "rating_sum": log.self_rating or 0,
        "rating_count": int(log.self_rating is not None),
        "accuracy_sum": float(log.accuracy_percentage or 0.0),
        "accuracy_count": int(log.accuracy_percentage is not None),
        "at_target_tempo": int(tempo > 0 and target > 0 and tempo >= target),
    }
    key = {
        "user_id": log.user_id,
        "day": local_day(as_utc(log.start_time), timezone),
        "instrument": log.instrument,
        "activity_type": log.activity_type,
        "session_id": log.session_id,
    }
    connection = session.connection()
    added = connection.execute(_ADD_TO_ROW, {_KEY_PARAMS[name]: value for name, value in key.items()} | figures)
    if added.rowcount == 0:
        connection.execute(_NEW_ROW, key | figures)


def refresh_days(session: Session, user_id: uuid.UUID, timezone: str, moments: Iterable[datetime] | None) -> None:
    """Sum the user's logs again for the local days of ``moments`` (log start times, before and after
    the change), or for every day when ``moments`` is None."""
    connection = session.connection()
    if moments is None:
        connection.execute(delete(DAYS).where(DAYS.c.user_id == user_id))
        span = connection.execute(
            sa_select(func.min(LOGS.c.start_time), func.max(LOGS.c.start_time)).where(*_active(user_id))
        ).one()
        if span[0] is None:
            return
        first, last = (local_day(as_utc(moment), timezone) for moment in span)
        _insert_sums(session, user_id, timezone, first, last, [])
        return
    days = sorted({local_day(as_utc(moment), timezone) for moment in moments})
    if not days:
        return
    connection.execute(delete(DAYS).where(DAYS.c.user_id == user_id, DAYS.c.day.in_(days)))
    within = [
        and_(LOGS.c.start_time >= day_start(day, timezone), LOGS.c.start_time < day_start(day + timedelta(1), timezone))
        for day in days
    ]
    _insert_sums(session, user_id, timezone, days[0], days[-1], [or_(*within)])


def _insert_sums(
    session: Session, user_id: uuid.UUID, timezone: str, first: date, last: date, where: list[Any]
) -> None:
    day = local_date(session, timezone, first, last)
    seconds = func.coalesce(LOGS.c.duration_seconds, 0)
    # progress_rules.log_xp in SQL: whole minutes, capped per log (durations are never negative: a CHECK says so)
    xp = case((seconds >= XP_PER_LOG_CAP * 60, XP_PER_LOG_CAP), else_=seconds // 60)
    tempo, target = LOGS.c.tempo_practiced, LOGS.c.target_tempo
    at_target = case((and_(tempo > 0, target > 0, tempo >= target), 1), else_=0)
    sums = (
        sa_select(
            LOGS.c.user_id,
            day,
            LOGS.c.instrument,
            LOGS.c.activity_type,
            LOGS.c.session_id,
            func.sum(seconds),
            func.count(),
            func.sum(xp),
            func.coalesce(func.sum(LOGS.c.self_rating), 0),
            func.count(LOGS.c.self_rating),
            func.coalesce(func.sum(LOGS.c.accuracy_percentage), 0.0),
            func.count(LOGS.c.accuracy_percentage),
            func.sum(at_target),
        )
        .where(*_active(user_id), *where)
        .group_by(LOGS.c.user_id, day, LOGS.c.instrument, LOGS.c.activity_type, LOGS.c.session_id)
    )
    session.connection().execute(DAYS.insert().from_select(KEYS + SUMMED, sums))


def _active(user_id: uuid.UUID) -> list[Any]:
    return [LOGS.c.user_id == user_id, LOGS.c.is_active.is_(True)]
