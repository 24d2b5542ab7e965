"""Keep the practice_days and progress_tracking tables in step with the logs.

Any change to a user's logs (save, edit, delete, restore, sync) or time zone marks the user,
with the logs the change touched (start, instrument, activity, before and after); just before
the transaction commits (a step ``core.db`` runs, see ``core.effects.before_commit``), the
touched days are summed again (``services.practice_days``) and the progress rows brought up to
date: a single new latest log is folded in (``services.progress_append``, a few small queries),
anything else recomputes the rows from the days (``services.progress_days``): only the rows the
changed logs' instruments and skills feed when the change says which logs it touched, every row
otherwise. Either gives what the definition over the logs (:func:`progress_from_logs`, with the
rules in ``services.progress_rules``) gives. A batch of 100 synced changes does this once.

Rows: one per (instrument, skill area) practised, one per (instrument, "overall") and one for
("all", "overall"), which also holds the user's achievements and dated milestones.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.effects import before_commit
from core.fast_times import as_utc, raw_time
from core.models import PracticeDay, PracticeLog, ProgressTracking, User, utcnow
from services import progress_rules as rules
from services.goals import goals_may_have_moved
from services.practice_days import add_log, refresh_days
from services.progress_append import append_log
from services.progress_days import scopes_of, touched_rows, wanted_rows
from services.progress_rules import ALL_INSTRUMENTS, OVERALL, LogFact

PENDING_KEY = "mirubato_progress_pending"
Scope = tuple[str, str]


class Touched(NamedTuple):
    """A log as it was before a change or is after it: where its day is, and which rows it feeds."""

    start: datetime
    instrument: str
    activity: str
    piece: bool  # names a piece: only then can the achievements for pieces move

    @classmethod
    def of(cls, log: PracticeLog) -> Touched:
        piece = rules.piece_key(log.sheet_music_id, log.composer, log.work_title) is not None
        return cls(log.start_time, str(log.instrument), str(log.activity_type), piece)


@dataclass
class Pending:
    """What one transaction changed of one user's logs."""

    appended: list[PracticeLog | None] = field(default_factory=list)
    touched: set[Touched] | None = field(default_factory=set)  # None: any day and any row


def progress_changed(
    session: Session,
    user_id: uuid.UUID,
    *,
    appended: PracticeLog | None = None,
    touched: Iterable[Touched] | None = None,
) -> None:
    """Bring this user's days and progress up to date when the transaction commits.

    ``touched``: the logs changed, as they were before the change and are after it (None: any day
    may have moved, as after an import or a change of time zone). ``appended``: the change was
    the creation of this log. A transaction whose only change for the user is one new latest log
    takes the fast path; anything else recomputes from the days. The row itself is kept (not its
    id): it was inserted without the ORM, and reading it back would cost a query.
    """
    before_commit(session, "progress", _update_pending)
    goals_may_have_moved(session, user_id)
    pending: dict[uuid.UUID, Pending] = session.info.setdefault(PENDING_KEY, {})
    mine = pending.setdefault(user_id, Pending())
    mine.appended.append(appended)
    if touched is None or mine.touched is None:
        mine.touched = None
    else:
        mine.touched.update(touched)


def _update_pending(session: Session) -> None:
    session.flush()  # the steps below go through the connection, which does not autoflush
    pending: dict[uuid.UUID, Pending] = session.info.pop(PENDING_KEY, {})
    for user_id, changes in sorted(pending.items()):
        timezone = session.connection().execute(sa_select(col(User.timezone)).where(col(User.id) == user_id)).scalar()
        if timezone is None:
            continue  # the user is gone (their rows went with them)
        touched, appended = changes.touched, changes.appended
        created = appended[0] if len(appended) == 1 and touched is not None else None
        if created is not None:
            add_log(session, created, timezone)  # the only change: one new log
        else:
            refresh_days(session, user_id, timezone, None if touched is None else {log.start for log in touched})
        if created is not None and append_log(session, created):
            continue
        if touched is None:
            recompute_progress(session, user_id, timezone)
        else:
            recompute_touched(session, user_id, timezone, touched)


def recompute_progress(session: Session, user_id: uuid.UUID, timezone: str) -> int:
    """Recompute the user's progress rows from their days; returns how many rows changed."""
    return _write_rows(session, user_id, wanted_rows(session, user_id, timezone), _stored_rows(session, user_id))


def recompute_touched(session: Session, user_id: uuid.UUID, timezone: str, touched: Iterable[Touched]) -> int:
    """Recompute only the rows that these logs (before and after their change) feed; returns how many
    rows changed. What the change cannot move is kept as stored, so a user whose rows were never
    built gets them all."""
    existing = _stored_rows(session, user_id)
    total = existing.get((ALL_INSTRUMENTS, OVERALL))
    if total is None:
        return recompute_progress(session, user_id, timezone)
    touched = list(touched)
    scopes = scopes_of((log.instrument, log.activity) for log in touched)
    kept_piece_marks = None
    if not any(log.piece for log in touched):
        marks = set(rules.PIECE_MARKS.values())
        kept_piece_marks = {
            m["achievement"]: date.fromisoformat(m["date"]) for m in total.milestones or () if m["achievement"] in marks
        }
    kept_levels = {
        instrument: rules.levels_from_stored(row.milestones)
        for (instrument, area), row in existing.items()
        if area == OVERALL and instrument != ALL_INSTRUMENTS and (instrument, area) not in scopes
    }
    wanted = touched_rows(session, user_id, timezone, scopes, kept_levels, kept_piece_marks)
    return _write_rows(session, user_id, wanted, {scope: existing[scope] for scope in scopes if scope in existing})


def rebuild_progress(session: Session, user_id: uuid.UUID) -> int:
    """Sum every day of one user again and recompute their progress rows; returns how many rows changed."""
    session.flush()
    user = session.get(User, user_id)
    if user is None:
        return 0
    refresh_days(session, user_id, user.timezone, None)
    return recompute_progress(session, user_id, user.timezone)


def _stored_rows(session: Session, user_id: uuid.UUID) -> dict[Scope, ProgressTracking]:
    return {
        (row.instrument, row.skill_area): row
        for row in session.exec(select(ProgressTracking).where(ProgressTracking.user_id == user_id)).all()
    }


def _write_rows(
    session: Session, user_id: uuid.UUID, wanted: dict[Scope, dict[str, Any]], existing: dict[Scope, ProgressTracking]
) -> int:
    """Bring the ``existing`` rows to ``wanted``: insert, update, and delete those not wanted."""
    changed = 0
    existing = dict(existing)
    for scope, values in wanted.items():
        row = existing.pop(scope, None)
        if row is None:
            row = ProgressTracking(user_id=user_id, instrument=scope[0], skill_area=scope[1])
        elif all(getattr(row, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = utcnow()
        session.add(row)
        changed += 1
    for stale in existing.values():
        session.delete(stale)
    return changed + len(existing)


def progress_from_logs(session: Session, user_id: uuid.UUID) -> dict[Scope, dict[str, Any]]:
    """The progress rows by their definition: the rules applied to every log, one by one.

    Not on any request's path (the days give the same rows faster); the tests hold the days,
    the fast path and the rows stored to this.
    """
    session.flush()
    user = session.get(User, user_id)
    if user is None:
        return {}
    facts = log_facts(session, user_id, user.timezone)
    wanted = {scope: _row_values(group) for scope, group in _scopes(facts)}
    _add_milestones(wanted, facts)
    return wanted


def users_to_rebuild(session: Session, *, email: str | None = None) -> list[uuid.UUID]:
    """Every user's id (or the one with this email), for the rebuild command."""
    query = select(User.id).order_by(col(User.id))
    if email is not None:
        query = query.where(func.lower(User.email) == email.strip().lower())
    return list(session.exec(query).all())


def users_without_progress(session: Session) -> list[uuid.UUID]:
    """Users with active logs but no progress rows or no practice days (their logs were made before
    progress, or the days, were kept)."""
    has_rows = select(ProgressTracking.user_id).where(ProgressTracking.user_id == PracticeLog.user_id)
    has_days = select(PracticeDay.user_id).where(PracticeDay.user_id == PracticeLog.user_id)
    query = (
        select(PracticeLog.user_id)
        .where(col(PracticeLog.is_active).is_(True), ~(has_rows.exists() & has_days.exists()))
        .distinct()
    )
    return sorted(session.exec(query).all())


def log_facts(session: Session, user_id: uuid.UUID, timezone: str) -> list[LogFact]:
    """The user's active logs as facts, oldest first, each on its local day."""
    # Core, not ORM rows, and the piece id as text: this runs on every save, over all of a user's logs.
    rows = (
        session.connection()
        .execute(
            sa_select(
                raw_time(PracticeLog.start_time),
                col(PracticeLog.instrument),
                col(PracticeLog.activity_type),
                col(PracticeLog.duration_seconds),
                col(PracticeLog.accuracy_percentage),
                col(PracticeLog.tempo_practiced),
                col(PracticeLog.target_tempo),
                cast(PracticeLog.sheet_music_id, String),
                col(PracticeLog.composer),
                col(PracticeLog.work_title),
            )
            .where(col(PracticeLog.user_id) == user_id, col(PracticeLog.is_active).is_(True))
            .order_by(col(PracticeLog.start_time), col(PracticeLog.id))
        )
        .all()
    )  # fetched at once: row by row, SQLAlchemy's fetchone was a third of a 20,000-log rebuild
    zone = ZoneInfo(timezone)
    return [
        LogFact(
            day=as_utc(start).astimezone(zone).date(),
            instrument=instrument,
            activity=activity,
            seconds=seconds or 0,
            accuracy=accuracy,
            tempo=tempo,
            target_tempo=target,
            piece=rules.piece_key(piece_id, composer, title),
        )
        for start, instrument, activity, seconds, accuracy, tempo, target, piece_id, composer, title in rows
    ]


def _scopes(facts: list[LogFact]) -> Iterator[tuple[Scope, list[LogFact]]]:
    groups: dict[Scope, list[LogFact]] = defaultdict(list)
    for fact in facts:
        groups[(fact.instrument, rules.skill_area(fact.activity))].append(fact)
        groups[(fact.instrument, OVERALL)].append(fact)
        groups[(ALL_INSTRUMENTS, OVERALL)].append(fact)
    yield from groups.items()


def _row_values(facts: list[LogFact]) -> dict[str, Any]:
    xp = rules.experience(facts)
    level = rules.level_for(xp)
    last = facts[-1].day if facts else None
    return {
        "experience_points": xp,
        "current_level": level,
        "current_grade": rules.title_for(level),
        "total_practice_time": sum(f.seconds for f in facts),
        "consecutive_days": rules.streak_ending((f.day for f in facts), last) if last else 0,
        "last_practice_date": max(f.day for f in facts) if facts else None,
        "accuracy_trend": rules.accuracy_trend(facts),
        "speed_trend": rules.speed_trend(facts),
        "achievements": None,
        "milestones": None,
    }


def _add_milestones(wanted: dict[Scope, dict[str, Any]], facts: list[LogFact]) -> None:
    """Achievements go on the user's ("all", "overall") row; level milestones on each instrument's."""
    if (ALL_INSTRUMENTS, OVERALL) not in wanted:
        return
    instruments = [instrument for instrument, area in wanted if area == OVERALL and instrument != ALL_INSTRUMENTS]
    reached = {
        instrument: rules.level_milestones([f for f in facts if f.instrument == instrument])
        for instrument in instruments
    }
    rules.place_milestones(wanted, rules.earned_achievements(facts), reached)
