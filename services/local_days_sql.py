"""The local calendar day of a log's start, computed by the database, so analyses can GROUP BY it.

PostgreSQL knows time zones: ``timezone(zone, start_time)::date``. SQLite does not, so the
expression is a CASE over the zone's UTC offsets in the range asked for (a handful of spans:
two daylight-saving changes a year), each adding its offset before taking the date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, case, cast, func, literal
from sqlmodel import Session

from core.models import PracticeLog

# How SQLAlchemy writes a DateTime into SQLite; comparing these strings orders instants.
SQLITE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
SEARCH_STEP = timedelta(minutes=15)  # every real UTC offset is a multiple of 15 minutes


def local_date(session: Session, timezone: str, first: date, last: date) -> Any:
    """SQL for the local date of PracticeLog.start_time, exact for logs between ``first`` and ``last``."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(timezone, PracticeLog.start_time), Date)
    spans = offset_spans(ZoneInfo(timezone), first, last)
    shifted = [func.date(PracticeLog.start_time, _modifier(offset)) for _, offset in spans]
    if len(spans) == 1:
        return shifted[0]
    whens = [
        (PracticeLog.start_time < literal(until.strftime(SQLITE_TIME_FORMAT)), expression)
        for (until, _), expression in zip(spans[:-1], shifted[:-1], strict=True)
        if until is not None
    ]
    return case(*whens, else_=shifted[-1])


def as_date(value: str | date) -> date:
    """The database's answer as a date (SQLite gives text, PostgreSQL a date)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


@lru_cache(maxsize=1024)
def offset_spans(zone: ZoneInfo, first: date, last: date) -> tuple[tuple[datetime | None, timedelta], ...]:
    """(until, offset) pairs covering [first - 1 day, last + 1 day]: the offset holds before ``until`` (UTC).

    Cached: a zone's rules do not change while the process runs, and walking a year of days
    costs more than the query it goes into.
    """
    cursor = datetime.combine(first - timedelta(days=1), time(), UTC)
    end = datetime.combine(last + timedelta(days=2), time(), UTC)
    spans: list[tuple[datetime | None, timedelta]] = []
    offset = _offset(zone, cursor)
    while cursor < end:
        following = cursor + timedelta(days=1)
        if _offset(zone, following) != offset:
            change = _change_within(zone, cursor, following, offset)
            spans.append((change, offset))
            offset = _offset(zone, change)
        cursor = following
    spans.append((None, offset))
    return tuple(spans)


def _change_within(zone: ZoneInfo, start: datetime, end: datetime, offset: timedelta) -> datetime:
    moment = start
    while moment < end and _offset(zone, moment) == offset:
        moment += SEARCH_STEP
    return moment


def _offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)


def _modifier(offset: timedelta) -> str:
    return f"{int(offset.total_seconds() // 60):+d} minutes"
