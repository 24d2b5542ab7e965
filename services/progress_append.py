"""The fast path: fold one new log into a user's progress rows without reading all their logs.

Valid only for a log that is the user's latest (nothing starts after it): then every number only
grows, and the rules of ``services.progress_rules`` can be applied one step further. Anything
else (an edit, a delete, a log back-dated before others) goes through the full rebuild, and the
tests check that this path always lands on exactly what the rebuild computes.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, cast, exists, inspect, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.models import PracticeLog, ProgressTracking, User, utcnow
from services import progress_rules as rules
from services.progress_rules import ALL_INSTRUMENTS, OVERALL, SKILL_AREAS

Scope = tuple[str, str]


def append_log(session: Session, log: PracticeLog) -> bool:
    """Fold the log into its user's progress; False when it is not the latest log (rebuild instead)."""
    session.flush()  # the queries below go through the connection, which does not autoflush
    state = inspect(log)
    if state.deleted or state.was_deleted or not log.is_active or _has_later_logs(session, log):
        return False
    user = session.get(User, log.user_id)
    rows = {
        (row.instrument, row.skill_area): row
        for row in session.exec(select(ProgressTracking).where(ProgressTracking.user_id == log.user_id)).all()
    }
    if (ALL_INSTRUMENTS, OVERALL) not in rows and _has_earlier_logs(session, log):
        return False  # progress was never built for this user (data from before progress existed)
    day = log.start_time.astimezone(ZoneInfo(user.timezone if user else "UTC")).date()
    area = rules.skill_area(log.activity_type)
    new_instrument = (log.instrument, OVERALL) not in rows
    for scope in ((ALL_INSTRUMENTS, OVERALL), (log.instrument, OVERALL), (log.instrument, area)):
        row = rows.get(scope) or ProgressTracking(user_id=log.user_id, instrument=scope[0], skill_area=scope[1])
        _step(row, log, day)
        _trends(session, row, log, scope)
        rows[scope] = row
    _level_milestones(rows[(log.instrument, OVERALL)], day)
    _achievements(session, rows, log, day, new_instrument)
    for scope in ((ALL_INSTRUMENTS, OVERALL), (log.instrument, OVERALL), (log.instrument, area)):
        rows[scope].updated_at = utcnow()
        session.add(rows[scope])
    return True


def _step(row: ProgressTracking, log: PracticeLog, day: date) -> None:
    seconds = log.duration_seconds or 0
    new_day = row.last_practice_date != day
    row.experience_points = (row.experience_points or 0) + rules.log_xp(seconds) + (rules.XP_PER_DAY if new_day else 0)
    row.current_level = rules.level_for(row.experience_points)
    row.current_grade = rules.title_for(row.current_level)
    row.total_practice_time = (row.total_practice_time or 0) + seconds
    if new_day:
        follows = row.last_practice_date == day - timedelta(days=1)
        row.consecutive_days = (row.consecutive_days or 0) + 1 if follows else 1
    row.last_practice_date = day


def _trends(session: Session, row: ProgressTracking, log: PracticeLog, scope: Scope) -> None:
    """Re-average the last measured logs of the scope, oldest first, as the rebuild does."""
    if log.accuracy_percentage is not None:
        measured = [col(PracticeLog.accuracy_percentage).is_not(None)]
        values = _latest(session, log, scope, [PracticeLog.accuracy_percentage], measured)
        row.accuracy_trend = rules.moving_average([accuracy for (accuracy,) in values])
    if log.tempo_practiced and log.target_tempo:
        measured = [col(PracticeLog.tempo_practiced) > 0, col(PracticeLog.target_tempo) > 0]
        values = _latest(session, log, scope, [PracticeLog.tempo_practiced, PracticeLog.target_tempo], measured)
        row.speed_trend = rules.moving_average([100 * tempo / target for tempo, target in values])


def _latest(session: Session, log: PracticeLog, scope: Scope, columns: list[Any], measured: list[Any]) -> list[Any]:
    """The measured columns of the scope's last TREND_WINDOW logs, oldest first."""
    conditions = [PracticeLog.user_id == log.user_id, col(PracticeLog.is_active).is_(True), *measured]
    instrument, area = scope
    if instrument != ALL_INSTRUMENTS:
        conditions.append(PracticeLog.instrument == instrument)
    if area != OVERALL:
        conditions.append(col(PracticeLog.activity_type).in_([a.value for a, s in SKILL_AREAS.items() if s == area]))
    recent = session.connection().execute(
        sa_select(*columns)
        .where(*conditions)
        .order_by(col(PracticeLog.start_time).desc(), col(PracticeLog.id).desc())
        .limit(rules.TREND_WINDOW)
    )
    return list(reversed(recent.all()))


def _level_milestones(row: ProgressTracking, day: date) -> None:
    reached = list(row.milestones or [])
    have = {m["achievement"] for m in reached}
    for level in rules.LEVEL_MILESTONES:
        if level <= row.current_level and f"level_{level}" not in have:
            reached.append({"date": day.isoformat(), "achievement": f"level_{level}"})
    row.milestones = reached


def _achievements(
    session: Session, rows: dict[Scope, ProgressTracking], log: PracticeLog, day: date, new_instrument: bool
) -> None:
    total = rows[(ALL_INSTRUMENTS, OVERALL)]
    keys = {a.key for a in rules.ACHIEVEMENTS}
    earned = {
        m["achievement"]: date.fromisoformat(m["date"]) for m in total.milestones or [] if m["achievement"] in keys
    }
    earned.setdefault("first_log", day)
    for hours in (10, 100, 1000):
        if total.total_practice_time >= hours * 3600:
            earned.setdefault(f"hours_{hours}", day)
    for length in (7, 30, 100):
        if total.consecutive_days >= length:
            earned.setdefault(f"streak_{length}", day)
    if log.tempo_practiced and log.target_tempo and log.tempo_practiced >= log.target_tempo:
        earned.setdefault("target_tempo", day)
    instruments = {scope[0] for scope in rows if scope[0] != ALL_INSTRUMENTS and scope[1] == OVERALL}
    if new_instrument and len(instruments) >= 2:
        earned.setdefault("both_instruments", day)
    if "pieces_100" not in earned and (log.sheet_music_id or log.work_title) and not _practised_before(session, log):
        count = _distinct_pieces(session, log.user_id)
        for pieces in (10, 100):
            if count >= pieces:
                earned.setdefault(f"pieces_{pieces}", day)
    total.achievements = sorted(earned, key=lambda key: (earned[key], key))
    dated = [
        {"date": when.isoformat(), "achievement": key, "title": rules.ACHIEVEMENT_BY_KEY[key].title}
        for key, when in earned.items()
    ]
    for (instrument, area), row in rows.items():
        if area == OVERALL and instrument != ALL_INSTRUMENTS:
            dated += [_level_milestone(m, instrument) for m in row.milestones or []]
    total.milestones = sorted(dated, key=lambda m: (m["date"], m["achievement"]))


def _level_milestone(milestone: dict[str, str], instrument: str) -> dict[str, str]:
    """An instrument's level milestone as the user's row lists it (the rebuild's wording)."""
    level = milestone["achievement"].removeprefix("level_")
    return {
        "date": milestone["date"],
        "achievement": f"{instrument}_level_{level}",
        "title": f"Level {level} on {instrument}",
    }


def _distinct_pieces(session: Session, user_id: uuid.UUID) -> int:
    found = session.connection().execute(
        sa_select(cast(PracticeLog.sheet_music_id, String), PracticeLog.composer, PracticeLog.work_title)
        .where(PracticeLog.user_id == user_id, col(PracticeLog.is_active).is_(True))
        .distinct()
    )
    return len({key for row in found if (key := rules.piece_key(*row)) is not None})


def _practised_before(session: Session, log: PracticeLog) -> bool:
    """Another log names this piece exactly, so the count of distinct pieces did not change.

    Counting reads every log of the user; this look-up saves that on nearly every save.
    """
    if log.sheet_music_id is not None:
        same = [PracticeLog.sheet_music_id == log.sheet_music_id]
    else:
        composer = col(PracticeLog.composer)
        same = [
            col(PracticeLog.sheet_music_id).is_(None),
            PracticeLog.work_title == log.work_title,
            composer.is_(None) if log.composer is None else composer == log.composer,
        ]
    query = sa_select(
        exists().where(
            PracticeLog.user_id == log.user_id, col(PracticeLog.is_active).is_(True), PracticeLog.id != log.id, *same
        )
    )
    return bool(session.connection().execute(query).scalar())


def _has_later_logs(session: Session, log: PracticeLog) -> bool:
    later = or_(
        col(PracticeLog.start_time) > log.start_time,
        and_(col(PracticeLog.start_time) == log.start_time, col(PracticeLog.id) > log.id),
    )
    query = sa_select(exists().where(PracticeLog.user_id == log.user_id, col(PracticeLog.is_active).is_(True), later))
    return bool(session.connection().execute(query).scalar())


def _has_earlier_logs(session: Session, log: PracticeLog) -> bool:
    query = sa_select(
        exists().where(
            PracticeLog.user_id == log.user_id, col(PracticeLog.is_active).is_(True), PracticeLog.id != log.id
        )
    )
    return bool(session.connection().execute(query).scalar())
