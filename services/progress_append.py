"""The fast path: fold one new log into a user's progress rows without reading all their logs.

Valid only for a log that is the user's latest (nothing starts after it): then every number only
grows, and the rules of ``services.progress_rules`` can be applied one step further. Anything
else (an edit, a delete, a log back-dated before others) goes through the full rebuild, and the
tests check that this path always lands on exactly what the rebuild computes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlmodel import Session

from core.models import PracticeLog, utcnow
from services import progress_append_sql as sql
from services import progress_rules as rules
from services.progress_rules import ALL_INSTRUMENTS, OVERALL

Scope = tuple[str, str]


@dataclass(slots=True)
class ProgressRow:
    """A progress_tracking row as plain data (an ORM instance costs more to build than the save it serves)."""

    user_id: uuid.UUID
    instrument: str
    skill_area: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    current_level: int = 1
    current_grade: str | None = None
    experience_points: int = 0
    total_practice_time: int = 0
    consecutive_days: int = 0
    last_practice_date: date | None = None
    accuracy_trend: float | None = None
    speed_trend: float | None = None
    achievements: list[str] | None = None
    milestones: list[dict[str, Any]] | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)


COLUMNS = [column.key for column in sql.ROWS.columns]


def append_log(session: Session, log: PracticeLog) -> bool:
    """Fold the log into its user's progress; False when it is not the latest log (rebuild instead)."""
    session.flush()  # the statements below go through the connection, which does not autoflush
    connection = session.connection()
    facts = connection.execute(*_facts_query(log)).one_or_none()
    if facts is None:
        return False
    timezone, has_later, has_others, same_piece_before = facts
    if has_later:
        return False
    stored = {
        (row.instrument, row.skill_area): ProgressRow(**row._mapping)
        for row in connection.execute(sql.PROGRESS_ROWS, {"user_id": log.user_id})
    }
    if (ALL_INSTRUMENTS, OVERALL) not in stored and has_others:
        return False  # progress was never built for this user (data from before progress existed)
    day = log.start_time.astimezone(ZoneInfo(timezone)).date()
    area = rules.skill_area(log.activity_type)
    scopes = ((ALL_INSTRUMENTS, OVERALL), (log.instrument, OVERALL), (log.instrument, area))
    rows = dict(stored)
    new_instrument = (log.instrument, OVERALL) not in rows
    for scope in scopes:
        rows[scope] = rows.get(scope) or ProgressRow(user_id=log.user_id, instrument=scope[0], skill_area=scope[1])
        _step(rows[scope], log, day)
    _trends(connection, rows, log, scopes)
    _level_milestones(rows[(log.instrument, OVERALL)], day)
    count_pieces = not same_piece_before and bool(log.sheet_music_id or log.work_title)
    _achievements(connection, rows, log, day, new_instrument, count_pieces)
    _write(connection, [rows[scope] for scope in scopes], stored)
    return True


def _facts_query(log: PracticeLog) -> tuple[Any, dict[str, Any]]:
    params: dict[str, Any] = {"user_id": log.user_id, "start": log.start_time, "log_id": log.id}
    if log.sheet_music_id is not None:
        return sql.FACTS_BY_PIECE_ID, params | {"piece_id": log.sheet_music_id}
    if log.work_title:
        return sql.FACTS_BY_TITLE, params | {"title": log.work_title, "composer": log.composer}
    return sql.FACTS_WITHOUT_PIECE, params


def _write(connection: Connection, rows: list[ProgressRow], stored: dict[Scope, ProgressRow]) -> None:
    now = utcnow()
    updates, inserts = [], []
    for row in rows:
        row.updated_at = now
        values = {name: getattr(row, name) for name in COLUMNS}
        if (row.instrument, row.skill_area) in stored:
            updates.append({"row_id": values.pop("id"), **values})
        else:
            inserts.append(values)
    if updates:
        connection.execute(sql.UPDATE_ROW, updates)
    if inserts:
        connection.execute(sql.INSERT_ROW, inserts)


def _step(row: ProgressRow, log: PracticeLog, day: date) -> None:
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


def _trends(
    connection: Connection, rows: dict[Scope, ProgressRow], log: PracticeLog, scopes: tuple[Scope, ...]
) -> None:
    """Re-average the last measured logs of each scope, oldest first, as the rebuild does."""
    measures = tuple(
        measure
        for measure, present in (("accuracy", log.accuracy_percentage is not None), ("speed", _has_speed(log)))
        if present
    )
    if not measures:
        return
    params = {"user_id": log.user_id, "instrument": log.instrument}
    found = connection.execute(sql.trend_windows(measures, scopes[2][1]), params)
    windows: dict[tuple[str, str], list[tuple[Any, Any, float]]] = {}
    for branch, accuracy, tempo, target, start, log_id in found:
        measure, kind = sql.branches(measures)[branch]
        value = accuracy if measure == "accuracy" else 100 * tempo / target
        windows.setdefault((measure, kind), []).append((start, log_id, value))
    for scope in scopes:
        for measure in measures:
            oldest_first = sorted(windows.get((measure, sql.scope_kind(scope)), []))  # the rebuild's order
            setattr(rows[scope], f"{measure}_trend", rules.moving_average([value for *_, value in oldest_first]))


def _has_speed(log: PracticeLog) -> bool:
    return (log.tempo_practiced or 0) > 0 and (log.target_tempo or 0) > 0


def _level_milestones(row: ProgressRow, day: date) -> None:
    reached = list(row.milestones or [])
    have = {m["achievement"] for m in reached}
    for level in rules.LEVEL_MILESTONES:
        if level <= row.current_level and f"level_{level}" not in have:
            reached.append({"date": day.isoformat(), "achievement": f"level_{level}"})
    row.milestones = reached


def _achievements(
    connection: Connection,
    rows: dict[Scope, ProgressRow],
    log: PracticeLog,
    day: date,
    new_instrument: bool,
    count_pieces: bool,
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
    if "pieces_100" not in earned and count_pieces:
        count = _distinct_pieces(connection, log.user_id)
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
        # Stored in English, like every title here: progress_rules.milestone_title translates it when shown.
        "title": f"Level {level} on {instrument}",
    }


def _distinct_pieces(connection: Connection, user_id: Any) -> int:
    found = connection.execute(sql.DISTINCT_PIECES, {"user_id": user_id})
    return len({key for row in found if (key := rules.piece_key(*row)) is not None})
