"""The filter every analysis and export shares, and the one query that reads the logs it selects.

Days are the musician's local days: a range "from 2026-03-01 to 2026-03-31" covers the instants
from local midnight on the 1st to local midnight after the 31st, whatever the DST changes between.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlalchemy import String, cast
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.fast_times import as_utc, raw_time
from app.models import ActivityType, Instrument, PracticeLog, SheetMusic, utcnow
from services.actor import Actor
from services.calendar_days import day_start, local_day
from services.errors import InvalidInput
from services.validation import Input, parse

DEFAULT_DAYS = 90
MAX_DAYS = 366 * 20
Granularity = Literal["day", "week", "month"]


class AnalyticsQuery(Input):
    date_from: date | None = Field(
        default=None, alias="from", description=f"First local day; default {DEFAULT_DAYS} days ago"
    )
    date_to: date | None = Field(default=None, alias="to", description="Last local day (inclusive); default today")
    instrument: Instrument | None = None
    activity_type: list[ActivityType] | None = None
    sheet_music_id: uuid.UUID | None = None
    granularity: Granularity = "day"


@dataclass(frozen=True)
class DayRange:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> DayRange:
        """The range of the same length just before this one (for period-over-period comparison)."""
        return DayRange(self.first - timedelta(days=self.days), self.first - timedelta(days=1))


@dataclass(frozen=True)
class LogRow:
    """One log as the analyses see it."""

    day: date
    start_time: datetime
    seconds: int
    activity: str
    instrument: str
    session_id: str | None  # ids as text: 20,000 UUID objects would cost more than the analysis
    sheet_music_id: str | None
    composer: str | None
    title: str | None
    tempo: int | None
    target_tempo: int | None
    self_rating: int | None
    accuracy: float | None
    style_period: str | None
    suggested_tempo: int | None


def resolve(
    actor: Actor, query: AnalyticsQuery | dict[str, Any], *, today: date | None = None
) -> tuple[AnalyticsQuery, DayRange]:
    """The parsed filter and its day range (defaults filled in, checked)."""
    q = parse(AnalyticsQuery, query)
    last = q.date_to or today or local_day(utcnow(), actor.timezone)
    first = q.date_from or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInput("from", "must not be after 'to'")
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput("from", "the range can span at most 20 years")
    return q, DayRange(first, last)


def log_rows(session: Session, actor: Actor, q: AnalyticsQuery, days: DayRange) -> list[LogRow]:
    """The actor's active logs in the range that match the filter, oldest first."""
    # Core rows, not ORM rows: a five-year range is 20,000 logs, and ORM rows cost three times as much.
    statement = (
        sa_select(
            raw_time(PracticeLog.start_time),
            PracticeLog.duration_seconds,
            PracticeLog.activity_type,
            PracticeLog.instrument,
            cast(PracticeLog.session_id, String),
            cast(PracticeLog.sheet_music_id, String),
            PracticeLog.composer,
            PracticeLog.work_title,
            PracticeLog.tempo_practiced,
            PracticeLog.target_tempo,
            PracticeLog.self_rating,
            PracticeLog.accuracy_percentage,
            SheetMusic.style_period,
            SheetMusic.suggested_tempo,
        )
        .outerjoin(SheetMusic, col(SheetMusic.id) == col(PracticeLog.sheet_music_id))
        .where(*conditions(actor, q, days))
        .order_by(col(PracticeLog.start_time), col(PracticeLog.id))
    )
    zone = ZoneInfo(actor.timezone)
    rows = []
    for raw_start, seconds, *rest in session.connection().execute(statement).all():
        start = as_utc(raw_start)
        rows.append(LogRow(start.astimezone(zone).date(), start, seconds or 0, *rest))  # rest: LogRow's field order
    return rows


def conditions(actor: Actor, q: AnalyticsQuery, days: DayRange) -> list[Any]:
    """WHERE conditions for the actor's active logs in ``days`` matching the filter."""
    found: list[Any] = [
        PracticeLog.user_id == actor.id,
        col(PracticeLog.is_active).is_(True),
        col(PracticeLog.start_time) >= day_start(days.first, actor.timezone),
        col(PracticeLog.start_time) < day_start(days.last + timedelta(days=1), actor.timezone),
    ]
    if q.instrument:
        found.append(PracticeLog.instrument == q.instrument.value)
    if q.activity_type:
        found.append(col(PracticeLog.activity_type).in_([a.value for a in q.activity_type]))
    if q.sheet_music_id:
        found.append(PracticeLog.sheet_music_id == q.sheet_music_id)
    return found
