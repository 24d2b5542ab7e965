"""Where the bytes of recorded takes live: files under the data directory, or rows in the database.

The embedded deployment (one process, a SQLite file) keeps each take as one file under
``$MIRUBATO_DATA_DIR/takes``. Several processes or machines on PostgreSQL keep the bytes in the
database itself (``take_chunks``): every process then serves every take, a chunk and the upload's
progress are written in one transaction, and the database's own backup holds the takes; an
object store would be one more server to run, secure and back up for files that are small
(a 20-minute Opus take is a few MB).

A store writes a chunk at an offset and reads a byte range. The service decides whether a write
is allowed and records progress in the ``takes`` row; the store only moves bytes.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from sqlalchemy import delete
from sqlmodel import Session, col, select

from core.models import TakeChunk

TAKES_FOLDER = "takes"


class TakeStore(Protocol):
    name: str

    def write(self, session: Session, take_id: uuid.UUID, offset: int, data: bytes) -> None:
        """Keep ``data`` at ``offset``; anything the take held from ``offset`` on is replaced."""

    def read(self, session: Session, take_id: uuid.UUID, start: int, length: int) -> bytes:
        """Up to ``length`` bytes from ``start`` (fewer at the end)."""

    def erase(self, take_ids: Iterable[uuid.UUID]) -> None:
        """Forget these takes' bytes for good; called after the commit that deleted their rows."""


class FileStore:
    """One file per take under ``root``; the ``takes`` row says how many of its bytes count."""

    name = "files"

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, take_id: uuid.UUID) -> Path:
        # Two levels of folders keep directories small for a studio with many thousands of takes.
        text = take_id.hex
        return self.root / text[:2] / text

    def write(self, session: Session, take_id: uuid.UUID, offset: int, data: bytes) -> None:  # noqa: ARG002
        path = self.path(take_id)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Bytes past ``offset`` are leftovers of a chunk whose commit never happened: replace them.
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.ftruncate(descriptor, offset)
            os.pwrite(descriptor, data, offset)
            os.fsync(descriptor)  # the row will say these bytes are there: they must be
        finally:
            os.close(descriptor)

    def read(self, session: Session, take_id: uuid.UUID, start: int, length: int) -> bytes:  # noqa: ARG002
        try:
            with self.path(take_id).open("rb") as file:
                file.seek(start)
                return file.read(length)
        except FileNotFoundError:
            return b""

    def erase(self, take_ids: Iterable[uuid.UUID]) -> None:
        for take_id in take_ids:
            self.path(take_id).unlink(missing_ok=True)


class DatabaseStore:
    """Each uploaded chunk is a row; a range is read from the rows that overlap it."""

    name = "database"

    def write(self, session: Session, take_id: uuid.UUID, offset: int, data: bytes) -> None:
        session.connection().execute(
            delete(TakeChunk).where(col(TakeChunk.take_id) == take_id, col(TakeChunk.start_byte) >= offset)
        )
        session.add(TakeChunk(take_id=take_id, start_byte=offset, data=data))
        session.flush()

    def read(self, session: Session, take_id: uuid.UUID, start: int, length: int) -> bytes:
        end = start + length
        # The chunk that holds ``start`` begins at or before it; later ones begin before ``end``.
        first = session.exec(
            select(col(TakeChunk.start_byte))
            .where(col(TakeChunk.take_id) == take_id, col(TakeChunk.start_byte) <= start)
            .order_by(col(TakeChunk.start_byte).desc())
            .limit(1)
        ).first()
        if first is None:
            return b""
        rows = session.exec(
            select(col(TakeChunk.start_byte), col(TakeChunk.data))
            .where(col(TakeChunk.take_id) == take_id, col(TakeChunk.start_byte) >= first)
            .where(col(TakeChunk.start_byte) < end)
            .order_by(col(TakeChunk.start_byte))
        ).all()
        joined = b"".join(bytes(data) for _, data in rows)
        return joined[start - first : end - first]

    def erase(self, take_ids: Iterable[uuid.UUID]) -> None:
        """Nothing to do: the chunks went with their ``takes`` row (ON DELETE CASCADE)."""


def store_for(setting: str, *, is_sqlite: bool, data_dir: Path) -> TakeStore:
    """The store a deployment uses: ``auto`` is files with SQLite and the database with PostgreSQL."""
    if setting == "files" or (setting == "auto" and is_sqlite):
        return FileStore(data_dir / TAKES_FOLDER)
    return DatabaseStore()
