"""Repertoire: the pieces a musician works on, their status, and what the logs say about each.

Per-piece statistics (times practised, best tempo, accuracy) are recomputed from the logs
whenever a log of that piece is saved, edited, removed or restored, so they can never drift.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.i18n import _
from core.models import ActivityType, PracticeLog, RepertoireStatus, SheetMusic, UserSheetMusicProgress, utcnow
from services.actor import Actor
from services.errors import NotFound
from services.practice_shapes import Tempo
from services.validation import Input, LongText, Output, parse


class PieceActivity(Output):
    """One musician's relation to one piece: flags, repertoire status, and practice statistics."""

    piece_id: uuid.UUID
    in_repertoire: bool = False
    status: RepertoireStatus | None = None
    target_tempo: int | None = None
    notes: str | None = None
    is_starred: bool = False
    is_bookmarked: bool = False
    times_practiced: int = 0
    best_tempo: int | None = None
    best_accuracy: float | None = None
    average_accuracy: float | None = None
    first_attempted_at: datetime | None = None
    last_attempted_at: datetime | None = None


class RepertoireItem(PieceActivity):
    title: str
    composer: str | None
    catalog_number: str | None
    instrument: str
    difficulty_level: int | None
    suggested_tempo: int | None


class RepertoireChange(Input):
    status: RepertoireStatus = RepertoireStatus.LEARNING
    target_tempo: Tempo | None = None
    notes: LongText | None = None


class Flags(Input):
    is_starred: bool | None = None
    is_bookmarked: bool | None = None


class TimelinePoint(Output):
    log_id: uuid.UUID
    start_time: datetime
    duration_seconds: int | None
    activity_type: ActivityType
    tempo_practiced: int | None
    target_tempo: int | None
    accuracy_percentage: float | None
    self_rating: int | None


def list_repertoire(session: Session, *, actor: Actor, status: RepertoireStatus | None = None) -> list[RepertoireItem]:
    """The actor's repertoire, most recently practised first."""
    query = (
        select(UserSheetMusicProgress, SheetMusic)
        .join(SheetMusic, col(SheetMusic.id) == UserSheetMusicProgress.sheet_music_id)
        .where(UserSheetMusicProgress.user_id == actor.id, col(UserSheetMusicProgress.in_repertoire).is_(True))
        .order_by(col(UserSheetMusicProgress.last_attempted_at).desc(), col(SheetMusic.title))
    )
    if status is not None:
        query = query.where(UserSheetMusicProgress.status == status.value)
    return [_item(row, piece) for row, piece in session.exec(query).all()]


def piece_activity(session: Session, *, actor: Actor, piece_id: uuid.UUID) -> PieceActivity:
    """The actor's history with a piece (empty when they never touched it)."""
    _piece(session, piece_id)
    row = _row(session, actor, piece_id)
    return _activity(row) if row else PieceActivity(piece_id=piece_id)


def add_to_repertoire(
    session: Session, *, actor: Actor, piece_id: uuid.UUID, data: RepertoireChange | Mapping[str, Any] | None = None
) -> RepertoireItem:
    """Put a piece in the repertoire (or change its status, target tempo and notes)."""
    change = parse(RepertoireChange, data or {})
    piece = _piece(session, piece_id)
    row = _row(session, actor, piece_id) or _new_row(session, actor, piece_id)
    row.in_repertoire = True
    row.status = change.status.value
    row.target_tempo = change.target_tempo if change.target_tempo is not None else row.target_tempo
    row.notes = change.notes if "notes" in change.model_fields_set else row.notes
    row.is_completed = change.status == RepertoireStatus.POLISHED
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return _item(row, piece)


def remove_from_repertoire(session: Session, *, actor: Actor, piece_id: uuid.UUID) -> None:
    """Take a piece off the repertoire list; its practice history stays."""
    row = _row(session, actor, piece_id)
    if row is None or not row.in_repertoire:
        raise NotFound(_("This piece is not in your repertoire."))
    row.in_repertoire, row.status, row.updated_at = False, None, utcnow()


def set_flags(session: Session, *, actor: Actor, piece_id: uuid.UUID, data: Flags | Mapping[str, Any]) -> PieceActivity:
    """Star or bookmark a piece (or undo either)."""
    flags = parse(Flags, data)
    _piece(session, piece_id)
    row = _row(session, actor, piece_id) or _new_row(session, actor, piece_id)
    if flags.is_starred is not None:
        row.is_starred = flags.is_starred
    if flags.is_bookmarked is not None:
        row.is_bookmarked = flags.is_bookmarked
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return _activity(row)


def piece_timeline(session: Session, *, actor: Actor, piece_id: uuid.UUID) -> list[TimelinePoint]:
    """Every practice of the piece by the actor, oldest first (for the per-piece timeline)."""
    logs = session.exec(
        select(PracticeLog)
        .where(
            PracticeLog.user_id == actor.id,
            PracticeLog.sheet_music_id == piece_id,
            col(PracticeLog.is_active).is_(True),
        )
        .order_by(col(PracticeLog.start_time))
    ).all()
    return [TimelinePoint.model_validate({**log.model_dump(), "log_id": log.id}) for log in logs]


def refresh_piece_stats(session: Session, user_id: uuid.UUID, piece_id: uuid.UUID) -> None:
    """Recompute a piece's statistics for a user from their active logs of it."""
    logs = select(  # type: ignore[call-overload]  # sqlmodel types select() for at most four columns
        func.count(),
        func.max(col(PracticeLog.tempo_practiced)),
        func.max(col(PracticeLog.accuracy_percentage)),
        func.avg(col(PracticeLog.accuracy_percentage)),
        func.min(col(PracticeLog.start_time)),
        func.max(col(PracticeLog.end_time)),
    ).where(
        col(PracticeLog.user_id) == user_id,
        col(PracticeLog.sheet_music_id) == piece_id,
        col(PracticeLog.is_active).is_(True),
    )
    count, best_tempo, best_accuracy, average_accuracy, first, last = session.exec(logs).one()
    row = session.exec(
        select(UserSheetMusicProgress).where(
            UserSheetMusicProgress.user_id == user_id, UserSheetMusicProgress.sheet_music_id == piece_id
        )
    ).first()
    if row is None:
        if not count:
            return
        row = UserSheetMusicProgress(user_id=user_id, sheet_music_id=piece_id)
    row.times_practiced = int(count)
    row.best_tempo = best_tempo
    row.best_accuracy = best_accuracy
    row.average_accuracy = round(float(average_accuracy), 1) if average_accuracy is not None else None
    row.first_attempted_at, row.last_attempted_at = first, last
    row.updated_at = utcnow()
    session.add(row)


def _piece(session: Session, piece_id: uuid.UUID) -> SheetMusic:
    piece = session.get(SheetMusic, piece_id)
    if piece is None or not piece.is_active:
        raise NotFound(_("No piece with this id in the catalogue."))
    return piece


def _row(session: Session, actor: Actor, piece_id: uuid.UUID) -> UserSheetMusicProgress | None:
    return session.exec(
        select(UserSheetMusicProgress).where(
            UserSheetMusicProgress.user_id == actor.id, UserSheetMusicProgress.sheet_music_id == piece_id
        )
    ).first()


def _new_row(session: Session, actor: Actor, piece_id: uuid.UUID) -> UserSheetMusicProgress:
    row = UserSheetMusicProgress(
        user_id=actor.id, sheet_music_id=piece_id, times_practiced=0, first_attempted_at=None, last_attempted_at=None
    )
    session.add(row)
    return row


def _activity(row: UserSheetMusicProgress) -> PieceActivity:
    return PieceActivity.model_validate({**row.model_dump(), "piece_id": row.sheet_music_id})


def _item(row: UserSheetMusicProgress, piece: SheetMusic) -> RepertoireItem:
    return RepertoireItem.model_validate(
        {
            **row.model_dump(),
            "piece_id": piece.id,
            "title": piece.title,
            "composer": piece.composer,
            "catalog_number": piece.catalog_number or piece.opus,
            "instrument": piece.instrument,
            "difficulty_level": piece.difficulty_level,
            "suggested_tempo": piece.suggested_tempo,
        }
    )
