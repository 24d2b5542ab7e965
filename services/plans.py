"""Plans: ordered practice blocks that repeat by a recurrence rule, the musician's or a teacher's gift.

Who may do what: a musician reads and changes their own plans, and reads (and may stop) the ones
a teacher gave them; a teacher gives a plan to a student who shares with them (through
``sharing.student_actor``), sees and withdraws the ones they gave while the share lasts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import Field, StringConstraints
from sqlmodel import Session, col, select

from core.i18n import _
from core.models import ActivityType, Plan, PlanBlock, SheetMusic, User, utcnow
from services import recurrence, sharing
from services.actor import Actor
from services.calendar_days import local_day
from services.errors import InvalidInput, NotFound
from services.practice_shapes import Tempo
from services.recurrence import MAX_INTERVAL, Frequency, Weekday
from services.validation import Input, Output, Tags, Text200, Text300, parse

MAX_BLOCKS = 20
MAX_PLANS = 50
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
BlockNotes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class RepeatIn(Input):
    frequency: Frequency = Field(default="daily", description="daily, weekdays, or weekly on chosen days")
    days: list[Weekday] = Field(default_factory=list, max_length=7, description="MO..SU, for weekly")
    interval: int = Field(default=1, ge=1, le=MAX_INTERVAL, description="every N days or weeks")


class BlockIn(Input):
    activity_type: ActivityType
    minutes: int = Field(ge=1, le=240)
    sheet_music_id: uuid.UUID | None = None
    title: Text300 | None = Field(default=None, description="The piece or exercise; defaults to the piece's title")
    composer: Text200 | None = None
    target_tempo: Tempo | None = None
    focus_areas: Tags | None = Field(default=None, max_length=12)
    notes: BlockNotes | None = None


class PlanIn(Input):
    title: Title
    repeat: RepeatIn = Field(default_factory=RepeatIn)
    starts_on: date | None = Field(default=None, description="The first local day; today when absent")
    ends_on: date | None = None
    at_time: time | None = Field(default=None, description="An optional local time of day (for the calendar)")
    blocks: list[BlockIn] = Field(min_length=1, max_length=MAX_BLOCKS)


class BlockOut(Output):
    id: uuid.UUID
    position: int
    activity_type: ActivityType
    minutes: int
    sheet_music_id: uuid.UUID | None
    title: str | None
    composer: str | None
    target_tempo: int | None
    focus_areas: list[str]
    notes: str | None


class PlanOut(Output):
    id: uuid.UUID
    user_id: uuid.UUID
    title: str
    rrule: str
    repeat: dict[str, Any]
    description: str
    starts_on: date
    ends_on: date | None
    at_time: time | None
    given_by: uuid.UUID | None
    given_by_name: str | None
    minutes: int
    blocks: list[BlockOut]
    next_days: list[date]
    created_at: datetime
    updated_at: datetime


# --- the musician's own plans ----------------------------------------------------------------


def create_plan(session: Session, *, actor: Actor, data: PlanIn | Mapping[str, Any]) -> PlanOut:
    wanted = parse(PlanIn, data)
    _room_for_another(session, actor.id)
    return _save(session, Plan(user_id=actor.id, title="", rrule="", starts_on=date.min), wanted, actor)


def update_plan(session: Session, *, actor: Actor, plan_id: uuid.UUID, data: PlanIn | Mapping[str, Any]) -> PlanOut:
    """Replace a plan's title, rule and blocks (a teacher's plan is changed by the teacher)."""
    wanted = parse(PlanIn, data)
    row = _plan_to_change(session, actor, plan_id)
    return _save(session, row, wanted, _owner(session, row))


def delete_plan(session: Session, *, actor: Actor, plan_id: uuid.UUID) -> None:
    """Stop a plan: its owner may always stop it; a teacher may withdraw one they gave."""
    row = session.get(Plan, plan_id)
    if row is None or not row.is_active or not (row.user_id == actor.id or _gave_and_shares(session, actor, row)):
        raise NotFound(_("No plan of yours has this id."))
    row.is_active = False
    row.updated_at = utcnow()
    session.add(row)


def get_plan(session: Session, *, actor: Actor, plan_id: uuid.UUID) -> PlanOut:
    row = session.get(Plan, plan_id)
    if row is None or not row.is_active or not (row.user_id == actor.id or _gave_and_shares(session, actor, row)):
        raise NotFound(_("No plan of yours has this id."))
    return _plan_out(session, row, _owner(session, row))


def list_plans(session: Session, *, actor: Actor) -> list[PlanOut]:
    """The actor's active plans, their own first, then those their teachers gave them."""
    rows = _active_plans(session, actor.id)
    return [_plan_out(session, row, actor) for row in sorted(rows, key=lambda r: (r.given_by is not None, r.title))]


def plans_for_day(session: Session, *, actor: Actor, day: date) -> list[PlanOut]:
    """The actor's plans that fall on this local day."""
    return [
        _plan_out(session, row, actor)
        for row in _active_plans(session, actor.id)
        if recurrence.falls_on(row.rrule, row.starts_on, day, row.ends_on)
    ]


def active_plan_rows(session: Session, user_id: uuid.UUID) -> list[Plan]:
    """The rows themselves, for the calendar feed and the day's agenda."""
    return _active_plans(session, user_id)


def blocks_of(session: Session, plan_id: uuid.UUID) -> list[PlanBlock]:
    return list(
        session.exec(select(PlanBlock).where(PlanBlock.plan_id == plan_id).order_by(col(PlanBlock.position))).all()
    )


# --- a teacher's plans for a student ----------------------------------------------------------


def give_plan(session: Session, *, actor: Actor, student_id: uuid.UUID, data: PlanIn | Mapping[str, Any]) -> PlanOut:
    """A teacher gives a sharing student a plan; it shows under "From your teacher"."""
    student = sharing.student_actor(session, actor=actor, student_id=student_id)
    wanted = parse(PlanIn, data)
    _room_for_another(session, student.id)
    row = Plan(user_id=student.id, given_by=actor.id, title="", rrule="", starts_on=date.min)
    return _save(session, row, wanted, student)


def plans_given_to(session: Session, *, actor: Actor, student_id: uuid.UUID) -> list[PlanOut]:
    """The plans this teacher gave a student (while the student shares with them)."""
    student = sharing.student_actor(session, actor=actor, student_id=student_id)
    return [_plan_out(session, row, student) for row in _active_plans(session, student.id) if row.given_by == actor.id]


# --- the pieces ---------------------------------------------------------------------------------


def _save(session: Session, row: Plan, wanted: PlanIn, owner: Actor) -> PlanOut:
    try:
        rule = recurrence.rule_text(wanted.repeat.frequency, list(wanted.repeat.days), wanted.repeat.interval)
    except ValueError:
        raise InvalidInput("repeat.days", _("choose at least one day for a weekly plan")) from None
    starts_on = wanted.starts_on or (
        row.starts_on if row.starts_on != date.min else local_day(utcnow(), owner.timezone)
    )
    if wanted.ends_on is not None and wanted.ends_on < starts_on:
        raise InvalidInput("endsOn", _("must not be before the plan starts"))
    blocks = [_block_row(session, block, position) for position, block in enumerate(wanted.blocks)]
    row.title, row.rrule, row.starts_on, row.ends_on, row.at_time = (
        wanted.title,
        rule,
        starts_on,
        wanted.ends_on,
        wanted.at_time,
    )
    row.updated_at = utcnow()
    session.add(row)
    for old in blocks_of(session, row.id):
        session.delete(old)
    session.flush()
    for block in blocks:
        block.plan_id = row.id
        session.add(block)
    session.flush()
    return _plan_out(session, row, owner)


def _block_row(session: Session, block: BlockIn, position: int) -> PlanBlock:
    piece = session.get(SheetMusic, block.sheet_music_id) if block.sheet_music_id else None
    if block.sheet_music_id and (piece is None or not piece.is_active):
        raise InvalidInput(f"blocks[{position}].sheetMusicId", _("no piece in the catalogue has this id"))
    return PlanBlock(
        plan_id=uuid.UUID(int=0),
        position=position,
        activity_type=block.activity_type.value,
        minutes=block.minutes,
        sheet_music_id=piece.id if piece else None,
        title=block.title or (piece.title if piece else None),
        composer=block.composer or (piece.composer if piece else None),
        target_tempo=block.target_tempo,
        focus_areas=list(block.focus_areas or []) or None,
        notes=block.notes,
    )


def _room_for_another(session: Session, user_id: uuid.UUID) -> None:
    if len(_active_plans(session, user_id)) >= MAX_PLANS:
        raise InvalidInput("title", _("you have {count} plans already; stop one first", count=MAX_PLANS))


def _active_plans(session: Session, user_id: uuid.UUID) -> list[Plan]:
    return list(session.exec(select(Plan).where(Plan.user_id == user_id, col(Plan.is_active).is_(True))).all())


def _plan_to_change(session: Session, actor: Actor, plan_id: uuid.UUID) -> Plan:
    """The musician changes their own plans; a plan a teacher gave is the teacher's to change."""
    row = session.get(Plan, plan_id)
    if row is None or not row.is_active:
        raise NotFound(_("No plan of yours has this id."))
    if row.given_by is None and row.user_id == actor.id:
        return row
    if row.given_by == actor.id and _gave_and_shares(session, actor, row):
        return row
    if row.user_id == actor.id:
        raise InvalidInput("planId", _("your teacher gave this plan: ask them to change it, or stop it"))
    raise NotFound(_("No plan of yours has this id."))


def _gave_and_shares(session: Session, actor: Actor, row: Plan) -> bool:
    if row.given_by != actor.id:
        return False
    try:
        sharing.student_actor(session, actor=actor, student_id=row.user_id)
    except NotFound:
        return False
    return True


def _owner(session: Session, row: Plan) -> Actor:
    user = session.get(User, row.user_id)
    return Actor(id=row.user_id, timezone=user.timezone if user else "UTC")


def _plan_out(session: Session, row: Plan, owner: Actor) -> PlanOut:
    blocks = blocks_of(session, row.id)
    frequency, days, interval = recurrence.parts_of(row.rrule)
    teacher = session.get(User, row.given_by) if row.given_by else None
    today = local_day(utcnow(), owner.timezone)
    return PlanOut(
        id=row.id,
        user_id=row.user_id,
        title=row.title,
        rrule=row.rrule,
        repeat={"frequency": frequency, "days": days, "interval": interval},
        description=recurrence.describe(row.rrule),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        at_time=row.at_time,
        given_by=row.given_by,
        given_by_name=(teacher.display_name or teacher.email) if teacher else None,
        minutes=sum(b.minutes for b in blocks),
        blocks=[_block_out(b) for b in blocks],
        next_days=recurrence.next_days(row.rrule, row.starts_on, max(today, row.starts_on), 5, row.ends_on),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _block_out(block: PlanBlock) -> BlockOut:
    return BlockOut(
        id=block.id,
        position=block.position,
        activity_type=ActivityType(block.activity_type),
        minutes=block.minutes,
        sheet_music_id=block.sheet_music_id,
        title=block.title,
        composer=block.composer,
        target_tempo=block.target_tempo,
        focus_areas=list(block.focus_areas or []),
        notes=block.notes,
    )
