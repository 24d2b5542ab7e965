"""Practice logs: record what was practised, correct it, look back on it, remove and restore it.

Creating a log is idempotent by its id: a client that retries with the same id and the same
content gets the first log back, and a different content under a known id is a conflict.
Edits carry the version they were based on, so a stale edit is refused instead of silently
overwriting a newer one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from core import effects
from core.i18n import _
from core.models import Instrument, PracticeLog, PracticeSession, SheetMusic, User, utcnow
from services import takes
from services.actor import Actor
from services.errors import Conflict, InvalidInput, NotFound
from services.log_insert import insert_new
from services.practice_shapes import (
    LogFields,
    LogIn,
    LogOut,
    LogQuery,
    LogUpdate,
    PieceRef,
    QuickLogIn,
    SavedLog,
)
from services.progress_tracking import Touched, progress_changed
from services.repertoire import refresh_piece_stats
from services.validation import Page, page_of, parse

# Browsers correct their clock by the server's (components/static/mirubato-offline.js); what is
# left is a few seconds of drift, or a clock changed while offline: minutes are plenty.
FUTURE_TOLERANCE = timedelta(minutes=15)
EARLIEST = datetime(1900, 1, 1, tzinfo=ZoneInfo("UTC"))
MAX_SPAN = timedelta(hours=48)


def log_practice(session: Session, *, actor: Actor, data: LogIn | Mapping[str, Any]) -> SavedLog:
    """Record one stretch of practice; a repeat of an earlier create returns that log."""
    log_in = parse(LogIn, data)
    values = complete(session, actor, log_in)
    row = PracticeLog(user_id=actor.id, **values)
    if log_in.id is not None:
        row.id = log_in.id
    if not insert_new(session, row):
        existing = session.get(PracticeLog, row.id)
        if existing is None:  # removed for good between our insert and this read
            raise Conflict(_("This log id is already in use; the app must make a new one."))
        return _replay(existing, actor, log_in, values)
    _pieces_changed(session, row, appended=True)
    return SavedLog(log=LogOut.model_validate(row), created=True)


def quick_log(session: Session, *, actor: Actor, data: QuickLogIn | Mapping[str, Any]) -> SavedLog:
    """The quick log: an activity and a duration ending now (or at ``endTime``)."""
    quick = parse(QuickLogIn, data)
    piece = quick.piece or PieceRef()
    given = {
        "id": quick.id,
        "activity_type": quick.activity_type,
        "duration_seconds": quick.duration,
        "end_time": quick.end_time,
        "instrument": quick.instrument,
        "sheet_music_id": quick.sheet_music_id,
        "composer": piece.composer,
        "work_title": piece.title,
        "movement_section": piece.section,
        "tempo_practiced": quick.tempo,
        "self_rating": quick.self_rating,
        "practice_notes": quick.notes,
    }
    return log_practice(session, actor=actor, data=LogIn(**{k: v for k, v in given.items() if v is not None}))


def update_log(session: Session, *, actor: Actor, log_id: uuid.UUID, data: LogUpdate | Mapping[str, Any]) -> LogOut:
    """Replace a log's content; its start time and instrument stay unless given."""
    update = parse(LogUpdate, data)
    row = own_log(session, actor, log_id, for_update=True)
    check_version(row, update.version)
    kept = {name: getattr(row, name) for name in ("start_time", "instrument") if name not in update.model_fields_set}
    previous_piece, previous = row.sheet_music_id, Touched.of(row)
    for name, value in complete(session, actor, update.model_copy(update=kept)).items():
        setattr(row, name, value)
    _bump(row)
    _pieces_changed(session, row, previous_piece, was=previous)
    return LogOut.model_validate(row)


def delete_log(session: Session, *, actor: Actor, log_id: uuid.UUID, version: int | None = None) -> None:
    """Remove a log (it can be restored, but not its recorded takes: a recording goes with its log,
    as a musician deleting a log expects); deleting a removed log again changes nothing."""
    row = own_log(session, actor, log_id, for_update=True, include_removed=True)
    if not row.is_active:
        return
    check_version(row, version)
    row.is_active = False
    takes.erase_with_logs(session, [row.id])
    _bump(row)
    _pieces_changed(session, row)


def restore_log(session: Session, *, actor: Actor, log_id: uuid.UUID) -> LogOut:
    """Bring back a removed log (the undo of delete)."""
    row = own_log(session, actor, log_id, for_update=True, include_removed=True)
    if not row.is_active:
        row.is_active = True
        _bump(row)
        _pieces_changed(session, row)
    return LogOut.model_validate(row)


def get_log(session: Session, *, actor: Actor, log_id: uuid.UUID) -> LogOut:
    """One of the actor's own logs."""
    return LogOut.model_validate(own_log(session, actor, log_id))


def list_logs(session: Session, *, actor: Actor, query: LogQuery | Mapping[str, Any]) -> Page[LogOut]:
    """The actor's logs matching the filters, newest first; days are the actor's local days."""
    q = parse(LogQuery, query)
    if q.date_from and q.date_to and q.date_from > q.date_to:
        raise InvalidInput("from", _("must not be after 'to'"))
    conditions = _log_conditions(actor, q)
    total = session.exec(select(func.count()).select_from(PracticeLog).where(*conditions)).one()
    rows = session.exec(
        select(PracticeLog)
        .where(*conditions)
        .order_by(col(PracticeLog.start_time).desc(), col(PracticeLog.id).desc())
        .limit(q.limit)
        .offset(q.offset)
    ).all()
    return page_of([LogOut.model_validate(r) for r in rows], total=total, limit=q.limit, offset=q.offset)


def own_log(
    session: Session, actor: Actor, log_id: uuid.UUID, *, for_update: bool = False, include_removed: bool = False
) -> PracticeLog:
    """The actor's log, or NotFound (also when it belongs to someone else: no existence leak)."""
    row = session.get(PracticeLog, log_id, with_for_update=for_update or None)
    if row is None or row.user_id != actor.id or not (row.is_active or include_removed):
        raise NotFound(_("No practice log with this id."))
    return row


def check_version(row: PracticeLog, based_on: int | None) -> None:
    if based_on is not None and based_on != row.version:
        raise Conflict(
            _(
                "This log was changed elsewhere after you opened it (you had version {based_on}, "
                "it is now version {current}).",
                based_on=based_on,
                current=row.version,
            )
        )


def complete(session: Session, actor: Actor, fields: LogFields) -> dict[str, Any]:
    """Column values for a log: defaults filled in, times and references checked."""
    values = fields.model_dump(exclude={"id", "version"})
    values["instrument"] = values["instrument"] or default_instrument(session, actor)
    _resolve_times(values)
    _resolve_accuracy(values)
    _resolve_references(session, actor, values)
    return {name: getattr(value, "value", value) for name, value in values.items()}


def _resolve_times(values: dict[str, Any]) -> None:
    start, end, duration = values["start_time"], values["end_time"], values["duration_seconds"]
    if duration is None:
        if start is None or end is None:
            raise InvalidInput("durationSeconds", _("is required unless both startTime and endTime are given"))
        duration = int((end - start).total_seconds())
        if duration < 1:
            raise InvalidInput("endTime", _("must be after startTime"))
    if start is None:
        end = end or utcnow()
        start = end - timedelta(seconds=duration)
    elif end is None:
        end = start + timedelta(seconds=duration)
    if end < start:
        raise InvalidInput("endTime", _("must not be before startTime"))
    span = end - start
    if span > MAX_SPAN:
        raise InvalidInput("endTime", _("must be within 48 hours of startTime"))
    if duration > span.total_seconds() + 1:
        raise InvalidInput(
            "durationSeconds", _("is longer than the {seconds} s from start to end", seconds=int(span.total_seconds()))
        )
    if start > utcnow() + FUTURE_TOLERANCE:
        raise InvalidInput("startTime", _("is in the future; check the date, the time and the device's clock"))
    if start < EARLIEST:
        raise InvalidInput("startTime", _("must be after 1900"))
    values.update(start_time=start, end_time=end, duration_seconds=duration)


def _resolve_accuracy(values: dict[str, Any]) -> None:
    played, correct = values["notes_played"], values["notes_correct"]
    if correct is None:
        return
    if played is None:
        raise InvalidInput("notesPlayed", _("is required when notesCorrect is given"))
    if correct > played:
        raise InvalidInput("notesCorrect", _("cannot be more than notesPlayed"))
    if values["accuracy_percentage"] is None and played > 0:
        values["accuracy_percentage"] = round(100 * correct / played, 1)


def _resolve_references(session: Session, actor: Actor, values: dict[str, Any]) -> None:
    if values["session_id"] is not None:
        practice_session = session.get(PracticeSession, values["session_id"])
        if practice_session is None or practice_session.user_id != actor.id:
            raise InvalidInput("sessionId", _("no practice session of yours has this id"))
    if values["sheet_music_id"] is not None:
        piece = session.get(SheetMusic, values["sheet_music_id"])
        if piece is None or not piece.is_active:
            raise InvalidInput("sheetMusicId", _("no piece in the catalogue has this id"))
        values["composer"] = values["composer"] or piece.composer
        values["work_title"] = values["work_title"] or piece.title
        values["opus_number"] = values["opus_number"] or piece.catalog_number or piece.opus


def default_instrument(session: Session, actor: Actor) -> str:
    user = session.get(User, actor.id)
    preferred = (user.preferences or {}).get("defaultInstrument") if user else None
    return preferred or (user.primary_instrument if user else None) or Instrument.PIANO.value


def _replay(existing: PracticeLog, actor: Actor, log_in: LogIn, values: dict[str, Any]) -> SavedLog:
    if existing.user_id != actor.id:
        raise Conflict(_("This log id is already in use; the app must make a new one."))
    # Only what the client sent is compared: defaults such as "now" differ on every retry.
    sent = log_in.model_fields_set - {"id"}
    if any(getattr(existing, name) != values[name] for name in sent):
        raise Conflict(_("A different practice log with this id already exists."))
    return SavedLog(log=LogOut.model_validate(existing), created=False)


def _pieces_changed(
    session: Session,
    row: PracticeLog,
    *also: uuid.UUID | None,
    appended: bool = False,
    was: Touched | None = None,
) -> None:
    """Keep the per-piece statistics of the repertoire, the user's days and progress in step with the logs
    (``also``: the piece the log named before; ``was``: the log before an edit)."""
    session.flush()
    touched = [Touched.of(row)] if was is None else [Touched.of(row), was]
    progress_changed(session, row.user_id, appended=row if appended else None, touched=touched)
    effects.record(session, effects.LogsChanged(row.user_id))  # open pages refresh after the commit
    for piece_id in {row.sheet_music_id, *also}:
        if piece_id is not None:
            refresh_piece_stats(session, row.user_id, piece_id)


def _bump(row: PracticeLog) -> None:
    row.version += 1
    row.updated_at = utcnow()


def _log_conditions(actor: Actor, q: LogQuery) -> list[Any]:
    conditions: list[Any] = [PracticeLog.user_id == actor.id, col(PracticeLog.is_active).is_(True)]
    zone = ZoneInfo(actor.timezone)
    if q.date_from:
        conditions.append(col(PracticeLog.start_time) >= datetime.combine(q.date_from, time(), zone))
    if q.date_to:
        conditions.append(col(PracticeLog.start_time) < datetime.combine(q.date_to + timedelta(days=1), time(), zone))
    if q.activity_type:
        conditions.append(col(PracticeLog.activity_type).in_([a.value for a in q.activity_type]))
    if q.instrument:
        conditions.append(PracticeLog.instrument == q.instrument.value)
    if q.sheet_music_id:
        conditions.append(PracticeLog.sheet_music_id == q.sheet_music_id)
    if q.session_id:
        conditions.append(PracticeLog.session_id == q.session_id)
    if q.q:
        pattern = f"%{q.q.replace('%', '').replace('_', ' ')}%"
        conditions.append(or_(col(PracticeLog.work_title).ilike(pattern), col(PracticeLog.composer).ilike(pattern)))
    return conditions
