"""Feedback pinned to a moment of a take and, optionally, to a bar or bars of the piece.

The teacher a musician shares with comments for the musician; the musician comments as a note to
self. Each comment shows as a marker on the take's waveform; its bars are highlighted in the
piece's notation when the catalogue has it. The musician sees others' new feedback on the dashboard.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import Field, model_validator
from sqlmodel import Session, col, select

from core.i18n import _
from core.models import PracticeLog, Take, TakeComment, TakeStatus, User
from services import takes
from services.actor import Actor
from services.errors import InvalidInput, NotFound
from services.validation import Input, Output, parse

MAX_BAR = 10_000


class TakeCommentIn(Input):
    at_ms: int = Field(ge=0, description="The moment of the take the comment is about, in milliseconds")
    bar_from: int | None = Field(default=None, ge=1, le=MAX_BAR, description="The bar of the piece (or the first)")
    bar_to: int | None = Field(default=None, ge=1, le=MAX_BAR, description="The last bar of a range")
    body: str = Field(min_length=1, max_length=2000)

    @model_validator(mode="after")
    def _bars_in_order(self) -> TakeCommentIn:
        if self.bar_to is not None and self.bar_from is None:
            raise ValueError(_("barTo needs barFrom"))
        if self.bar_to is not None and self.bar_from is not None and self.bar_to < self.bar_from:
            raise ValueError(_("barTo must not be before barFrom"))
        if self.bar_to == self.bar_from:
            return self.model_copy(update={"bar_to": None})  # "bars 5-5" is bar 5
        return self


class TakeCommentOut(Output):
    id: uuid.UUID
    take_id: uuid.UUID
    log_id: uuid.UUID
    author_id: uuid.UUID
    author_name: str
    at_ms: int
    bar_from: int | None
    bar_to: int | None
    body: str
    created_at: datetime
    mine: bool
    take_name: str = ""
    log_title: str = ""


def add_comment(
    session: Session, *, actor: Actor, take_id: uuid.UUID, data: TakeCommentIn | Mapping[str, Any]
) -> TakeCommentOut:
    """Comment on a take you may hear, at a moment inside it."""
    comment = parse(TakeCommentIn, data)
    take = takes.get_take(session, actor=actor, take_id=take_id)  # NotFound unless the actor may hear it
    if take.duration_ms and comment.at_ms > take.duration_ms + 1000:
        raise InvalidInput("atMs", _("must be within the take ({length} ms long)", length=take.duration_ms))
    row = TakeComment(
        take_id=take.id, author_id=actor.id, at_ms=comment.at_ms, bar_from=comment.bar_from,
        bar_to=comment.bar_to, body=comment.body,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return _out(session, row, actor)


def comments_on_take(session: Session, *, actor: Actor, take_id: uuid.UUID) -> list[TakeCommentOut]:
    take = takes.get_take(session, actor=actor, take_id=take_id)
    rows = session.exec(select(TakeComment).where(col(TakeComment.take_id) == take.id).order_by(col(TakeComment.at_ms)))
    return [_out(session, row, actor) for row in rows]


def delete_comment(session: Session, *, actor: Actor, comment_id: uuid.UUID) -> None:
    """Its author takes a comment back (while they may still hear the take)."""
    row = session.get(TakeComment, comment_id)
    if row is None or row.author_id != actor.id:
        raise NotFound(_("No comment of yours has this id."))
    takes.get_take(session, actor=actor, take_id=row.take_id)
    session.delete(row)
    session.flush()


def new_feedback_for_me(session: Session, *, actor: Actor, limit: int = 5) -> list[TakeCommentOut]:
    """The newest comments others left on the actor's takes, for the dashboard."""
    rows = session.exec(
        select(TakeComment)
        .join(Take, col(Take.id) == col(TakeComment.take_id))
        .join(PracticeLog, col(PracticeLog.id) == col(Take.log_id))
        .where(
            col(Take.user_id) == actor.id,
            col(Take.status) == TakeStatus.READY.value,
            col(TakeComment.author_id) != actor.id,
            col(PracticeLog.is_active).is_(True),
        )
        .order_by(col(TakeComment.created_at).desc())
        .limit(limit)
    )
    return [_out(session, row, actor) for row in rows]


def _out(session: Session, row: TakeComment, actor: Actor) -> TakeCommentOut:
    author = session.get(User, row.author_id)
    take = session.get(Take, row.take_id)
    log = session.get(PracticeLog, take.log_id) if take else None
    return TakeCommentOut(
        id=row.id, take_id=row.take_id, log_id=take.log_id if take else row.take_id, author_id=row.author_id,
        author_name=takes.owner_name(author) if author else "", at_ms=row.at_ms, bar_from=row.bar_from,
        bar_to=row.bar_to, body=row.body, created_at=row.created_at, mine=row.author_id == actor.id,
        take_name=take.name if take else "", log_title=(log.work_title or "") if log else "",
    )  # fmt: skip
