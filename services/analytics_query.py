"""The filter every analysis and export shares, and the grouped queries the analyses are made of.

Time per day and per activity is read from the practice days (``services.practice_days``), a few
rows a day; a filter on one piece reads the logs, since days do not know pieces. The ``_from_logs``
queries give the same rows from the logs, and the tests hold the two to each other.

Days are the musician's local days: a range "from 2026-03-01 to 2026-03-31" covers the instants
from local midnight on the 1st to local midnight after the 31st, whatever the DST changes between.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import Field
from sqlalchemy import String, and_, cast, distinct, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlmodel import Session, col

from core.fast_times import as_utc, raw_time
from core.i18n import _
from core.models import ActivityType, Instrument, PracticeLog, SheetMusic, utcnow
from services.actor import Actor
from services.calendar_days import day_start, local_day
from services.errors import InvalidInput
from services.local_days_sql import as_date, local_date
from services.practice_days import DAYS, LOGS, TOTALS
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


def resolve(
    actor: Actor, query: AnalyticsQuery | dict[str, Any], *, today: date | None = None
) -> tuple[AnalyticsQuery, DayRange]:
    """The parsed filter and its day range (defaults filled in, checked)."""
    q = parse(AnalyticsQuery, query)
    last = q.date_to or today or local_day(utcnow(), actor.timezone)
    first = q.date_from or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise InvalidInput("from", _("must not be after 'to'"))
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput("from", _("the range can span at most 20 years"))
    return q, DayRange(first, last)


@dataclass(frozen=True)
class DayRow:
    """daily_practice_summary's columns for one local day (SQL's COUNT DISTINCT and AVG skip NULLs)."""

    day: date
    sessions: int
    seconds: int
    logs: int
    avg_rating: float | None
    avg_accuracy: float | None


@dataclass(frozen=True)
class PieceRow:
    """The logs of one piece as typed (or catalogued): time, count, last start, style period."""

    sheet_music_id: str | None
    composer: str | None
    title: str
    style_period: str | None
    seconds: int
    logs: int
    last_start: datetime


@dataclass(frozen=True)
class TempoRow:
    start: datetime
    sheet_music_id: str | None
    composer: str | None
    title: str
    tempo: int
    target_tempo: int | None
    suggested_tempo: int | None


def daily_rows(session: Session, actor: Actor, q: AnalyticsQuery, days: DayRange) -> list[DayRow]:
    """One row per local day with practice: from the practice days, or grouped from the logs for one piece."""
    if q.sheet_music_id is not None:  # the days do not know pieces
        return daily_rows_from_logs(session, actor, q, days)
    statement = (
        sa_select(
            DAYS.c.day,
            func.count(distinct(DAYS.c.session_id)),
            *TOTALS,
        )
        .where(*day_conditions(actor, q, days))
        .group_by(DAYS.c.day)
        .order_by(DAYS.c.day)
    )
    return [
        DayRow(as_date(d), int(sessions), int(seconds), int(logs), _mean(ratings, rated), _mean(accuracy, measured))
        for d, sessions, seconds, logs, ratings, rated, accuracy, measured in session.connection().execute(statement)
    ]


def daily_rows_from_logs(session: Session, actor: Actor, q: AnalyticsQuery, days: DayRange) -> list[DayRow]:
    """``daily_rows`` grouped from the logs by the database (what the practice days hold, for any filter)."""
    day = local_date(session, actor.timezone, days.first, days.last).label("day")
    statement = (
        sa_select(
            day,
            func.count(distinct(col(PracticeLog.session_id))),
            func.coalesce(func.sum(PracticeLog.duration_seconds), 0),
            func.count(),
            func.avg(PracticeLog.self_rating),
            func.avg(PracticeLog.accuracy_percentage),
        )
        .where(*conditions(actor, q, days))
        .group_by(day)
        .order_by(day)
    )
    return [
        DayRow(as_date(d), int(sessions), int(seconds), int(logs), _float(rating), _float(accuracy))
        for d, sessions, seconds, logs, rating, accuracy in session.connection().execute(statement)
    ]


@dataclass(frozen=True)
class MixRow:
    """Time and logs of one activity on one instrument, in the range asked for or the one before."""

    recent: bool
    activity: str
    instrument: str
    seconds: int
    logs: int


def mix_rows(session: Session, actor: Actor, q: AnalyticsQuery, days: DayRange) -> list[MixRow]:
    """(activity, instrument) totals of ``days`` and of the equally long range before it, in one query."""
    both = DayRange(days.previous().first, days.last)
    if q.sheet_music_id is not None:
        return mix_rows_from_logs(session, actor, q, days)
    day: Any = DAYS.c.day
    if both.days > LONG_RANGE_DAYS and session.get_bind().dialect.name == "sqlite":
        # Over years, most of the musician's days are in range anyway: grouped along the (user,
        # instrument, activity) index without a sort beats the day index's range and a sort of every
        # row (SQLite: 10 against 15 ms for ten years). Unary plus keeps the range off the day index.
        day = UnaryExpression(day, operator=custom_op("+"), type_=DAYS.c.day.type)
    recent, before = DAYS.c.day >= days.first, DAYS.c.day < days.first
    statement = (
        sa_select(
            DAYS.c.instrument,
            DAYS.c.activity_type,
            func.sum(DAYS.c.seconds).filter(recent),
            func.sum(DAYS.c.logs).filter(recent),
            func.sum(DAYS.c.seconds).filter(before),
            func.sum(DAYS.c.logs).filter(before),
        )
        .where(*day_conditions(actor, q, both, day=day))
        .group_by(DAYS.c.instrument, DAYS.c.activity_type)
    )
    found = []
    for instrument, activity, *sums in session.connection().execute(statement):
        for is_recent, seconds, logs in ((True, *sums[:2]), (False, *sums[2:])):
            if logs:  # NULL: no days of this kind in that range
                found.append(MixRow(is_recent, activity, instrument, int(seconds or 0), int(logs)))
    return found


LONG_RANGE_DAYS = 366


def mix_rows_from_logs(session: Session, actor: Actor, q: AnalyticsQuery, days: DayRange) -> list[MixRow]:
    """``mix_rows`` grouped from the logs (for any filter)."""
    both = DayRange(days.previous().first, days.last)
    recent = (col(PracticeLog.start_time) >= day_start(days.first, actor.timezone)).label("recent")
    statement = (
        sa_select(
            recent,
            col(PracticeLog.activity_type),
            col(PracticeLog.instrument),
            func.coalesce(func.sum(PracticeLog.duration_seconds), 0),
            func.count(),
        )
        .where(*conditions(actor, q, both))
        .group_by(recent, PracticeLog.activity_type, PracticeLog.instrument)
    )
    return [
        MixRow(bool(is_recent), activity, instrument, int(seconds or 0), int(logs))
        for is_recent, activity, instrument, seconds, logs in session.connection().execute(statement)
    ]


def piece_rows(session: Session, actor: Actor, q: AnalyticsQuery, days: DayRange) -> list[PieceRow]:
    """Time per piece as stored (catalogue id, composer, title); the caller merges spellings."""
    # Grouped first (from idx_logs_user_pieces alone), then joined to the catalogue once per piece.
    grouped = (
        sa_select(
            col(PracticeLog.sheet_music_id).label("piece_id"),
            col(PracticeLog.composer).label("composer"),
            col(PracticeLog.work_title).label("title"),
            func.coalesce(func.sum(PracticeLog.duration_seconds), 0).label("seconds"),
            func.count().label("logs"),
            raw_time(func.max(PracticeLog.start_time)).label("last"),
        )
        .where(*conditions(actor, q, days), col(PracticeLog.work_title).is_not(None))
        .group_by(col(PracticeLog.sheet_music_id), col(PracticeLog.composer), col(PracticeLog.work_title))
        .subquery()
    )
    statement = sa_select(
        cast(grouped.c.piece_id, String),
        grouped.c.composer,
        grouped.c.title,
        col(SheetMusic.style_period),
        grouped.c.seconds,
        grouped.c.logs,
        grouped.c.last,
    ).outerjoin(SheetMusic, col(SheetMusic.id) == grouped.c.piece_id)
    return [
        PieceRow(pid, composer, str(title), period, int(seconds or 0), int(logs), as_utc(last))
        for pid, composer, title, period, seconds, logs, last in session.connection().execute(statement)
    ]


def tempo_rows(
    session: Session, actor: Actor, q: AnalyticsQuery, days: DayRange, pieces: list[tuple[str | None, str | None, str]]
) -> list[TempoRow]:
    """Every log with a tempo of the given pieces (catalogue id, composer, title), oldest first."""
    if not pieces:
        return []
    # The stored column, not its text, in each branch, so that each is a range of
    # idx_logs_user_pieces (user, active, piece id, composer, title, start).
    stored_id = col(PracticeLog.sheet_music_id)
    ids = [uuid.UUID(pid) for pid, _, _ in pieces if pid]
    typed = [
        and_(stored_id.is_(None), col(PracticeLog.composer) == c, col(PracticeLog.work_title) == t)
        for pid, c, t in pieces
        if not pid
    ]
    which = or_(stored_id.in_(ids), *typed) if ids else or_(*typed)
    piece_id = cast(PracticeLog.sheet_music_id, String)
    start: Any = col(PracticeLog.start_time)
    if session.get_bind().dialect.name == "sqlite":
        # SQLite's planner (no statistics) took the date index for the range and the ORDER BY and
        # visited every log of the range: 23 ms for five years of 20,000 logs. SQLite's unary plus
        # keeps a term from using an index, so the pieces' index is taken instead: 0.7 ms.
        start = UnaryExpression(start, operator=custom_op("+"), type_=LOGS.c.start_time.type)
    statement = (
        sa_select(
            raw_time(PracticeLog.start_time),
            piece_id,
            col(PracticeLog.composer),
            col(PracticeLog.work_title),
            col(PracticeLog.tempo_practiced),
            col(PracticeLog.target_tempo),
            col(SheetMusic.suggested_tempo),
        )
        .outerjoin(SheetMusic, col(SheetMusic.id) == col(PracticeLog.sheet_music_id))
        .where(*conditions(actor, q, days, start_time=start), col(PracticeLog.tempo_practiced).is_not(None), which)
        .order_by(start, col(PracticeLog.id))
    )
    return [TempoRow(as_utc(start), *rest) for start, *rest in session.connection().execute(statement)]


def tempo_pieces(session: Session, actor: Actor, q: AnalyticsQuery, days: DayRange) -> list[tuple[Any, ...]]:
    """(catalogue id, composer, title, logs with a tempo) per piece as stored."""
    piece_id = cast(PracticeLog.sheet_music_id, String)
    statement = (
        sa_select(piece_id, col(PracticeLog.composer), col(PracticeLog.work_title), func.count())
        .where(
            *conditions(actor, q, days),
            col(PracticeLog.tempo_practiced).is_not(None),
            col(PracticeLog.work_title).is_not(None),
        )
        # By the stored id, not its text: then SQLite reads idx_logs_user_pieces in its own order
        # (no sort, no visit to the logs): 41 -> 9 ms for five years of 20,000 logs.
        .group_by(col(PracticeLog.sheet_music_id), col(PracticeLog.composer), col(PracticeLog.work_title))
    )
    return [tuple(row) for row in session.connection().execute(statement)]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _mean(total: Any, count: Any) -> float | None:
    """SQL's AVG from a sum and a count (None when nothing was counted, as AVG skips NULLs)."""
    return float(total) / int(count) if count else None


def day_conditions(actor: Actor, q: AnalyticsQuery, days: DayRange, *, day: Any = None) -> list[Any]:
    """WHERE conditions for the actor's practice days in ``days`` matching the filter (not a piece: days
    have none; ``day``: the expression compared with the range, by default the column)."""
    day = DAYS.c.day if day is None else day
    found: list[Any] = [DAYS.c.user_id == actor.id, day >= days.first, day <= days.last]
    if q.instrument:
        found.append(DAYS.c.instrument == q.instrument.value)
    if q.activity_type:
        found.append(DAYS.c.activity_type.in_([a.value for a in q.activity_type]))
    return found


def conditions(actor: Actor, q: AnalyticsQuery, days: DayRange, *, start_time: Any = None) -> list[Any]:
    """WHERE conditions for the actor's active logs in ``days`` matching the filter (``start_time``:
    the expression compared with the range, by default the column)."""
    start = col(PracticeLog.start_time) if start_time is None else start_time
    found: list[Any] = [
        PracticeLog.user_id == actor.id,
        col(PracticeLog.is_active).is_(True),
        start >= day_start(days.first, actor.timezone),
        start < day_start(days.last + timedelta(days=1), actor.timezone),
    ]
    if q.instrument:
        found.append(PracticeLog.instrument == q.instrument.value)
    if q.activity_type:
        found.append(col(PracticeLog.activity_type).in_([a.value for a in q.activity_type]))
    if q.sheet_music_id:
        found.append(PracticeLog.sheet_music_id == q.sheet_music_id)
    return found
