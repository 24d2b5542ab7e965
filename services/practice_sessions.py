"""Practice sessions: one sitting at the instrument, wrapping the logs made during it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from core.i18n import _
from core.models import ActivityType, Instrument, PracticeLog, PracticeSession, SessionType, utcnow
from services.actor import Actor
from services.errors import Conflict, InvalidInput, NotFound
from services.practice_logs import FUTURE_TOLERANCE, default_instrument
from services.validation import Input, LongText, Offset, Output, Page, page_of, parse

MAX_SESSION = timedelta(hours=24)


class SessionStart(Input):
    session_type: SessionType = SessionType.FREE_PRACTICE
    instrument: Instrument | None = None
    start_time: AwareDatetime | None = Field(default=None, description="Defaults to now")
    notes: LongText | None = None


class SessionEnd(Input):
    end_time: AwareDatetime | None = Field(default=None, description="Defaults to now")
    notes: LongText | None = None


class SessionQuery(Input):
    date_from: date | None = Field(default=None, alias="from")
    date_to: date | None = Field(default=None, alias="to")
    limit: int = Field(default=50, ge=1, le=200)
    offset: Offset = 0


class SessionOut(Output):
    id: uuid.UUID
    session_date: date
    start_time: datetime
    end_time: datetime | None
    duration_seconds: int | None
    session_type: SessionType | None
    instrument: Instrument | None
    total_exercises: int
    completed_exercises: int
    accuracy_percentage: float | None
    notes: str | None
    created_at: datetime


class SessionSummary(SessionOut):
    """A session with what was logged in it."""

    practiced_seconds: int
    seconds_by_activity: dict[ActivityType, int]
    log_ids: list[uuid.UUID]


def start_session(session: Session, *, actor: Actor, data: SessionStart | Mapping[str, Any]) -> SessionOut:
    """Begin a sitting; a session left open (e.g. on a phone that died) is closed first."""
    start = parse(SessionStart, data)
    begins = start.start_time or utcnow()
    if begins > utcnow() + FUTURE_TOLERANCE:
        raise InvalidInput("startTime", _("is too far in the future; check the device's clock"))
    for stale in session.exec(_open_sessions(actor)).all():
        _close(session, stale, ends=max(_last_log_end(session, stale) or stale.start_time, stale.start_time))
    row = PracticeSession(
        user_id=actor.id,
        session_date=begins.astimezone(ZoneInfo(actor.timezone)).date(),
        start_time=begins,
        session_type=start.session_type.value,
        instrument=(start.instrument.value if start.instrument else default_instrument(session, actor)),
        notes=start.notes,
    )
    session.add(row)
    session.flush()
    return SessionOut.model_validate(row)


def end_session(
    session: Session, *, actor: Actor, session_id: uuid.UUID, data: SessionEnd | Mapping[str, Any]
) -> SessionSummary:
    """Finish a sitting: its duration and statistics are computed from the logs in it."""
    end = parse(SessionEnd, data)
    row = _own_session(session, actor, session_id, for_update=True)
    if row.end_time is not None:
        raise Conflict(_("This practice session has already ended."))
    ends = end.end_time or utcnow()
    if ends < row.start_time:
        raise InvalidInput("endTime", _("must not be before the session's start"))
    if ends - row.start_time > MAX_SESSION:
        raise InvalidInput("endTime", _("must be within 24 hours of the session's start"))
    if end.notes is not None:
        row.notes = end.notes
    _close(session, row, ends=ends)
    return _summary(session, row)


def get_session(session: Session, *, actor: Actor, session_id: uuid.UUID) -> SessionSummary:
    """One of the actor's sessions with what was logged in it."""
    return _summary(session, _own_session(session, actor, session_id))


def list_sessions(session: Session, *, actor: Actor, query: SessionQuery | Mapping[str, Any]) -> Page[SessionOut]:
    """The actor's sessions, newest first, by local day."""
    q = parse(SessionQuery, query)
    if q.date_from and q.date_to and q.date_from > q.date_to:
        raise InvalidInput("from", _("must not be after 'to'"))
    conditions: list[Any] = [PracticeSession.user_id == actor.id]
    if q.date_from:
        conditions.append(col(PracticeSession.session_date) >= q.date_from)
    if q.date_to:
        conditions.append(col(PracticeSession.session_date) <= q.date_to)
    total = session.exec(select(func.count()).select_from(PracticeSession).where(*conditions)).one()
    rows = session.exec(
        select(PracticeSession)
        .where(*conditions)
        .order_by(col(PracticeSession.start_time).desc(), col(PracticeSession.id))
        .limit(q.limit)
        .offset(q.offset)
    ).all()
    return page_of([SessionOut.model_validate(r) for r in rows], total=total, limit=q.limit, offset=q.offset)


def _close(session: Session, row: PracticeSession, *, ends: datetime) -> None:
    logs = _session_logs(session, row)
    row.end_time = ends
    row.duration_seconds = int((ends - row.start_time).total_seconds())
    row.total_exercises = len(logs)
    # A log "completes" its exercise unless it set a tempo goal it did not reach.
    row.completed_exercises = sum(
        1 for log in logs if not (log.target_tempo and (log.tempo_practiced or 0) < log.target_tempo)
    )
    accuracies = [log.accuracy_percentage for log in logs if log.accuracy_percentage is not None]
    row.accuracy_percentage = round(sum(accuracies) / len(accuracies), 1) if accuracies else None
    row.updated_at = utcnow()
    session.add(row)
    session.flush()


def _summary(session: Session, row: PracticeSession) -> SessionSummary:
    logs = _session_logs(session, row)
    by_activity: dict[ActivityType, int] = {}
    for log in logs:
        activity = ActivityType(log.activity_type)
        by_activity[activity] = by_activity.get(activity, 0) + (log.duration_seconds or 0)
    return SessionSummary.model_validate(
        {
            **SessionOut.model_validate(row).model_dump(),
            "practiced_seconds": sum(by_activity.values()),
            "seconds_by_activity": by_activity,
            "log_ids": [log.id for log in logs],
        }
    )


def _session_logs(session: Session, row: PracticeSession) -> list[PracticeLog]:
    return list(
        session.exec(
            select(PracticeLog)
            .where(PracticeLog.session_id == row.id, col(PracticeLog.is_active).is_(True))
            .order_by(col(PracticeLog.start_time))
        ).all()
    )


def _last_log_end(session: Session, row: PracticeSession) -> datetime | None:
    return session.exec(select(func.max(PracticeLog.end_time)).where(PracticeLog.session_id == row.id)).one()


def _open_sessions(actor: Actor) -> Any:
    return select(PracticeSession).where(PracticeSession.user_id == actor.id, col(PracticeSession.end_time).is_(None))


def _own_session(session: Session, actor: Actor, session_id: uuid.UUID, *, for_update: bool = False) -> PracticeSession:
    row = session.get(PracticeSession, session_id, with_for_update=for_update or None)
    if row is None or row.user_id != actor.id:
        raise NotFound(_("No practice session with this id."))
    return row
