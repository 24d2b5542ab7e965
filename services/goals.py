"""Goals beyond the daily minutes: a week's minutes (all practice or one instrument), a piece's
tempo by a date, a piece's minutes this month, and minutes over a programme of pieces by a date.

Progress is read from the logs whenever it is shown. After every change to a musician's logs the
goals are checked once, inside the same transaction (a before-commit step, whichever entry point
saved the log): a goal reaching its target for a period earns an achievement row, once per
period. A goal's earlier versions are kept (``goal_revisions``) when it changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from core.driver_rows import driver_rows, driver_uuid
from core.effects import before_commit
from core.i18n import _, ngettext, pgettext
from core.models import Goal, GoalKind, GoalMet, GoalRevision, Instrument, PracticeLog, SheetMusic, User, utcnow
from services.actor import Actor
from services.calendar_days import day_start, local_day, week_start
from services.errors import InvalidInput, NotFound
from services.validation import Input, Output, Text100, parse

MAX_GOALS = 30
MAX_PROGRAMME = 30
PENDING_KEY = "mirubato_goals_pending"
TEMPO_KINDS = {GoalKind.PIECE_TEMPO}
PIECE_KINDS = {GoalKind.PIECE_TEMPO, GoalKind.PIECE_MINUTES}
DATED_KINDS = {GoalKind.PIECE_TEMPO, GoalKind.PROGRAMME_MINUTES}


class GoalIn(Input):
    kind: GoalKind
    target: int = Field(ge=1, le=100_000, description="Minutes, or beats per minute for a tempo goal")
    title: Text100 | None = None
    instrument: Instrument | None = Field(default=None, description="For instrument_minutes")
    sheet_music_id: uuid.UUID | None = Field(default=None, description="For piece_tempo and piece_minutes")
    piece_ids: list[uuid.UUID] | None = Field(default=None, max_length=MAX_PROGRAMME, description="A programme")
    due_on: date | None = Field(default=None, description="Required for piece_tempo and programme_minutes")


class GoalProgress(Output):
    id: uuid.UUID
    kind: GoalKind
    title: str
    target: int
    unit: str
    value: int
    percent: int
    period_start: date
    period_end: date | None
    due_on: date | None
    met: bool
    times_met: int
    instrument: str | None
    sheet_music_id: uuid.UUID | None
    piece_ids: list[uuid.UUID]


class GoalRevisionOut(Output):
    changed_at: datetime
    before: dict[str, Any]


class GoalDetail(GoalProgress):
    history: list[GoalRevisionOut]


class GoalMetOut(Output):
    goal_id: uuid.UUID
    title: str
    period_start: date
    met_at: datetime


def create_goal(session: Session, *, actor: Actor, data: GoalIn | Mapping[str, Any]) -> GoalDetail:
    wanted = _checked(session, parse(GoalIn, data))
    count = session.exec(
        select(func.count()).select_from(Goal).where(Goal.user_id == actor.id, col(Goal.is_active).is_(True))
    ).one()
    if count >= MAX_GOALS:
        raise InvalidInput("kind", _("you have {count} goals already; remove one first", count=MAX_GOALS))
    row = Goal(user_id=actor.id, starts_on=local_day(utcnow(), actor.timezone), **_values(wanted))
    session.add(row)
    session.flush()
    goals_may_have_moved(session, actor.id)
    return _detail(session, actor, row)


def update_goal(session: Session, *, actor: Actor, goal_id: uuid.UUID, data: GoalIn | Mapping[str, Any]) -> GoalDetail:
    """Change a goal; what it was is kept in its history."""
    wanted = _checked(session, parse(GoalIn, data))
    row = _own(session, actor, goal_id)
    session.add(GoalRevision(goal_id=row.id, before=_snapshot(row)))
    for name, value in _values(wanted).items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    goals_may_have_moved(session, actor.id)
    return _detail(session, actor, row)


def delete_goal(session: Session, *, actor: Actor, goal_id: uuid.UUID) -> None:
    row = _own(session, actor, goal_id)
    row.is_active = False
    row.updated_at = utcnow()
    session.add(row)


def get_goal(session: Session, *, actor: Actor, goal_id: uuid.UUID) -> GoalDetail:
    return _detail(session, actor, _own(session, actor, goal_id))


def list_goals(session: Session, *, actor: Actor, today: date | None = None) -> list[GoalProgress]:
    today = today or local_day(utcnow(), actor.timezone)
    week_begins = _week_begins(session, actor.id)
    return [_progress(session, actor, row, today, week_begins) for row in _active(session, actor.id)]


def goals_met(session: Session, *, actor: Actor, limit: int = 20) -> list[GoalMetOut]:
    """The achievements goals earned, latest first."""
    rows = session.exec(
        select(GoalMet, Goal)
        .join(Goal, col(Goal.id) == GoalMet.goal_id)
        .where(Goal.user_id == actor.id)
        .order_by(col(GoalMet.met_at).desc())
        .limit(limit)
    ).all()
    return [
        GoalMetOut(goal_id=goal.id, title=_title(session, goal), period_start=met.period_start, met_at=met.met_at)
        for met, goal in rows
    ]


def goals_may_have_moved(session: Session, user_id: uuid.UUID) -> None:
    """Check this user's goals just before the transaction commits (once, however many logs changed)."""
    before_commit(session, "goals", _check_pending)
    session.info.setdefault(PENDING_KEY, set()).add(user_id)


# Asked on every save: most musicians have no goal, and this built-once statement on the driver
# costs a tenth of the ORM query that loads the goals (0.6 ms of each save, under py-spy).
_HAS_ACTIVE_GOAL = (
    select(col(Goal.id)).where(col(Goal.user_id) == bindparam("user_id"), col(Goal.is_active).is_(True)).limit(1)
)


def _check_pending(session: Session) -> None:
    pending = sorted(session.info.pop(PENDING_KEY, set()))
    if pending:
        session.flush()  # the driver's query below does not flush the session as the ORM's would
    for user_id in pending:
        if not driver_rows(session, _HAS_ACTIVE_GOAL, {"user_id": driver_uuid(session, user_id)}):
            continue
        goals = _active(session, user_id)
        if not goals:
            continue
        user = session.get(User, user_id)
        if user is None:
            continue
        actor = Actor(id=user_id, timezone=user.timezone)
        today = local_day(utcnow(), user.timezone)
        week_begins = _week_begins(session, user_id)
        for goal in goals:
            progress = _progress(session, actor, goal, today, week_begins)
            if progress.met and session.get(GoalMet, (goal.id, progress.period_start)) is None:
                session.add(GoalMet(goal_id=goal.id, period_start=progress.period_start))
        session.flush()


# --- progress -------------------------------------------------------------------------------


def _period(goal: Goal, today: date, week_begins: str) -> tuple[date, date | None]:
    kind = GoalKind(goal.kind)
    if kind in (GoalKind.WEEKLY_MINUTES, GoalKind.INSTRUMENT_MINUTES):
        first = week_start(today, week_begins)
        return first, first + timedelta(days=6)
    if kind == GoalKind.PIECE_MINUTES:
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    return goal.starts_on, goal.due_on


def _progress(session: Session, actor: Actor, goal: Goal, today: date, week_begins: str) -> GoalProgress:
    kind = GoalKind(goal.kind)
    first, last = _period(goal, today, week_begins)
    logs = select(PracticeLog).where(
        PracticeLog.user_id == actor.id,
        col(PracticeLog.is_active).is_(True),
        col(PracticeLog.start_time) >= day_start(first, actor.timezone),
    )
    if last is not None:
        logs = logs.where(col(PracticeLog.start_time) < day_start(last + timedelta(days=1), actor.timezone))
    if kind == GoalKind.INSTRUMENT_MINUTES:
        logs = logs.where(PracticeLog.instrument == goal.instrument)
    if kind in PIECE_KINDS:
        logs = logs.where(PracticeLog.sheet_music_id == goal.sheet_music_id)
    if kind == GoalKind.PROGRAMME_MINUTES:
        logs = logs.where(col(PracticeLog.sheet_music_id).in_([uuid.UUID(p) for p in goal.piece_ids or []]))
    subquery = logs.subquery()
    if kind in TEMPO_KINDS:
        value = session.exec(select(func.max(subquery.c.tempo_practiced))).one() or 0
    else:
        value = (session.exec(select(func.sum(subquery.c.duration_seconds))).one() or 0) // 60
    times_met = session.exec(select(func.count()).select_from(GoalMet).where(GoalMet.goal_id == goal.id)).one()
    return GoalProgress(
        id=goal.id,
        kind=kind,
        title=_title(session, goal),
        target=goal.target,
        unit=_("BPM") if kind in TEMPO_KINDS else _("min"),
        value=int(value),
        percent=min(100, int(value) * 100 // goal.target),
        period_start=first,
        period_end=last,
        due_on=goal.due_on,
        met=value >= goal.target,
        times_met=times_met,
        instrument=goal.instrument,
        sheet_music_id=goal.sheet_music_id,
        piece_ids=[uuid.UUID(p) for p in goal.piece_ids or []],
    )


def _title(session: Session, goal: Goal) -> str:
    if goal.title:
        return goal.title
    kind = GoalKind(goal.kind)
    piece = session.get(SheetMusic, goal.sheet_music_id) if goal.sheet_music_id else None
    name = piece.title if piece else _("a piece")
    target = goal.target
    if kind == GoalKind.WEEKLY_MINUTES:
        return ngettext("{n} minute a week", "{n} minutes a week", target)
    if kind == GoalKind.INSTRUMENT_MINUTES:
        instrument = _instrument(goal.instrument)
        # Translators: {instrument} is the instrument's name as it reads inside a sentence ("guitar").
        return ngettext(
            "{n} minute a week of {instrument}", "{n} minutes a week of {instrument}", target, instrument=instrument
        )
    if kind == GoalKind.PIECE_TEMPO:
        # Translators: {piece} is the title of a piece.
        return _("{piece} at {target} BPM", piece=name, target=target)
    if kind == GoalKind.PIECE_MINUTES:
        # Translators: {piece} is the title of a piece.
        return ngettext("{n} minute of {piece} this month", "{n} minutes of {piece} this month", target, piece=name)
    return ngettext("{n} minute on the programme", "{n} minutes on the programme", target)


def _instrument(name: str | None) -> str:
    """An instrument's name inside a sentence ("120 minutes a week of guitar")."""
    if name == Instrument.PIANO:
        return pgettext("instrument inside a sentence", "piano")
    if name == Instrument.GUITAR:
        return pgettext("instrument inside a sentence", "guitar")
    return str(name)


# --- the pieces --------------------------------------------------------------------------------


def _checked(session: Session, wanted: GoalIn) -> GoalIn:
    kind = wanted.kind
    if kind == GoalKind.INSTRUMENT_MINUTES and wanted.instrument is None:
        raise InvalidInput("instrument", _("is required for a goal on one instrument"))
    if kind in PIECE_KINDS:
        piece = session.get(SheetMusic, wanted.sheet_music_id) if wanted.sheet_music_id else None
        if piece is None or not piece.is_active:
            raise InvalidInput("sheetMusicId", _("name a piece of the catalogue for this goal"))
    if kind == GoalKind.PROGRAMME_MINUTES:
        ids = list(dict.fromkeys(wanted.piece_ids or []))
        found = session.exec(
            select(func.count()).select_from(SheetMusic).where(col(SheetMusic.id).in_(ids), col(SheetMusic.is_active))
        ).one()
        if not ids or found != len(ids):
            raise InvalidInput("pieceIds", _("name one or more pieces of the catalogue for the programme"))
    if kind in DATED_KINDS and wanted.due_on is None:
        raise InvalidInput("dueOn", _("is required: by when?"))
    if kind in TEMPO_KINDS and wanted.target > 400:
        raise InvalidInput("target", _("a tempo is at most 400 BPM"))
    return wanted


def _values(wanted: GoalIn) -> dict[str, Any]:
    kind = wanted.kind
    return {
        "kind": kind.value,
        "target": wanted.target,
        "title": wanted.title,
        "instrument": wanted.instrument.value if wanted.instrument and kind == GoalKind.INSTRUMENT_MINUTES else None,
        "sheet_music_id": wanted.sheet_music_id if kind in PIECE_KINDS else None,
        "piece_ids": [str(p) for p in dict.fromkeys(wanted.piece_ids or [])]
        if kind == GoalKind.PROGRAMME_MINUTES
        else None,
        "due_on": wanted.due_on if kind in DATED_KINDS or wanted.due_on else None,
    }


def _snapshot(row: Goal) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "title": row.title,
        "target": row.target,
        "instrument": row.instrument,
        "sheetMusicId": str(row.sheet_music_id) if row.sheet_music_id else None,
        "pieceIds": list(row.piece_ids or []),
        "dueOn": row.due_on.isoformat() if row.due_on else None,
        "since": row.updated_at.isoformat(),
    }


def _week_begins(session: Session, user_id: uuid.UUID) -> str:
    # Read here rather than through services.users, which imports the progress rules this module feeds.
    user = session.get(User, user_id)
    return str(((user.preferences if user else None) or {}).get("weekStartsOn") or "monday")


def _own(session: Session, actor: Actor, goal_id: uuid.UUID) -> Goal:
    row = session.get(Goal, goal_id)
    if row is None or row.user_id != actor.id or not row.is_active:
        raise NotFound(_("No goal of yours has this id."))
    return row


def _active(session: Session, user_id: uuid.UUID) -> list[Goal]:
    return list(
        session.exec(
            select(Goal).where(Goal.user_id == user_id, col(Goal.is_active).is_(True)).order_by(col(Goal.created_at))
        ).all()
    )


def _detail(session: Session, actor: Actor, row: Goal) -> GoalDetail:
    today = local_day(utcnow(), actor.timezone)
    progress = _progress(session, actor, row, today, _week_begins(session, actor.id))
    history = session.exec(
        select(GoalRevision).where(GoalRevision.goal_id == row.id).order_by(col(GoalRevision.changed_at).desc())
    ).all()
    return GoalDetail(
        **progress.model_dump(),
        history=[GoalRevisionOut(changed_at=h.changed_at, before=h.before) for h in history],
    )
