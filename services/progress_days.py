"""A user's progress rows computed from their practice days, not their logs.

The rules are those of ``services.progress_rules``, applied to days: experience is the summed
per-log XP plus a bonus per day, a streak or an achievement is dated by the day it was reached,
so a day's logs in any order give the same numbers. What days cannot tell is read with small
queries: the last ten measured logs of each scope (the trends, walking the (user, start) index
backwards) and each piece's first start (from an index that covers it). The
equivalence with the definition over logs (``progress_tracking.progress_from_logs``) is tested
over random edits.

After a change to known logs (a back-dated save, an edit, a delete), only the rows those logs'
instruments and skills feed are recomputed (``touched_rows``): the whole's days and those scopes'
come from one query grouped by day, and the other instruments' level milestones, which the
change cannot move, are taken from their stored rows.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.sql.expression import CompoundSelect, union_all
from sqlmodel import Session

from core.driver_rows import driver_rows, driver_uuid
from core.fast_times import as_utc
from services import progress_rules as rules
from services.calendar_days import local_day
from services.local_days_sql import as_date
from services.practice_days import DAYS, LOGS
from services.progress_append_sql import activities_of, measured_logs
from services.progress_rules import ALL_INSTRUMENTS, OVERALL, SKILL_AREAS

Scope = tuple[str, str]
AREA_OF = {activity.value: area for activity, area in SKILL_AREAS.items()}


@dataclass(slots=True)
class ScopeDays:
    """One scope's days with practice, in order, with each day's XP (per-log, before the day bonus) and seconds."""

    days: list[date] = field(default_factory=list)
    xp: list[int] = field(default_factory=list)
    seconds: list[int] = field(default_factory=list)


def wanted_rows(session: Session, user_id: uuid.UUID, timezone: str) -> dict[Scope, dict[str, Any]]:
    """The progress rows this user's days call for, by (instrument, skill area)."""
    scopes, at_target = scope_days(session, user_id)
    wanted = {scope: _row_values(found) for scope, found in scopes.items()}
    _add_trends(session, user_id, wanted)
    total = scopes.get((ALL_INSTRUMENTS, OVERALL))
    if total is not None:
        instruments = {
            instrument: found
            for (instrument, area), found in scopes.items()
            if area == OVERALL and instrument != ALL_INSTRUMENTS
        }
        first_days = [found.days[0] for found in instruments.values()]
        reached = {
            instrument: rules.level_milestones_from_days(found.days, found.xp)
            for instrument, found in instruments.items()
        }
        _add_milestones(session, user_id, timezone, wanted, total, at_target, first_days, reached)
    return wanted


def scopes_of(kinds: Iterable[tuple[str, str]]) -> tuple[Scope, ...]:
    """The progress rows that logs of these (instrument, activity) kinds feed: their skill's, their
    instrument's and the whole's; a change to such logs can move no other row."""
    found = {(ALL_INSTRUMENTS, OVERALL)}
    for instrument, activity in kinds:
        found |= {(instrument, AREA_OF[activity]), (instrument, OVERALL)}
    return tuple(sorted(found))


def touched_rows(
    session: Session,
    user_id: uuid.UUID,
    timezone: str,
    scopes: tuple[Scope, ...],
    kept_levels: dict[str, list[tuple[date, int]]],
    kept_piece_marks: dict[str, date] | None,
) -> dict[Scope, dict[str, Any]]:
    """The rows of ``scopes`` (from ``scopes_of``) as the user's days now call for them; a scope left
    without days is missing from the result (its row goes). ``kept_levels``: the level milestones
    stored for each instrument outside ``scopes``, which the whole's row lists too;
    ``kept_piece_marks``: the achievements for pieces as stored, when the change touched no log
    naming a piece (None: read each piece's first day again)."""
    found, at_target = _days_of_scopes(session, user_id, scopes)
    wanted = {scope: _row_values(days) for scope, days in found.items()}
    _add_trends(session, user_id, wanted)
    total = found.get((ALL_INSTRUMENTS, OVERALL))
    if total is not None:
        reached = dict(kept_levels)
        first_days = _first_days(session, user_id, sorted(kept_levels))
        for (instrument, area), days in found.items():
            if area == OVERALL and instrument != ALL_INSTRUMENTS:
                reached[instrument] = rules.level_milestones_from_days(days.days, days.xp)
                first_days.append(days.days[0])
        _add_milestones(session, user_id, timezone, wanted, total, at_target, first_days, reached, kept_piece_marks)
    return wanted


def _days_of_scopes(
    session: Session, user_id: uuid.UUID, scopes: tuple[Scope, ...]
) -> tuple[dict[Scope, ScopeDays], date | None]:
    """The days of the whole and of each scope (from one read of a row per day), and the first day
    a log was played at its target tempo."""
    named = [scope for scope in scopes if scope != (ALL_INSTRUMENTS, OVERALL)]
    rows = driver_rows(session, _day_sums(tuple(named)), {"user_id": driver_uuid(session, user_id)})
    if not rows:
        return {}, None
    # Column by column (zip in C, then comprehensions) rather than a Python step per row and scope.
    days, seconds, xp, at_target, *each = zip(*rows, strict=True)
    dates = [as_date(day) for day in days]
    found = {(ALL_INSTRUMENTS, OVERALL): ScopeDays(dates, list(xp), list(seconds))}
    for scope, scope_seconds, scope_xp in zip(named, each[::2], each[1::2], strict=True):
        # A sum over no rows is NULL: the scope had no practice that day.
        kept = [index for index, value in enumerate(scope_seconds) if value is not None]
        if kept:
            found[scope] = ScopeDays(
                [dates[i] for i in kept], [scope_xp[i] for i in kept], [scope_seconds[i] for i in kept]
            )
    first_at_target = next((dates[i] for i, count in enumerate(at_target) if count), None)
    return found, first_at_target


@lru_cache(maxsize=64)  # per set of scopes: two instruments and a handful of skills
def _day_sums(scopes: tuple[Scope, ...]) -> Select[Any]:
    """A row per day: the whole's seconds, XP and logs at target tempo, then each scope's seconds and
    XP (NULL where the scope has no rows that day). Grouped in the (user, day) index's order, so
    without a sort; on SQLite, four sums with FILTER added about half what the same sums with CASE
    added to five years of days."""
    columns: list[Any] = [DAYS.c.day, func.sum(DAYS.c.seconds), func.sum(DAYS.c.xp), func.max(DAYS.c.at_target_tempo)]
    for instrument, area in scopes:
        where = DAYS.c.instrument == instrument
        if area != OVERALL:  # equalities, not IN: driver_rows binds plain values only
            where = and_(where, or_(*(DAYS.c.activity_type == activity for activity in activities_of(area))))
        columns += [func.sum(DAYS.c.seconds).filter(where), func.sum(DAYS.c.xp).filter(where)]
    return select(*columns).where(DAYS.c.user_id == bindparam("user_id")).group_by(DAYS.c.day).order_by(DAYS.c.day)


FIRST_DAY = select(func.min(DAYS.c.day)).where(
    DAYS.c.user_id == bindparam("user_id"), DAYS.c.instrument == bindparam("instrument")
)


def _first_days(session: Session, user_id: uuid.UUID, instruments: list[str]) -> list[date]:
    """The first day each of these instruments was practised (the index by day, read until one shows)."""
    user = driver_uuid(session, user_id)
    found = [driver_rows(session, FIRST_DAY, {"user_id": user, "instrument": name})[0][0] for name in instruments]
    return [as_date(day) for day in found if day is not None]


# In the index's day order and not grouped (SQL's GROUP BY would sort them all first), fetched at
# once as the driver's tuples (core.driver_rows), and summed into per-scope dicts that keep the
# days in order: a heavy history has tens of thousands of these rows, and each step per row counts.
SCOPE_DAYS = (
    select(DAYS.c.day, DAYS.c.instrument, DAYS.c.activity_type, DAYS.c.xp, DAYS.c.seconds, DAYS.c.at_target_tempo)
    .where(DAYS.c.user_id == bindparam("user_id"))
    .order_by(DAYS.c.day)
)


def scope_days(session: Session, user_id: uuid.UUID) -> tuple[dict[Scope, ScopeDays], date | None]:
    """Each scope's days, and the first day a log was played at its target tempo."""
    rows = driver_rows(session, SCOPE_DAYS, {"user_id": driver_uuid(session, user_id)})
    sums: dict[Scope, tuple[dict[Any, int], dict[Any, int]]] = {}
    sinks: dict[tuple[str, str], list[tuple[dict[Any, int], dict[Any, int]]]] = {}
    at_target = None
    for day, instrument, activity, xp, seconds, at_target_tempo in rows:
        targets = sinks.get((instrument, activity))
        if targets is None:
            scopes = ((instrument, AREA_OF[activity]), (instrument, OVERALL), (ALL_INSTRUMENTS, OVERALL))
            targets = sinks[(instrument, activity)] = [sums.setdefault(scope, ({}, {})) for scope in scopes]
        for xps, secs in targets:
            xps[day] = xps.get(day, 0) + xp
            secs[day] = secs.get(day, 0) + seconds
        if at_target_tempo and at_target is None:
            at_target = day
    dates: dict[Any, date] = {}  # SQLite gives days as text: each converted once
    for day, *_ in rows:
        if day not in dates:
            dates[day] = as_date(day)
    found = {
        scope: ScopeDays([dates[day] for day in xps], list(xps.values()), list(secs.values()))
        for scope, (xps, secs) in sums.items()
    }
    return found, None if at_target is None else dates[at_target]


def _row_values(found: ScopeDays) -> dict[str, Any]:
    xp = sum(found.xp) + rules.XP_PER_DAY * len(found.days)
    level = rules.level_for(xp)
    return {
        "experience_points": xp,
        "current_level": level,
        "current_grade": rules.title_for(level),
        "total_practice_time": sum(found.seconds),
        "consecutive_days": _run_at_end(found.days),
        "last_practice_date": found.days[-1],
        "accuracy_trend": None,
        "speed_trend": None,
        "achievements": None,
        "milestones": None,
    }


def _run_at_end(days: list[date]) -> int:
    run = 1
    while run < len(days) and days[-run - 1] == days[-run] - timedelta(days=1):
        run += 1
    return run


def _add_trends(session: Session, user_id: uuid.UUID, wanted: dict[Scope, dict[str, Any]]) -> None:
    scopes = tuple(sorted(wanted))
    if not scopes:
        return
    statement, branches = trend_windows(scopes)
    windows: dict[tuple[Scope, str], list[tuple[Any, Any, float]]] = defaultdict(list)
    for branch, accuracy, tempo, target, start, log_id in session.connection().execute(statement, {"user_id": user_id}):
        scope, measure = branches[branch]
        value = accuracy if measure == "accuracy" else 100 * tempo / target
        windows[(scope, measure)].append((as_utc(start), str(log_id), value))  # str: the database's order
    for (scope, measure), window in windows.items():
        # Oldest first, as the definition adds them up (a float sum depends on its order).
        oldest_first = sorted(window, key=lambda found: found[:2])
        wanted[scope][f"{measure}_trend"] = rules.moving_average([value for *_, value in oldest_first])


@cache
def trend_windows(scopes: tuple[Scope, ...]) -> tuple[CompoundSelect[Any], tuple[tuple[Scope, str], ...]]:
    """One statement for the last TREND_WINDOW measured logs of each scope and measure (built once per scope set)."""
    branches = tuple((scope, measure) for scope in scopes for measure in ("accuracy", "speed"))
    windows = [_window(number, scope, measure) for number, (scope, measure) in enumerate(branches)]
    return union_all(*(window.subquery().select() for window in windows)), branches


def _window(number: int, scope: Scope, measure: str) -> Any:
    instrument, area = scope
    return measured_logs(
        number,
        measure,
        instrument=None if instrument == ALL_INSTRUMENTS else instrument,
        activities=None if area == OVERALL else activities_of(area),
    )


def _add_milestones(
    session: Session,
    user_id: uuid.UUID,
    timezone: str,
    wanted: dict[Scope, dict[str, Any]],
    total: ScopeDays,
    at_target: date | None,
    instrument_first_days: list[date],
    reached: dict[str, list[tuple[date, int]]],
    piece_marks: dict[str, date] | None = None,
) -> None:
    """Achievements on the ("all", "overall") row, level milestones (``reached``, per instrument) on each
    instrument's row in ``wanted``, dated as by definition (``piece_marks`` None: from each piece's first day)."""
    if piece_marks is None:
        piece_marks = rules.piece_marks(_piece_first_days(session, user_id, timezone))
    earned = rules.earned_from_days(
        total.days,
        total.seconds,
        piece_marks=piece_marks,
        at_target_tempo=at_target,
        instrument_first_days=sorted(instrument_first_days),
    )
    rules.place_milestones(wanted, earned, reached)


PIECE_FIRST_STARTS = (
    select(LOGS.c.sheet_music_id, LOGS.c.composer, LOGS.c.work_title, func.min(LOGS.c.start_time))
    .where(LOGS.c.user_id == bindparam("user_id"), LOGS.c.is_active.is_(True))
    .where((LOGS.c.sheet_music_id.is_not(None)) | (LOGS.c.work_title.is_not(None)))
    .group_by(LOGS.c.sheet_music_id, LOGS.c.composer, LOGS.c.work_title)
)


def _piece_first_days(session: Session, user_id: uuid.UUID, timezone: str) -> list[date]:
    """The day each piece was first practised (spellings of one piece merged as ``piece_key`` does)."""
    rows = driver_rows(session, PIECE_FIRST_STARTS, {"user_id": driver_uuid(session, user_id)})
    first: dict[str, date] = {}
    for piece_id, composer, title, start in rows:
        key = rules.piece_key(piece_id, composer, title)
        if key is None:
            continue
        day = local_day(as_utc(start), timezone)
        first[key] = min(day, first.get(key, day))
    return sorted(first.values())
