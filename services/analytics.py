"""The spec's analytics service: practice time, repertoire and improvement over a filtered range.

Each analysis reads the filtered logs once (``services.analytics_query``) and aggregates them in
the musician's local days. The daily rows have the columns of the spec's daily_practice_summary
view, computed in local days instead of the view's UTC days.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from app.models import User
from services.actor import Actor
from services.analytics_query import AnalyticsQuery, DayRange, Granularity, LogRow, log_rows, resolve
from services.calendar_days import week_start
from services.progress import Share
from services.progress_rules import piece_key
from services.users import DEFAULT_PREFERENCES
from services.validation import Output, parse

MOVING_WINDOW: dict[str, int] = {"day": 7, "week": 4, "month": 3}
TOP = 10
TEMPO_PIECES = 6


class PeriodTotal(Output):
    period: date
    seconds: int
    logs: int
    moving_average: float


class DaySummary(Output):
    """One row of daily_practice_summary, in the musician's local day."""

    practice_date: date
    sessions: int
    total_seconds: int
    activities: int
    avg_rating: float | None
    avg_accuracy: float | None


class Comparison(Output):
    date_from: date
    date_to: date
    total_seconds: int
    logs: int
    practice_days: int
    change_percent: float | None
    by_activity: list[Share]


class PracticeTime(Output):
    date_from: date
    date_to: date
    granularity: Granularity
    total_seconds: int
    logs: int
    practice_days: int
    average_seconds_per_practice_day: int
    series: list[PeriodTotal]
    days: list[DaySummary]
    by_activity: list[Share]
    by_instrument: list[Share]
    previous: Comparison


class PieceTime(Output):
    key: str
    title: str
    composer: str | None
    sheet_music_id: str | None
    seconds: int
    logs: int
    last_practised: date


class ComposerTime(Output):
    name: str
    seconds: int
    logs: int
    pieces: int


class RepertoireAnalysis(Output):
    date_from: date
    date_to: date
    pieces_practised: int
    top_pieces: list[PieceTime]
    top_composers: list[ComposerTime]
    by_style_period: list[Share]


class TempoPoint(Output):
    day: date
    tempo: int


class TempoProgress(Output):
    key: str
    title: str
    composer: str | None
    target_tempo: int | None
    first_tempo: int
    best_tempo: int
    latest_tempo: int
    percent_of_target: float | None
    points: list[TempoPoint]


class TrendPoint(Output):
    day: date
    value: float
    moving_average: float


class Improvement(Output):
    date_from: date
    date_to: date
    tempo: list[TempoProgress]
    accuracy: list[TrendPoint]
    self_rating: list[TrendPoint]


def practice_time(
    session: Session, *, actor: Actor, query: AnalyticsQuery | dict[str, Any], today: date | None = None
) -> PracticeTime:
    """Time per day/week/month with a moving average, per activity and instrument, against the period before."""
    q, days = resolve(actor, query, today=today)
    before = days.previous()
    rows = log_rows(session, actor, q, DayRange(before.first, days.last))
    now, then = [r for r in rows if r.day >= days.first], [r for r in rows if r.day < days.first]
    total, practice_days = sum(r.seconds for r in now), len({r.day for r in now})
    previous_total = sum(r.seconds for r in then)
    return PracticeTime(
        date_from=days.first,
        date_to=days.last,
        granularity=q.granularity,
        total_seconds=total,
        logs=len(now),
        practice_days=practice_days,
        average_seconds_per_practice_day=total // practice_days if practice_days else 0,
        series=_series(now, days, q.granularity, _week_starts_on(session, actor)),
        days=daily_summaries(now),
        by_activity=shares(now, lambda r: r.activity),
        by_instrument=shares(now, lambda r: r.instrument),
        previous=Comparison(
            date_from=before.first,
            date_to=before.last,
            total_seconds=previous_total,
            logs=len(then),
            practice_days=len({r.day for r in then}),
            change_percent=round(100 * (total - previous_total) / previous_total, 1) if previous_total else None,
            by_activity=shares(then, lambda r: r.activity),
        ),
    )


def repertoire(
    session: Session, *, actor: Actor, query: AnalyticsQuery | dict[str, Any], today: date | None = None
) -> RepertoireAnalysis:
    """The pieces and composers that took the most time, and the balance of style periods."""
    q, days = resolve(actor, query, today=today)
    rows = [r for r in log_rows(session, actor, q, days) if r.title]
    pieces = _pieces(rows)
    composers: dict[str, list[LogRow]] = defaultdict(list)
    for row in rows:
        if row.composer:
            composers[row.composer].append(row)
    top_composers = [
        ComposerTime(
            name=name,
            seconds=sum(r.seconds for r in logs),
            logs=len(logs),
            pieces=len({_key(r) for r in logs}),
        )
        for name, logs in composers.items()
    ]
    return RepertoireAnalysis(
        date_from=days.first,
        date_to=days.last,
        pieces_practised=len(pieces),
        top_pieces=sorted(pieces, key=lambda p: (-p.seconds, p.title))[:TOP],
        top_composers=sorted(top_composers, key=lambda c: (-c.seconds, c.name))[:TOP],
        by_style_period=shares([r for r in rows if r.style_period], lambda r: r.style_period or ""),
    )


def improvement(
    session: Session, *, actor: Actor, query: AnalyticsQuery | dict[str, Any], today: date | None = None
) -> Improvement:
    """Tempo against target per piece, and accuracy and self-rating per day with moving averages."""
    q, days = resolve(actor, query, today=today)
    rows = log_rows(session, actor, q, days)
    return Improvement(
        date_from=days.first,
        date_to=days.last,
        tempo=_tempo_progress(rows),
        accuracy=_trend(rows, lambda r: r.accuracy),
        self_rating=_trend(rows, lambda r: r.self_rating),
    )


def daily_summaries(rows: Iterable[LogRow]) -> list[DaySummary]:
    """daily_practice_summary's columns per local day (COUNT DISTINCT and AVG skip NULLs, as SQL does)."""
    by_day: dict[date, list[LogRow]] = defaultdict(list)
    for row in rows:
        by_day[row.day].append(row)
    return [
        DaySummary(
            practice_date=day,
            sessions=len({r.session_id for r in logs if r.session_id}),
            total_seconds=sum(r.seconds for r in logs),
            activities=len(logs),
            avg_rating=_mean(r.self_rating for r in logs),
            avg_accuracy=_mean(r.accuracy for r in logs),
        )
        for day, logs in sorted(by_day.items())
    ]


def shares(rows: Iterable[LogRow], name: Callable[[LogRow], str]) -> list[Share]:
    seconds: Counter[str] = Counter()
    logs: Counter[str] = Counter()
    for row in rows:
        seconds[name(row)] += row.seconds
        logs[name(row)] += 1
    return [Share(name=key, seconds=value, logs=logs[key]) for key, value in seconds.most_common()]


def period_of(day: date, granularity: Granularity, week_starts_on: str = "monday") -> date:
    if granularity == "week":
        return week_start(day, week_starts_on)
    if granularity == "month":
        return day.replace(day=1)
    return day


def _series(rows: Sequence[LogRow], days: DayRange, granularity: Granularity, week_starts_on: str) -> list[PeriodTotal]:
    seconds: Counter[date] = Counter()
    logs: Counter[date] = Counter()
    for row in rows:
        period = period_of(row.day, granularity, week_starts_on)
        seconds[period] += row.seconds
        logs[period] += 1
    periods = sorted({period_of(days.first + timedelta(days=i), granularity, week_starts_on) for i in range(days.days)})
    window = MOVING_WINDOW[granularity]
    series = []
    for index, period in enumerate(periods):
        recent = [seconds[p] for p in periods[max(0, index - window + 1) : index + 1]]
        average = round(sum(recent) / len(recent), 1)
        series.append(PeriodTotal(period=period, seconds=seconds[period], logs=logs[period], moving_average=average))
    return series


def _pieces(rows: Sequence[LogRow]) -> list[PieceTime]:
    grouped: dict[str, list[LogRow]] = defaultdict(list)
    for row in rows:
        grouped[_key(row)].append(row)
    return [
        PieceTime(
            key=key,
            title=logs[-1].title or "",
            composer=logs[-1].composer,
            sheet_music_id=str(uuid.UUID(logs[-1].sheet_music_id)) if logs[-1].sheet_music_id else None,
            seconds=sum(r.seconds for r in logs),
            logs=len(logs),
            last_practised=logs[-1].day,
        )
        for key, logs in grouped.items()
    ]


def _tempo_progress(rows: Sequence[LogRow]) -> list[TempoProgress]:
    grouped: dict[str, list[LogRow]] = defaultdict(list)
    for row in rows:
        if row.tempo and row.title:
            grouped[_key(row)].append(row)
    busiest = sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0]))[:TEMPO_PIECES]
    progress = []
    for key, logs in busiest:
        target = next((r.target_tempo for r in reversed(logs) if r.target_tempo), None) or logs[-1].suggested_tempo
        tempos = [r.tempo or 0 for r in logs]
        progress.append(
            TempoProgress(
                key=key,
                title=logs[-1].title or "",
                composer=logs[-1].composer,
                target_tempo=target,
                first_tempo=tempos[0],
                best_tempo=max(tempos),
                latest_tempo=tempos[-1],
                percent_of_target=round(100 * tempos[-1] / target, 1) if target else None,
                points=[TempoPoint(day=r.day, tempo=r.tempo or 0) for r in logs],
            )
        )
    return progress


def _trend(rows: Sequence[LogRow], measure: Callable[[LogRow], float | None]) -> list[TrendPoint]:
    by_day: dict[date, list[float]] = defaultdict(list)
    for row in rows:
        if (value := measure(row)) is not None:
            by_day[row.day].append(float(value))
    points: list[TrendPoint] = []
    daily = sorted((day, sum(values) / len(values)) for day, values in by_day.items())
    for index, (day, value) in enumerate(daily):
        recent = [v for _, v in daily[max(0, index - MOVING_WINDOW["day"] + 1) : index + 1]]
        points.append(TrendPoint(day=day, value=round(value, 1), moving_average=round(sum(recent) / len(recent), 1)))
    return points


def _key(row: LogRow) -> str:
    return piece_key(row.sheet_music_id, row.composer, row.title) or ""


def _mean(values: Iterable[float | int | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _week_starts_on(session: Session, actor: Actor) -> str:
    user = session.get(User, actor.id)
    return str({**DEFAULT_PREFERENCES, **((user.preferences or {}) if user else {})}["weekStartsOn"])


class AnalyticsPage(Output):
    """Everything the progress page charts, read in one transaction."""

    time: PracticeTime
    year: list[DaySummary]
    repertoire: RepertoireAnalysis
    improvement: Improvement


def analytics_page(
    session: Session, *, actor: Actor, query: AnalyticsQuery | dict[str, Any], today: date | None = None
) -> AnalyticsPage:
    """The filtered analyses, plus a year of days (same filters, ending on the range's last day) for the calendar."""
    time = practice_time(session, actor=actor, query=query, today=today)
    year_query = {**parse(AnalyticsQuery, query).model_dump(by_alias=True, exclude_none=True)}
    year_query.update({"from": time.date_to - timedelta(days=364), "to": time.date_to, "granularity": "day"})
    q, days = resolve(actor, year_query, today=today)
    return AnalyticsPage(
        time=time,
        year=daily_summaries(log_rows(session, actor, q, days)),
        repertoire=repertoire(session, actor=actor, query=query, today=today),
        improvement=improvement(session, actor=actor, query=query, today=today),
    )
