"""Today: what is due on the musician's local day, and what the day's logs have ticked off.

Three sources: the blocks of the plans that fall on today, the teacher's open assignments, and
the repertoire pieces due for review. A log of today ticks an item when it is of the same piece
(by catalogue id, or by title when the item names no catalogue piece), or, for an item without a
piece, of the same activity. Each log ticks one item of a plan (two "Scales" blocks need two
logs); the same log may tick a plan block and the review of its piece.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from sqlmodel import Session, col, select

from core.i18n import _, ngettext
from core.models import ActivityType, PracticeLog, utcnow
from services import plans as plans_service
from services import review_queue
from services.actor import Actor
from services.calendar_days import day_start, local_day
from services.labels import activity_label
from services.teaching import AssignmentOut, my_assignments
from services.validation import Output

ItemKind = Literal["plan_block", "assignment", "review"]


class TodayItem(Output):
    kind: ItemKind
    title: str
    activity_type: ActivityType | None
    minutes: int | None
    sheet_music_id: uuid.UUID | None
    plan_id: uuid.UUID | None = None
    position: int | None = None
    target_tempo: int | None = None
    detail: str | None = None
    done: bool


class TodayPlan(Output):
    id: uuid.UUID
    title: str
    from_teacher: str | None
    minutes: int
    done: int
    total: int
    blocks: list[TodayItem]


class Today(Output):
    day: date
    plans: list[TodayPlan]
    assignments: list[TodayItem]
    reviews: list[TodayItem]
    done: int
    total: int


@dataclass(frozen=True)
class _Logged:
    activity: str
    piece_id: uuid.UUID | None
    title: str


def today(
    session: Session, *, actor: Actor, day: date | None = None, given: list[AssignmentOut] | None = None
) -> Today:
    """``given``: the actor's open assignments when the caller has read them already (the dashboard)."""
    day = day or local_day(utcnow(), actor.timezone)
    if given is None:
        given = my_assignments(session, actor=actor)
    logged = _logs_of_day(session, actor, day)
    plans = [_plan_today(plan, logged) for plan in plans_service.plans_for_day(session, actor=actor, day=day)]
    assignments = [
        TodayItem(
            kind="assignment",
            title=a.title,
            activity_type=a.activity_type,
            minutes=None,
            sheet_music_id=a.sheet_music_id,
            target_tempo=a.target_tempo,
            # Translators: {teacher} is the teacher's name, {day} the due date (2026-03-12).
            detail=_("From {teacher} · due {day}", teacher=a.teacher_name, day=a.due_date.isoformat()),
            done=any(_matches(log, a.sheet_music_id, a.title, a.activity_type) for log in logged),
        )
        for a in given
        if a.due_date >= day - timedelta(days=7)  # long-overdue ones stay on the dashboard's list, not here
    ]
    reviews = [
        TodayItem(
            kind="review",
            title=item.title,
            activity_type=None,
            minutes=None,
            sheet_music_id=item.sheet_music_id,
            detail=_review_detail(item, day),
            done=any(log.piece_id == item.sheet_music_id for log in logged),
        )
        for item in review_queue.review_items(session, actor=actor, today=day, before_today=True)
        if item.due_on <= day and not item.dropped and not (item.snoozed_until and item.snoozed_until > day)
    ]
    items = [b for p in plans for b in p.blocks] + assignments + reviews
    return Today(
        day=day,
        plans=plans,
        assignments=assignments,
        reviews=reviews,
        done=sum(1 for i in items if i.done),
        total=len(items),
    )


def _plan_today(plan: plans_service.PlanOut, logged: list[_Logged]) -> TodayPlan:
    unused = list(logged)
    blocks = []
    for block in plan.blocks:
        match = next(
            (log for log in unused if _matches(log, block.sheet_music_id, block.title, block.activity_type)), None
        )
        if match is not None:
            unused.remove(match)
        blocks.append(
            TodayItem(
                kind="plan_block",
                title=block.title or activity_label(block.activity_type.value),
                activity_type=block.activity_type,
                minutes=block.minutes,
                sheet_music_id=block.sheet_music_id,
                plan_id=plan.id,
                position=block.position,
                target_tempo=block.target_tempo,
                detail=", ".join(block.focus_areas) or None,
                done=match is not None,
            )
        )
    return TodayPlan(
        id=plan.id,
        title=plan.title,
        from_teacher=plan.given_by_name,
        minutes=plan.minutes,
        done=sum(1 for b in blocks if b.done),
        total=len(blocks),
        blocks=blocks,
    )


def _matches(log: _Logged, piece_id: uuid.UUID | None, title: str | None, activity: ActivityType | None) -> bool:
    if piece_id is not None:
        return log.piece_id == piece_id
    if title:
        return log.title == _folded(title)
    return activity is not None and log.activity == activity.value


def _logs_of_day(session: Session, actor: Actor, day: date) -> list[_Logged]:
    rows = session.exec(
        select(PracticeLog.activity_type, PracticeLog.sheet_music_id, PracticeLog.work_title).where(
            PracticeLog.user_id == actor.id,
            col(PracticeLog.is_active).is_(True),
            col(PracticeLog.start_time) >= day_start(day, actor.timezone),
            col(PracticeLog.start_time) < day_start(day + timedelta(days=1), actor.timezone),
        )
    ).all()
    return [_Logged(activity, piece_id, _folded(title or "")) for activity, piece_id, title in rows]


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def _review_detail(item: review_queue.ReviewItem, day: date) -> str:
    if item.last_practised is None:
        return _("Not practised yet")
    days = (day - item.last_practised).days
    # Translators: {interval} is the review interval in days ("d" short for days).
    return ngettext(
        "Last practised {n} day ago · every {interval} d",
        "Last practised {n} days ago · every {interval} d",
        days,
        interval=item.interval_days,
    )
