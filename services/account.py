"""The user's own data (GDPR): a complete export, and deletion that really deletes.

Both walk the table metadata instead of a hand-kept list, so a table added later that points at
a user (directly, or through a row that does) is exported and deleted without anyone
remembering to add it here.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import Table, delete, or_, select, update
from sqlmodel import Session, SQLModel, col
from sqlmodel import select as sqlmodel_select

from core import effects
from core.i18n import _
from core.models import AuditEvent, LoginToken, PracticeLog, User, utcnow
from services import audit, takes
from services.actor import Actor
from services.auth_sessions import browser_ids_of
from services.errors import NotFound
from services.log_export import json_value, to_csv

EXPORT_FORMAT = "mirubato-export/1"
HIDDEN_COLUMNS = {"token_hash"}
FILES_NOT_ROWS = {"take_chunks"}  # a take's bytes go into the export's zip as an audio file


@dataclass(frozen=True)
class DeletedAccount:
    user_id: uuid.UUID
    browser_ids: list[str]


def export_account(session: Session, *, actor: Actor) -> dict[str, Any]:
    """Everything the app holds about the actor, as one JSON-ready document."""
    user = _user(session, actor)
    audit.record(session, "data_export", actor_id=user.id, subject_id=user.id)
    session.flush()  # the export lists its own audit event too
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in SQLModel.metadata.sorted_tables:
        condition = ownership(table, user)
        if condition is not None and table.name not in FILES_NOT_ROWS:
            rows = session.connection().execute(select(table).where(condition)).mappings().all()
            tables[table.name] = [_plain_row(row) for row in rows]
    return {"format": EXPORT_FORMAT, "exportedAt": utcnow().isoformat(), "userId": str(user.id), "tables": tables}


def write_export_zip(session: Session, *, actor: Actor, shelf: takes.TakeShelf, target: BinaryIO) -> None:
    """The export as a zip: the JSON document, and each recorded take as an audio file beside it."""
    document = export_account(session, actor=actor)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mirubato-export.json", json.dumps(document, indent=2, ensure_ascii=False))
        for take in takes.ready_takes_of(session, actor.id):
            # Opus is compressed already: stored, not deflated again.
            with archive.open(
                zipfile.ZipInfo(f"takes/{take.id}.{takes.extension(take)}", date_time=take.created_at.timetuple()[:6]),
                "w",
            ) as file:
                for start in range(0, take.size_bytes, takes.READ_PIECE):
                    file.write(shelf.store.read(session, take.id, start, takes.READ_PIECE))


def export_logs_csv(session: Session, *, actor: Actor) -> str:
    """The actor's practice logs (including removed ones) as CSV, oldest first."""
    user = _user(session, actor)
    rows = session.exec(
        sqlmodel_select(PracticeLog).where(PracticeLog.user_id == user.id).order_by(col(PracticeLog.start_time))
    ).all()
    return to_csv(rows)


def delete_account(session: Session, *, actor: Actor) -> DeletedAccount:
    """Delete the actor's account and every row about them; other users' data stays untouched."""
    user = _user(session, actor)
    browser_ids = browser_ids_of(session, user.id)
    session.exec(delete(LoginToken).where(col(LoginToken.email) == user.email))
    # The trail of what happened stays, but no longer says from where or by whom.
    session.exec(
        update(AuditEvent)
        .where(or_(col(AuditEvent.actor_id) == user.id, col(AuditEvent.subject_id) == user.id))
        .values(ip=None, request_id=None)
    )
    takes.erase_with_user(session, user.id)  # the rows cascade below; a file store's files go after the commit
    session.delete(user)  # everything else goes with it: ON DELETE CASCADE / SET NULL
    session.flush()
    audit.record(session, "account_deleted", details={"browser_sessions": len(browser_ids)})
    effects.record(session, effects.BrowsersForgotten(tuple(browser_ids)))  # their stored sign-in goes too
    return DeletedAccount(user_id=user.id, browser_ids=browser_ids)


def ownership(table: Table, user: User) -> Any:
    """A condition selecting the rows of ``table`` that belong to ``user``, or None if none can."""
    if table.name == "users":
        return table.c.id == user.id
    if table.name == LoginToken.__tablename__:
        return table.c.email == user.email
    conditions = []
    for fk in table.foreign_keys:
        target = fk.column.table
        if target.name == "users":
            conditions.append(fk.parent == user.id)
        elif any(inner.column.table.name == "users" for inner in target.foreign_keys) and target.name != table.name:
            # Every user column of the parent counts (a plan is the musician's, and the teacher's who
            # gave it): picking one of them from the set of keys made exports differ run to run.
            owners = [inner.parent == user.id for inner in target.foreign_keys if inner.column.table.name == "users"]
            conditions.append(fk.parent.in_(select(fk.column).where(or_(*owners))))
    return or_(*conditions) if conditions else None


def _user(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.id)
    if user is None:
        raise NotFound(_("This account does not exist."))
    return user


def _plain_row(row: Any) -> dict[str, Any]:
    return {key: ("(hidden)" if key in HIDDEN_COLUMNS else json_value(value)) for key, value in row.items()}
