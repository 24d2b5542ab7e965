"""The practice_days rollup: each musician's logs summed per local day, instrument, activity and session.

Analytics and progress read these rows instead of every log, so their cost follows the days a
musician practised, not the logs. The rows are derived data: before each commit that changes a
user's logs (``services.progress_tracking``), the days those changes touch are summed again from
the logs, in one INSERT ... SELECT; a change of time zone or an import sums every day again. A
test applies random edits and compares the table with the logs grouped from scratch.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session

from core.fast_times import as_utc
from core.models import PracticeDay, PracticeLog
from services.calendar_days import day_start, local_day
from services.local_days_sql import local_date
from services.progress_rules import XP_PER_LOG_CAP

DAYS = PracticeDay.__table__  # type: ignore[attr-defined]  # SQLModel sets __table__ at runtime
LOGS = PracticeLog.__table__  # type: ignore[attr-defined]  # see above
SUMMED = ["seconds", "logs", "xp", "rating_sum", "rating_count", "accuracy_sum", "accuracy_count", "at_target_tempo"]
KEYS = ["user_id", "day", "instrument", "activity_type", "session_id"]
# What a reader adds up over any set of day rows: time, logs, and the parts of the two averages.
TOTALS = tuple(
    func.sum(DAYS.c[name])
    for name in ("seconds", "logs", "rating_sum", "rating_count", "accuracy_sum", "accuracy_count")
)


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
