"""Offline sync: apply the changes a device queued, each exactly once, and answer each one.

A change is identified by (user, change id). The first time it arrives it is applied and its
answer stored; any later arrival gets the stored answer and changes nothing. A change based on
an older version of a log is a conflict that the user resolves on the device; nothing is
overwritten silently. Devices' clocks are only shown, never used to order or to decide.

# NOTE: the change and answer formats are shared with components/static/mirubato-offline.js.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session

from core.i18n import _
from core.models import PracticeLog, SyncChange, SyncStatus, utcnow
from services import practice_logs
from services.actor import Actor
from services.errors import Conflict, FieldProblem, InvalidInput, NotFound, ServiceError
from services.practice_shapes import LogOut
from services.rate_limits import RateLimiter
from services.validation import Input, Output, parse

MAX_BATCH = 100
UNSTORABLE = (DataError, IntegrityError, ArithmeticError, ValueError)
log = logging.getLogger(__name__)
_SYNC_CHANGES = SyncChange.__table__  # type: ignore[attr-defined]  # SQLModel sets it at runtime
_STORED_ANSWERS = select(_SYNC_CHANGES.c.change_id, _SYNC_CHANGES.c.response).where(
    _SYNC_CHANGES.c.user_id == bindparam("user_id"), _SYNC_CHANGES.c.change_id.in_(bindparam("ids", expanding=True))
)
# Core, not the ORM: an answer is written once and never read back in the same transaction.
_STORE_ANSWER = insert(_SYNC_CHANGES)

ChangeKind = Literal["create", "update", "delete", "restore"]


class Change(Input):
    unchecked_fields = frozenset({"data"})  # parsed as a log by the practice service, which names each field
    id: uuid.UUID = Field(description="Made by the device; the same change sent twice is applied once")
    kind: ChangeKind
    log_id: uuid.UUID
    base_version: int | None = Field(default=None, ge=1, description="The log version the edit was based on")
    data: dict[str, Any] | None = Field(default=None, description="The log (camelCase) for create and update")
    queued_at: AwareDatetime | None = Field(default=None, description="The device's clock; shown, never trusted")
    origin: str | None = Field(default=None, max_length=100, description="A label for the device's own use")
    owner: uuid.UUID | None = Field(
        default=None, description="The account that made the change; another account's change is left unanswered"
    )


class Batch(Input):
    # Parsed one by one: a malformed change is answered "rejected" without blocking the others.
    unchecked_fields = frozenset({"changes"})
    changes: list[dict[str, Any]] = Field(max_length=MAX_BATCH)


class Problem(Output):
    field: str
    message: str


class ChangeResult(Output):
    id: uuid.UUID
    log_id: uuid.UUID
    status: SyncStatus
    repeated: bool = False
    message: str | None = None
    log: LogOut | None = Field(default=None, description="The log as the server now holds it")
    problems: list[Problem] = Field(default_factory=list)
    applied_at: datetime | None = None


class BatchResult(Output):
    results: list[ChangeResult]


def apply_batch(
    session: Session, *, actor: Actor, batch: Batch | Mapping[str, Any], limiter: RateLimiter
) -> BatchResult:
    """Apply each change once, in the order received; answer every change, repeats included.

    A change another account made (``owner``) is never applied as this one, nor answered: the
    device keeps it for its owner.

    Each change counts as one write against the user's rate limit; a batch over the limit is
    refused whole (RateLimited, nothing applied) and sent again later by the device.
    """
    changes = parse(Batch, batch).changes
    limiter.writes(actor.id, count=len(changes))
    answered = _answers_stored(session, actor, changes)
    results = []
    for raw in changes:
        try:
            change = parse(Change, raw)
        except InvalidInput as error:
            if (rejected := _malformed(raw, error)) is not None:
                results.append(rejected)
            continue
        if change.owner is not None and change.owner != actor.id:
            continue  # made by another account on this device: it waits there for that account's sign-in
        results.append(_apply_once(session, actor, change, answered))
    return BatchResult(results=results)


def _answers_stored(session: Session, actor: Actor, changes: list[dict[str, Any]]) -> dict[uuid.UUID, dict[str, Any]]:
    """The stored answers of the batch's changes that arrived before, in one query instead of one per change."""
    ids = {change_id for raw in changes if (change_id := _uuid_or_none(raw.get("id"))) is not None}
    if not ids:
        return {}
    session.flush()
    found = session.connection().execute(_STORED_ANSWERS, {"user_id": actor.id, "ids": list(ids)})
    return dict(found.all())


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _malformed(raw: Mapping[str, Any], error: InvalidInput) -> ChangeResult | None:
    """A change that cannot be read is rejected under its id; without a readable id it cannot be answered."""
    change_id, log_id = _uuid_or_none(raw.get("id")), _uuid_or_none(raw.get("logId"))
    if change_id is None or log_id is None:
        return None
    return ChangeResult(
        id=change_id,
        log_id=log_id,
        status=SyncStatus.REJECTED,
        message=error.message,
        problems=[Problem(field=p.field, message=p.message) for p in error.problems],
    )


def _apply_once(
    session: Session, actor: Actor, change: Change, answered: dict[uuid.UUID, dict[str, Any]]
) -> ChangeResult:
    """Apply the change unless it was answered before (in an earlier batch or earlier in this one)."""
    if (stored := answered.get(change.id)) is not None:
        return _repeat(stored)
    try:
        with session.begin_nested():
            result = _apply(session, actor, change)
            response = result.model_dump(mode="json")
            session.flush()
            session.connection().execute(
                _STORE_ANSWER,
                {
                    "user_id": actor.id,
                    "change_id": change.id,
                    "kind": change.kind,
                    "log_id": change.log_id,
                    "status": result.status.value,
                    "response": response,
                    "received_at": utcnow(),
                },
            )
    except IntegrityError:
        # Another tab or device delivered the same change at the same moment: answer as it was answered.
        session.expire_all()
        row = session.get(SyncChange, (actor.id, change.id))
        if row is None:
            raise
        return _repeat(row.response)
    answered[change.id] = response
    return result


def _apply(session: Session, actor: Actor, change: Change) -> ChangeResult:
    action: Callable[[], LogOut | None] = {
        "create": lambda: (
            practice_logs.log_practice(session, actor=actor, data={**(change.data or {}), "id": str(change.log_id)}).log
        ),
        "update": lambda: practice_logs.update_log(
            session, actor=actor, log_id=change.log_id, data={**(change.data or {}), "version": change.base_version}
        ),
        "delete": lambda: _delete(session, actor, change),
        "restore": lambda: practice_logs.restore_log(session, actor=actor, log_id=change.log_id),
    }[change.kind]
    try:
        with session.begin_nested():
            saved = action()
    except InvalidInput as error:
        return _answer(change, SyncStatus.REJECTED, error.message, problems=error.problems)
    except Conflict as error:
        return _answer(change, SyncStatus.CONFLICT, error.message, log=_current(session, actor, change.log_id))
    except NotFound as error:
        current = _current(session, actor, change.log_id)
        if current is not None:  # removed on another device while this one edited it
            return _answer(change, SyncStatus.CONFLICT, _("This log was deleted on another device."), log=current)
        return _answer(change, SyncStatus.REJECTED, error.message)
    except ServiceError as error:
        return _answer(change, SyncStatus.REJECTED, error.message)
    except UNSTORABLE as error:
        # A value the checks at the boundary let through but the database refused: this change
        # is answered (so the device stops resending it), the batch's other changes still apply.
        log.error("sync change %s could not be stored: %s", change.id, str(error).splitlines()[0])
        return _answer(change, SyncStatus.REJECTED, _("The server could not store this change."))
    return _answer(change, SyncStatus.APPLIED, None, log=saved or _current(session, actor, change.log_id))


def _delete(session: Session, actor: Actor, change: Change) -> LogOut | None:
    practice_logs.delete_log(session, actor=actor, log_id=change.log_id, version=change.base_version)
    return None


def _current(session: Session, actor: Actor, log_id: uuid.UUID) -> LogOut | None:
    """The actor's log as it is now, removed ones included; None when it is not theirs or not there."""
    row = session.get(PracticeLog, log_id)
    return LogOut.model_validate(row) if row is not None and row.user_id == actor.id else None


def _answer(
    change: Change,
    status: SyncStatus,
    message: str | None,
    *,
    log: LogOut | None = None,
    problems: list[FieldProblem] | None = None,
) -> ChangeResult:
    return ChangeResult(
        id=change.id,
        log_id=change.log_id,
        status=status,
        message=message,
        log=log,
        problems=[Problem(field=p.field, message=p.message) for p in problems or []],
        applied_at=utcnow() if status == SyncStatus.APPLIED else None,
    )


def _repeat(response: dict[str, Any]) -> ChangeResult:
    return ChangeResult.model_validate({**response, "repeated": True})
