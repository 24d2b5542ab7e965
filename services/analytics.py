"""The spec's analytics service: practice time, repertoire and improvement over a filtered range.

The database does the grouping (``services.analytics_query``), by the musician's local day: the
daily rows are the spec's daily_practice_summary view, with local days instead of the view's
UTC days, summed from the practice days kept beside the logs (``services.practice_days``), so
time per day costs what the days cost, not the logs. Python only merges, orders and averages the
grouped rows. Repertoire and tempo are per piece, which days do not know: they group the logs.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from services.actor import Actor
from services.analytics_query import (
    AnalyticsQuery,
    DayRange,
    DayRow,
    Granularity,
    MixRow,
    PieceRow,
    TempoRow,
    daily_rows,
    mix_rows,
    piece_rows,
    resolve,
    tempo_pieces,
    tempo_rows,
)
from services.calendar_days import local_day, week_start
from services.progress import Share
from services.progress_rules import piece_key
from services.users import preferences_of
from services.validation import Output, outputs, parse

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
    rows = daily_rows(session, actor, q, DayRange(before.first, days.last))
    now, then = [d for d in rows if d.day >= days.first], [d for d in rows if d.day < days.first]
    mix = mix_rows(session, actor, q, days)
    total, previous_total = sum(d.seconds for d in now), sum(d.seconds for d in then)
    return PracticeTime(
        date_from=days.first,
        date_to=days.last,
        granularity=q.granularity,
        total_seconds=total,
        logs=sum(d.logs for d in now),
        practice_days=len(now),
        average_seconds_per_practice_day=total // len(now) if now else 0,
        series=_series(now, days, q.granularity, _week_starts_on(session, actor)),
        days=_summaries(now),
        by_activity=_shares((m.activity, m) for m in mix if m.recent),
        by_instrument=_shares((m.instrument, m) for m in mix if m.recent),
        previous=Comparison(
            date_from=before.first,
            date_to=before.last,
            total_seconds=previous_total,
            logs=sum(d.logs for d in then),
            practice_days=len(then),
            change_percent=round(100 * (total - previous_total) / previous_total, 1) if previous_total else None,
            by_activity=_shares((m.activity, m) for m in mix if not m.recent),
        ),
    )


def repertoire(
    session: Session, *, actor: Actor, query: AnalyticsQuery | dict[str, Any], today: date | None = None
) -> RepertoireAnalysis:
    """The pieces and composers that took the most time, and the balance of style periods."""
    q, days = resolve(actor, query, today=today)
    grouped: dict[str, list[PieceRow]] = defaultdict(list)
    for row in piece_rows(session, actor, q, days):
        grouped[_key(row)].append(row)
    pieces = [_piece(key, rows, actor.timezone) for key, rows in grouped.items()]
    composers: dict[str, list[PieceTime]] = defaultdict(list)
    for piece in pieces:
        if piece.composer:
            composers[piece.composer].append(piece)
    top_composers = [
        ComposerTime(name=name, seconds=sum(p.seconds for p in mine), logs=sum(p.logs for p in mine), pieces=len(mine))
        for name, mine in composers.items()
    ]
    periods: Counter[str] = Counter()
    period_logs: Counter[str] = Counter()
    for rows in grouped.values():
        for row in rows:
            if row.style_period:
                periods[row.style_period] += row.seconds
                period_logs[row.style_period] += row.logs
    return RepertoireAnalysis(
        date_from=days.first,
        date_to=days.last,
        pieces_practised=len(pieces),
        top_pieces=sorted(pieces, key=lambda p: (-p.seconds, p.title))[:TOP],
        top_composers=sorted(top_composers, key=lambda c: (-c.seconds, c.name))[:TOP],
        by_style_period=[Share(name=n, seconds=sec, logs=period_logs[n]) for n, sec in periods.most_common()],
    )


def improvement(
    session: Session, *, actor: Actor, query: AnalyticsQuery | dict[str, Any], today: date | None = None
) -> Improvement:
    """Tempo against target per piece, and accuracy and self-rating per day with moving averages."""
    q, days = resolve(actor, query, today=today)
    per_day = daily_rows(session, actor, q, days)
    return Improvement(
        date_from=days.first,
        date_to=days.last,
        tempo=_tempo_progress(session, actor, q, days),
        accuracy=_trend([(d.day, d.avg_accuracy) for d in per_day]),
        self_rating=_trend([(d.day, d.avg_rating) for d in per_day]),
    )


def daily_summaries(
    session: Session, *, actor: Actor, query: AnalyticsQuery | dict[str, Any], today: date | None = None
) -> list[DaySummary]:
    """The daily_practice_summary rows of the filtered range, in local days."""
    q, days = resolve(actor, query, today=today)
    return _summaries(daily_rows(session, actor, q, days))


def period_of(day: date, granularity: Granularity, week_starts_on: str = "monday") -> date:
    if granularity == "week":
        return week_start(day, week_starts_on)
    if granularity == "month":
        return day.replace(day=1)
    return day


def _summaries(rows: Iterable[DayRow]) -> list[DaySummary]:
    # One per day of a range that may span years: validated as one list (validation.outputs).
    return outputs(
        DaySummary,
        [
            {
                "practice_date": row.day,
                "sessions": row.sessions,
                "total_seconds": row.seconds,
                "activities": row.logs,
                "avg_rating": row.avg_rating,
                "avg_accuracy": row.avg_accuracy,
            }
            for row in rows
        ],
    )


def _shares(named: Iterable[tuple[str, MixRow]]) -> list[Share]:
    """Totals per name, most time first."""
    seconds: Counter[str] = Counter()
    logs: Counter[str] = Counter()
    for name, row in named:
        seconds[name] += row.seconds
        logs[name] += row.logs
    return [Share(name=n, seconds=seconds[n], logs=logs[n]) for n in sorted(seconds, key=lambda n: (-seconds[n], n))]


def _series(rows: Sequence[DayRow], days: DayRange, granularity: Granularity, week_starts_on: str) -> list[PeriodTotal]:
    seconds: Counter[date] = Counter()
    logs: Counter[date] = Counter()
    for row in rows:
        period = period_of(row.day, granularity, week_starts_on)
        seconds[period] += row.seconds
        logs[period] += row.logs
    periods = _periods(days, granularity, week_starts_on)
    window = MOVING_WINDOW[granularity]
    series = []
    for index, period in enumerate(periods):
        recent = [seconds[p] for p in periods[max(0, index - window + 1) : index + 1]]
        average = round(sum(recent) / len(recent), 1)
        series.append({"period": period, "seconds": seconds[period], "logs": logs[period], "moving_average": average})
    return outputs(PeriodTotal, series)


def _periods(days: DayRange, granularity: Granularity, week_starts_on: str) -> list[date]:
    """Every period (day, week or month start) that meets the range, in order."""
    found = [period_of(days.first, granularity, week_starts_on)]
    while True:
        following = found[-1] + timedelta(days=1 if granularity == "day" else 7)
        if granularity == "month":
            following = (found[-1] + timedelta(days=31)).replace(day=1)
        if following > days.last:
            return found
        found.append(following)


def _piece(key: str, rows: list[PieceRow], timezone: str) -> PieceTime:
    latest = max(rows, key=lambda r: r.last_start)
    return PieceTime(
        key=key,
        title=latest.title,
        composer=latest.composer,
        sheet_music_id=str(uuid.UUID(latest.sheet_music_id)) if latest.sheet_music_id else None,
        seconds=sum(r.seconds for r in rows),
        logs=sum(r.logs for r in rows),
        last_practised=local_day(latest.last_start, timezone),
    )


def _tempo_progress(session: Session, actor: Actor, q: AnalyticsQuery, days: DayRange) -> list[TempoProgress]:
    counts: Counter[str] = Counter()
    spellings: dict[str, list[tuple[str | None, str | None, str]]] = defaultdict(list)
    for piece_id, composer, title, logs in tempo_pieces(session, actor, q, days):
        key = piece_key(piece_id, composer, title) or ""
        counts[key] += logs
        spellings[key].append((piece_id, composer, title))
    busiest = sorted(counts, key=lambda key: (-counts[key], key))[:TEMPO_PIECES]
    points: dict[str, list[TempoRow]] = defaultdict(list)
    for row in tempo_rows(session, actor, q, days, [s for key in busiest for s in spellings[key]]):
        points[piece_key(row.sheet_music_id, row.composer, row.title) or ""].append(row)
    return [_tempo(key, points[key], actor.timezone) for key in busiest if points[key]]


def _tempo(key: str, logs: list[TempoRow], timezone: str) -> TempoProgress:
    target = next((r.target_tempo for r in reversed(logs) if r.target_tempo), None) or logs[-1].suggested_tempo
    tempos = [r.tempo for r in logs]
    return TempoProgress(
        key=key,
        title=logs[-1].title,
        composer=logs[-1].composer,
        target_tempo=target,
        first_tempo=tempos[0],
        best_tempo=max(tempos),
        latest_tempo=tempos[-1],
        percent_of_target=round(100 * tempos[-1] / target, 1) if target else None,
        points=outputs(TempoPoint, [{"day": local_day(r.start, timezone), "tempo": r.tempo} for r in logs]),
    )


def _trend(daily: list[tuple[date, float | None]]) -> list[TrendPoint]:
    measured = [(day, value) for day, value in daily if value is not None]
    values = [value for _, value in measured]
    window = MOVING_WINDOW["day"]
    points: list[dict[str, Any]] = []
    for index, (day, value) in enumerate(measured):
        recent = values[max(0, index - window + 1) : index + 1]
        average = round(sum(recent) / len(recent), 1)
        points.append({"day": day, "value": round(value, 1), "moving_average": average})
    return outputs(TrendPoint, points)


def _key(row: PieceRow) -> str:
    return piece_key(row.sheet_music_id, row.composer, row.title) or ""


def _week_starts_on(session: Session, actor: Actor) -> str:
    return str(preferences_of(session, actor.id)["weekStartsOn"])


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
    return AnalyticsPage(
        time=time,
        year=daily_summaries(session, actor=actor, query=year_query, today=today),
        repertoire=repertoire(session, actor=actor, query=query, today=today),
        improvement=improvement(session, actor=actor, query=query, today=today),
    )
