"""Progress: levels, streaks, achievements and statistics, read from the progress_tracking rows.

The rows are kept up to date by ``services.progress_tracking``; this module only reads them,
adding what depends on today's date (is the streak still alive?).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import distinct, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.i18n import _
from core.models import Instrument, PracticeLog, ProgressTracking, utcnow
from services import progress_rules as rules
from services.actor import Actor
from services.calendar_days import local_day, longest_streak
from services.errors import InvalidInput
from services.local_days_sql import as_date
from services.practice_days import DAYS, TOTALS
from services.practice_shapes import LogOut
from services.progress_rules import ALL_INSTRUMENTS, OVERALL
from services.validation import Output

RECENT_LOGS = 5


class SkillProgress(Output):
    skill_area: str
    level: int
    title: str
    experience_points: int
    level_start_xp: int
    next_level_xp: int
    total_practice_seconds: int
    consecutive_days: int
    last_practice_date: date | None
    accuracy_trend: float | None
    speed_trend: float | None


class InstrumentProgress(Output):
    instrument: str
    overall: SkillProgress
    skills: list[SkillProgress]


class AchievementOut(Output):
    key: str
    title: str
    description: str
    earned: bool
    earned_on: date | None


class Milestone(Output):
    date: date
    achievement: str
    title: str


class Streaks(Output):
    today: date
    current: int
    longest: int
    last_practice_date: date | None
    practised_today: bool
    at_risk: bool


class ProgressOverview(Output):
    current_level: int
    title: str
    experience_points: int
    level_start_xp: int
    next_level_xp: int
    total_practice_time: int
    consecutive_days: int
    last_practice_date: date | None
    achievements: list[AchievementOut]
    milestones: list[Milestone]
    instruments: list[InstrumentProgress]
    recent_activity: list[LogOut]


class Share(Output):
    """Time and number of logs of one instrument or one activity."""

    name: str
    seconds: int
    logs: int


class ProgressStatistics(Output):
    total_practice_seconds: int
    total_logs: int
    practice_days: int
    unique_pieces: int
    average_self_rating: float | None
    average_accuracy: float | None
    average_log_seconds: int
    last_practice_at: datetime | None
    by_instrument: list[Share]
    by_activity: list[Share]


class ProgressSummary(Output):
    total_practice_seconds: int
    total_logs: int
    practice_days: int
    unique_pieces: int
    average_self_rating: float | None
    average_accuracy: float | None
    last_practice_at: datetime | None
    recent_activity: list[LogOut]


def overview(session: Session, *, actor: Actor, today: date | None = None) -> ProgressOverview:
    """The spec's progress response: level, XP, streak, time, achievements and recent activity."""
    rows = _rows(session, actor)
    total = rows.get((ALL_INSTRUMENTS, OVERALL))
    today = today or local_day(utcnow(), actor.timezone)
    headline = _skill(total, OVERALL)
    return ProgressOverview(
        current_level=headline.level,
        title=headline.title,
        experience_points=headline.experience_points,
        level_start_xp=headline.level_start_xp,
        next_level_xp=headline.next_level_xp,
        total_practice_time=headline.total_practice_seconds,
        consecutive_days=_alive(total, today),
        last_practice_date=headline.last_practice_date,
        achievements=[a for a in _achievements(total) if a.earned],
        milestones=[_milestone(m) for m in (total.milestones or [])] if total else [],
        instruments=[_instrument(rows, i.value) for i in Instrument if (i.value, OVERALL) in rows],
        recent_activity=_recent(session, actor),
    )


def instrument_progress(session: Session, *, actor: Actor, instrument: Instrument | str) -> InstrumentProgress:
    """Level and skill areas on one instrument (level 1 with no XP when not practised yet)."""
    if instrument not in set(Instrument):
        raise InvalidInput("instrument", _("must be one of {choices}", choices=", ".join(Instrument)))
    return _instrument(_rows(session, actor), Instrument(instrument).value)


def streaks(session: Session, *, actor: Actor, today: date | None = None) -> Streaks:
    """The current and the longest run of practice days, in the actor's own days."""
    today = today or local_day(utcnow(), actor.timezone)
    total = _rows(session, actor).get((ALL_INSTRUMENTS, OVERALL))
    current = _alive(total, today)
    last = total.last_practice_date if total else None
    return Streaks(
        today=today,
        current=current,
        longest=longest_streak(practice_days(session, actor)),
        last_practice_date=last,
        practised_today=last == today,
        at_risk=current > 0 and last != today,
    )


def achievements(session: Session, *, actor: Actor) -> list[AchievementOut]:
    """Every achievement, earned (with the day) or still to earn."""
    return _achievements(_rows(session, actor).get((ALL_INSTRUMENTS, OVERALL)))


def statistics(session: Session, *, actor: Actor) -> ProgressStatistics:
    """Totals and averages, and time per instrument and per activity, from the practice days.

    One read grouped along the (user, instrument, activity) index gives both breakdowns and, added
    up, the totals; only the count of distinct days needs its own (covering) read."""
    connection = session.connection()
    mix = connection.execute(
        sa_select(DAYS.c.instrument, DAYS.c.activity_type, *TOTALS)
        .where(DAYS.c.user_id == actor.id)
        .group_by(DAYS.c.instrument, DAYS.c.activity_type)
    ).all()
    days = connection.execute(sa_select(func.count(distinct(DAYS.c.day))).where(DAYS.c.user_id == actor.id)).scalar()
    sums = [sum(values) for values in zip(*(row[2:] for row in mix), strict=True)] or [0] * len(TOTALS)
    summary = _summary(session, actor, sums, int(days or 0))
    per_instrument: dict[str, list[int]] = {}
    per_activity: dict[str, list[int]] = {}
    for instrument, activity, seconds, logs, *_others in mix:
        for totals, name in ((per_instrument, instrument), (per_activity, activity)):
            found = totals.setdefault(name, [0, 0])
            found[0] += int(seconds or 0)
            found[1] += int(logs)
    return ProgressStatistics(
        **summary.model_dump(exclude={"recent_activity"}),
        average_log_seconds=summary.total_practice_seconds // summary.total_logs if summary.total_logs else 0,
        by_instrument=_totals([(name, sec, n) for name, (sec, n) in per_instrument.items()]),
        by_activity=_totals([(name, sec, n) for name, (sec, n) in per_activity.items()]),
    )


def progress_summary(session: Session, *, actor: Actor) -> ProgressSummary:
    """Totals over the practice days (local days), the number of catalogue pieces, and the most recent logs."""
    *sums, days = (
        session.connection()
        .execute(sa_select(*TOTALS, func.count(distinct(DAYS.c.day))).where(DAYS.c.user_id == actor.id))
        .one()
    )
    return _summary(session, actor, sums, int(days or 0))


def _summary(session: Session, actor: Actor, sums: list[Any], days: int) -> ProgressSummary:
    seconds, logs, ratings, rated, accuracy, measured = sums
    pieces = (
        session.connection()
        .execute(
            sa_select(func.count(distinct(col(PracticeLog.sheet_music_id)))).where(
                col(PracticeLog.user_id) == actor.id, col(PracticeLog.is_active).is_(True)
            )
        )
        .scalar_one()
    )
    recent = _recent(session, actor)
    return ProgressSummary(
        total_practice_seconds=int(seconds or 0),
        total_logs=int(logs or 0),
        practice_days=days,
        unique_pieces=int(pieces),
        average_self_rating=_rounded(ratings / rated) if rated else None,
        average_accuracy=_rounded(accuracy / measured) if measured else None,
        last_practice_at=recent[0].end_time if recent else None,
        recent_activity=recent,
    )


def practice_days(session: Session, actor: Actor) -> list[date]:
    """Every local day with practice."""
    found = session.connection().execute(sa_select(DAYS.c.day).where(DAYS.c.user_id == actor.id).distinct())
    return [as_date(d) for (d,) in found]


def _rows(session: Session, actor: Actor) -> dict[tuple[str, str], ProgressTracking]:
    found = session.exec(select(ProgressTracking).where(ProgressTracking.user_id == actor.id)).all()
    return {(row.instrument, row.skill_area): row for row in found}


def _skill(row: ProgressTracking | None, area: str) -> SkillProgress:
    level = row.current_level if row else 1
    return SkillProgress(
        skill_area=area,
        level=level,
        title=rules.level_title(level),
        experience_points=row.experience_points if row else 0,
        level_start_xp=rules.xp_for_level(level),
        next_level_xp=rules.xp_for_level(level + 1),
        total_practice_seconds=row.total_practice_time if row else 0,
        consecutive_days=row.consecutive_days if row else 0,
        last_practice_date=row.last_practice_date if row else None,
        accuracy_trend=row.accuracy_trend if row else None,
        speed_trend=row.speed_trend if row else None,
    )


def _instrument(rows: dict[tuple[str, str], ProgressTracking], instrument: str) -> InstrumentProgress:
    areas = sorted({area for (inst, area) in rows if inst == instrument and area != OVERALL})
    return InstrumentProgress(
        instrument=instrument,
        overall=_skill(rows.get((instrument, OVERALL)), OVERALL),
        skills=[_skill(rows[(instrument, area)], area) for area in areas],
    )


def _alive(row: ProgressTracking | None, today: date) -> int:
    """The stored run counts only while it still reaches today or yesterday."""
    if row is None or row.last_practice_date is None:
        return 0
    return row.consecutive_days if row.last_practice_date >= today - timedelta(days=1) else 0


def _achievements(row: ProgressTracking | None) -> list[AchievementOut]:
    earned = {m["achievement"]: date.fromisoformat(m["date"]) for m in (row.milestones or [])} if row else {}
    return [
        AchievementOut(
            key=a.key,
            title=_(a.title),
            description=_(a.description),
            earned=a.key in earned,
            earned_on=earned.get(a.key),
        )
        for a in rules.ACHIEVEMENTS
    ]


def _milestone(stored: dict[str, Any]) -> Milestone:
    """A stored milestone (its title kept in English) with the title in the current language."""
    milestone = Milestone.model_validate(stored)
    return milestone.model_copy(update={"title": rules.milestone_title(milestone.achievement, milestone.title)})


def _recent(session: Session, actor: Actor) -> list[LogOut]:
    recent = session.exec(
        select(PracticeLog)
        .where(PracticeLog.user_id == actor.id, col(PracticeLog.is_active).is_(True))
        .order_by(col(PracticeLog.start_time).desc())
        .limit(RECENT_LOGS)
    ).all()
    return [LogOut.model_validate(log) for log in recent]


def _totals(rows: Sequence[tuple[str, int | None, int]]) -> list[Share]:
    totals = [Share(name=name, seconds=int(sec or 0), logs=int(n)) for name, sec, n in rows]
    return sorted(totals, key=lambda t: -t.seconds)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)
