"""Recorded takes: uploaded in resumable chunks, checked to be audio, kept with a practice log.

A device makes each take's id, so an upload retried after a dropped connection, a reload or a
restarted server lands on the same row and is applied once. Bytes arrive in order: a chunk
must start where the upload stands (else 409 with the offset to go on from). The first chunk
is sniffed (the container's magic bytes, never the name or the content type); when the last
byte arrives, the duration is read from the stored file, and only then is the take ``ready``:
a half-finished upload is never listed or played.

Who may hear a take: its owner, and a teacher while the owner's share with them is active;
this is checked on every request, byte ranges included, so a revoked share stops playback at
the next request.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from core import effects
from core.effects import AfterCommit
from core.i18n import N_, _, ngettext
from core.models import PracticeLog, Take, TakeStatus, User, utcnow
from services import sharing
from services.actor import Actor
from services.adapters.take_store import TakeStore
from services.audio_probe import by_name as sniffed
from services.audio_probe import duration_ms, sniff
from services.errors import InvalidInput, NotFound, OffsetMismatch, TooLarge
from services.validation import Input, Output, parse

MAX_CHUNK = 1024 * 1024  # bytes per upload request; the browser sends 256 KiB
SNIFF_BYTES = 4096
READ_PIECE = 256 * 1024  # a range is streamed in pieces of this size, each read on its own
MB = 1_000_000
ABANDONED_AFTER = timedelta(days=7)  # a device offline for a week still resumes; older uploads are dropped
NOT_FOUND = N_("No take with this id.")


@dataclass(frozen=True)
class TakeShelf:
    """Where takes live and how big they may be, from the deployment's settings."""

    store: TakeStore
    max_bytes: int = 100 * MB
    quota_bytes: int = 500 * MB
    max_ms: int = 20 * 60 * 1000

    @property
    def max_minutes(self) -> int:
        return self.max_ms // 60_000


class TakeIn(Input):
    log_id: uuid.UUID = Field(description="The practice log the take belongs to (made by the device too)")
    name: str = Field(default="Take", min_length=1, max_length=100)
    size_bytes: int = Field(ge=1, description="The whole file's size; the upload is complete when all arrived")
    peaks: list[int] = Field(
        default_factory=list, max_length=400, description="The waveform: up to 400 levels 0-255, made once"
    )

    def model_post_init(self, _context: Any) -> None:
        if any(not 0 <= level <= 255 for level in self.peaks):
            raise InvalidInput("peaks", _("each level must be between 0 and 255"))


class TakeRename(Input):
    name: str = Field(min_length=1, max_length=100)


class UploadState(Output):
    id: uuid.UUID
    log_id: uuid.UUID
    status: TakeStatus
    received_bytes: int
    size_bytes: int


class TakeOut(Output):
    id: uuid.UUID
    log_id: uuid.UUID
    name: str
    mime: str
    size_bytes: int
    duration_ms: int
    peaks: list[int]
    created_at: datetime
    mine: bool = False


class Refusal(Output):
    """An upload refused for what its bytes turned out to be; nothing of it is kept."""

    status: int
    detail: str


class Usage(Output):
    used_bytes: int
    quota_bytes: int
    takes: int


@dataclass(frozen=True)
class Playable:
    """What a range request needs: checked for the actor at the moment of the request."""

    id: uuid.UUID
    mime: str
    size: int


def begin_upload(
    session: Session, *, actor: Actor, take_id: uuid.UUID, data: TakeIn | Mapping[str, Any], shelf: TakeShelf
) -> UploadState:
    """Start (or find again) the upload of a take; the same id sent twice is the same take."""
    take_in = parse(TakeIn, data)
    existing = session.get(Take, take_id)
    if existing is not None:
        if existing.user_id != actor.id or existing.log_id != take_in.log_id:
            raise NotFound(_(NOT_FOUND))  # a take id made by another device for another log, or a guess
        return _state(existing)
    log = session.get(PracticeLog, take_in.log_id)
    if log is None or log.user_id != actor.id or not log.is_active:
        raise NotFound(_("No practice log with this id: it was deleted, or it has not been synced yet."))
    if take_in.size_bytes > shelf.max_bytes:
        raise TooLarge(
            _(
                "A take can be at most {limit}; this one is {size}.",
                limit=_mb(shelf.max_bytes),
                size=_mb(take_in.size_bytes),
            )
        )
    _forget_abandoned(session, actor.id)
    used = _used_bytes(session, actor.id)
    if used + take_in.size_bytes > shelf.quota_bytes:
        raise TooLarge(
            _(
                "Your recordings are full: {used} of {quota} used, and this take needs {size}. "
                "Delete older takes to make room.",
                used=_mb(used),
                quota=_mb(shelf.quota_bytes),
                size=_mb(take_in.size_bytes),
            )
        )
    row = Take(
        id=take_id, user_id=actor.id, log_id=log.id, name=take_in.name, size_bytes=take_in.size_bytes,
        peaks=take_in.peaks or None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return _state(row)


def upload_state(session: Session, *, actor: Actor, take_id: uuid.UUID) -> UploadState:
    """How far an upload got: where the device resumes after a reload or a dropped connection."""
    return _state(_own(session, actor, take_id))


def append_chunk(
    session: Session, *, actor: Actor, take_id: uuid.UUID, offset: int, data: bytes, shelf: TakeShelf
) -> UploadState | Refusal:
    """Keep the bytes at ``offset``; the last chunk completes the take, once the file proves to be audio.

    A file that proves not to be audio is a :class:`Refusal`, not an exception: its row is deleted in
    this transaction, which must commit for nothing of it to stay.
    """
    row = _own(session, actor, take_id, lock=True)
    if row.status == TakeStatus.READY.value:
        if offset + len(data) <= row.size_bytes:
            return _state(row)  # a repeat of a chunk already applied: nothing changes
        raise OffsetMismatch(_("This take is complete."), row.size_bytes)
    if offset != row.received_bytes:
        raise OffsetMismatch(
            _(
                "This chunk starts at byte {offset}, but the upload stands at byte {received}: send from there.",
                offset=offset,
                received=row.received_bytes,
            ),
            row.received_bytes,
        )
    if not data:
        raise InvalidInput("body", _("the chunk is empty"))
    if len(data) > MAX_CHUNK:
        raise TooLarge(_("A chunk can be at most {size} KiB.", size=MAX_CHUNK // 1024))
    if offset + len(data) > row.size_bytes:
        raise InvalidInput("body", _("the chunk goes past the take's size of {size} bytes", size=row.size_bytes))
    refusal = _check_head(row, data) if offset == 0 else None
    if refusal is not None:
        return _refuse(session, row, refusal)
    shelf.store.write(session, row.id, offset, data)
    row.received_bytes = offset + len(data)
    if row.received_bytes == row.size_bytes and (refusal := _complete(session, row, shelf)) is not None:
        return _refuse(session, row, refusal)
    session.add(row)
    session.flush()
    return _state(row)


def takes_of_log(session: Session, *, actor: Actor, log_id: uuid.UUID) -> list[TakeOut]:
    """The log's finished takes, for its owner or a teacher the owner shares with."""
    log = session.get(PracticeLog, log_id)
    if log is None or not log.is_active or not _may_hear(session, actor, log.user_id):
        raise NotFound(_("No practice log with this id."))
    rows = session.exec(
        select(Take)
        .where(col(Take.log_id) == log_id, col(Take.status) == TakeStatus.READY.value)
        .order_by(col(Take.created_at))
    )
    return [_out(row, actor) for row in rows]


def counts_by_log(
    session: Session, *, actor: Actor, owner_id: uuid.UUID, log_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """How many finished takes each of these logs of ``owner_id`` has (empty when the actor may not hear them)."""
    ids = list(log_ids)
    if not ids or not _may_hear(session, actor, owner_id):
        return {}
    rows = session.exec(
        select(col(Take.log_id), func.count())
        .where(col(Take.user_id) == owner_id, col(Take.log_id).in_(ids), col(Take.status) == TakeStatus.READY.value)
        .group_by(col(Take.log_id))
    ).all()
    return {log_id: int(count) for log_id, count in rows}


def get_take(session: Session, *, actor: Actor, take_id: uuid.UUID) -> TakeOut:
    return _out(_readable(session, actor, take_id), actor)


def playable(session: Session, *, actor: Actor, take_id: uuid.UUID) -> Playable:
    """Check, for this request, that the actor may hear the take; what serving its bytes needs."""
    row = _readable(session, actor, take_id)
    return Playable(id=row.id, mime=row.mime or "audio/webm", size=row.size_bytes)


def read_range(session: Session, *, take: Playable, start: int, end: int, shelf: TakeShelf) -> Iterator[bytes]:
    """The bytes ``start``..``end`` (inclusive) in pieces; ``take`` was checked by :func:`playable`."""
    position = start
    while position <= end:
        piece = shelf.store.read(session, take.id, position, min(READ_PIECE, end - position + 1))
        if not piece:
            return
        yield piece
        position += len(piece)


def rename_take(session: Session, *, actor: Actor, take_id: uuid.UUID, data: TakeRename | Mapping[str, Any]) -> TakeOut:
    change = parse(TakeRename, data)
    row = _own(session, actor, take_id)
    row.name = change.name
    session.add(row)
    session.flush()
    return _out(row, actor)


def delete_take(session: Session, *, actor: Actor, take_id: uuid.UUID) -> None:
    """The owner deletes a take (finished or not); its bytes go after the commit."""
    _erase(session, [_own(session, actor, take_id)])


def usage(session: Session, *, actor: Actor, shelf: TakeShelf) -> Usage:
    count = session.exec(select(func.count()).select_from(Take).where(col(Take.user_id) == actor.id)).one()
    return Usage(used_bytes=_used_bytes(session, actor.id), quota_bytes=shelf.quota_bytes, takes=count)


def erase_with_logs(session: Session, log_ids: Iterable[uuid.UUID]) -> None:
    """Deleting a log deletes its takes (a recording is part of the log): rows now, bytes after the commit."""
    ids = list(log_ids)
    if not ids:
        return
    _erase(session, session.exec(select(Take).where(col(Take.log_id).in_(ids))).all())


def erase_with_user(session: Session, user_id: uuid.UUID) -> None:
    """An account (or a user the admin deletes) goes with every take: the bytes after the commit."""
    ids = session.exec(select(col(Take.id)).where(col(Take.user_id) == user_id)).all()
    if ids:
        effects.record(session, effects.TakesErased(tuple(ids)))


def ready_takes_of(session: Session, user_id: uuid.UUID) -> list[Take]:
    """Every finished take of a user, for their data export (rows, not a read model: the export walks files)."""
    return list(
        session.exec(select(Take).where(col(Take.user_id) == user_id, col(Take.status) == TakeStatus.READY.value))
    )


def extension(take: Take | Playable) -> str:
    mime = take.mime or "audio/webm"
    return {"audio/ogg": "ogg", "audio/mp4": "m4a", "audio/wav": "wav"}.get(mime, "webm")


def erase_after_commits(after_commit: AfterCommit, shelf: TakeShelf) -> None:
    """Registered once at start-up: deleted takes' bytes leave the store once their rows' deletion committed."""

    def erase_take_bytes(effect: effects.TakesErased) -> None:
        shelf.store.erase(effect.take_ids)

    after_commit.on(effects.TakesErased, erase_take_bytes)


def _check_head(row: Take, head: bytes) -> Refusal | None:
    container = sniff(head[:SNIFF_BYTES])
    if container is None:
        return Refusal(
            status=415,
            detail=_("This file is not a recording we can keep: expected WebM or Ogg audio (Opus), MP4 audio or WAV."),
        )
    row.container, row.mime = container.name, container.mime
    return None


def _complete(session: Session, row: Take, shelf: TakeShelf) -> Refusal | None:
    container = sniffed(row.container)
    length = duration_ms(lambda start, size: shelf.store.read(session, row.id, start, size), row.size_bytes, container)
    if length is None or length <= 0:
        return Refusal(status=415, detail=_("This recording is damaged or empty: its length cannot be read."))
    if length > shelf.max_ms + 5000:  # a little slack: a recorder stops on the limit, not before it
        return Refusal(
            status=413,
            detail=ngettext(
                "A take can be at most {n} minute long.", "A take can be at most {n} minutes long.", shelf.max_minutes
            ),
        )
    row.duration_ms = length
    row.status = TakeStatus.READY.value
    row.completed_at = utcnow()
    return None


def _refuse(session: Session, row: Take, refusal: Refusal) -> Refusal:
    # Nothing of a refused upload is kept: not its row, not its bytes (gone after the commit).
    _erase(session, [row])
    return refusal


def _own(session: Session, actor: Actor, take_id: uuid.UUID, *, lock: bool = False) -> Take:
    # The row lock makes two deliveries of the same chunk (two tabs, a retry) take turns on PostgreSQL;
    # SQLite's write transactions already take turns.
    row = session.get(Take, take_id, with_for_update=lock and session.bind is not None and _is_pg(session))
    if row is None or row.user_id != actor.id:
        raise NotFound(_(NOT_FOUND))
    return row


def _readable(session: Session, actor: Actor, take_id: uuid.UUID) -> Take:
    row = session.get(Take, take_id)
    if row is None or row.status != TakeStatus.READY.value or not _may_hear(session, actor, row.user_id):
        raise NotFound(_(NOT_FOUND))
    log = session.get(PracticeLog, row.log_id)
    if log is None or not log.is_active:
        raise NotFound(_(NOT_FOUND))
    return row


def _may_hear(session: Session, actor: Actor, owner_id: uuid.UUID) -> bool:
    if actor.id == owner_id:
        return True
    try:
        sharing.student_actor(session, actor=actor, student_id=owner_id)
    except NotFound:
        return False
    return True


def _forget_abandoned(session: Session, user_id: uuid.UUID) -> None:
    """Uploads left unfinished for days (a device lost, its storage wiped) stop counting against the
    quota: their rows go now, their bytes after the commit."""
    cutoff = utcnow() - ABANDONED_AFTER
    abandoned = col(Take.status) == TakeStatus.UPLOADING.value, col(Take.created_at) < cutoff
    _erase(session, session.exec(select(Take).where(col(Take.user_id) == user_id, *abandoned)).all())


def _erase(session: Session, rows: Sequence[Take]) -> None:
    """Delete these takes: their rows (and chunk rows) now, their files once this transaction commits."""
    for row in rows:
        session.delete(row)
    if rows:
        session.flush()
        effects.record(session, effects.TakesErased(tuple(row.id for row in rows)))


def _used_bytes(session: Session, user_id: uuid.UUID) -> int:
    total = session.exec(
        select(func.coalesce(func.sum(col(Take.size_bytes)), 0)).where(col(Take.user_id) == user_id)
    ).one()
    return int(total)


def _state(row: Take) -> UploadState:
    return UploadState(
        id=row.id, log_id=row.log_id, status=TakeStatus(row.status), received_bytes=row.received_bytes,
        size_bytes=row.size_bytes,
    )  # fmt: skip


def _out(row: Take, actor: Actor) -> TakeOut:
    return TakeOut(
        id=row.id, log_id=row.log_id, name=row.name, mime=row.mime or "audio/webm", size_bytes=row.size_bytes,
        duration_ms=row.duration_ms or 0, peaks=row.peaks or [], created_at=row.created_at,
        mine=row.user_id == actor.id,
    )  # fmt: skip


def _is_pg(session: Session) -> bool:
    bind = session.get_bind()
    return bind.dialect.name == "postgresql"


def _mb(size: int) -> str:
    megabytes = f"{size / MB:.1f}"
    # Translators: a size in megabytes, e.g. "12.5 MB".
    return _("{size} MB", size=megabytes)


def owner_name(user: User) -> str:
    return user.display_name or user.email
