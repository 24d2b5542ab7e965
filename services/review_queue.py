"""The review queue: repertoire pieces come back for review before they are forgotten.

The rule (also in the README, beside the progress rules). Each piece "learning" or "polished"
has a review interval in days, replayed from its logs every time it is read (so an edit, a
deletion or a log synced late can never leave the schedule stale):

- it starts at 1 day;
- each local day the piece was practised counts once, with that day's best self-rating (1-10),
  or its best accuracy / 10 when no rating was given, or 5 when neither was;
- a good day (7 or more) doubles the interval, up to 60 days; a fair day (4-6) keeps it;
  a poor day (3 or less) brings it back to 1 day;
- the piece is due on the last practice day + the interval; never practised, it is due at once.

A piece is *neglected* when it was not practised for longer than its interval (how long is
shown). The musician can snooze a piece (until a day) or drop it from review (and take it back).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.fast_times import as_utc, raw_time
from core.i18n import _
from core.models import PracticeLog, RepertoireStatus, ReviewOverride, SheetMusic, UserSheetMusicProgress, utcnow
from services.actor import Actor
from services.calendar_days import local_day
from services.errors import NotFound
from services.validation import Input, Output, parse

FIRST_INTERVAL = 1
LONGEST_INTERVAL = 60
GOOD, POOR = 7, 3
UNRATED = 5
REVIEWED = (RepertoireStatus.LEARNING.value, RepertoireStatus.POLISHED.value)
MAX_SNOOZE_DAYS = 90


@dataclass(frozen=True)
class Schedule:
    interval_days: int
    last_practised: date | None
    due_on: date


def day_score(ratings: Iterable[int | None], accuracies: Iterable[float | None]) -> int:
    """A practice day's score: the best rating, else the best accuracy / 10, else 5."""
    rated = [r for r in ratings if r is not None]
    if rated:
        return max(rated)
    measured = [a for a in accuracies if a is not None]
    return round(max(measured) / 10) if measured else UNRATED


def schedule(days: Mapping[date, int], today: date) -> Schedule:
    """Replay the rule over a piece's practice days (day -> score)."""
    interval, last = FIRST_INTERVAL, None
    for day in sorted(days):
        score = days[day]
        if score >= GOOD:
            interval = min(interval * 2, LONGEST_INTERVAL)
        elif score <= POOR:
            interval = FIRST_INTERVAL
        last = day
    return Schedule(interval, last, last + timedelta(days=interval) if last else today)


class ReviewItem(Output):
    sheet_music_id: uuid.UUID
    title: str
    composer: str | None
    status: RepertoireStatus
    interval_days: int
    last_practised: date | None
    due_on: date
    days_since: int | None = Field(description="Days since the piece was last practised (None: never)")
    neglected: bool
    snoozed_until: date | None
    dropped: bool


class ReviewQueue(Output):
    today: date
    due: list[ReviewItem] = Field(description="Due today or earlier, oldest first (snoozed and dropped left out)")
    neglected: list[ReviewItem] = Field(description="Not practised for longer than their interval")
    upcoming: list[ReviewItem]
    set_aside: list[ReviewItem] = Field(description="Snoozed or dropped")


class ReviewChange(Input):
    snooze_days: int | None = Field(default=None, ge=1, le=MAX_SNOOZE_DAYS, description="Hide for this many days")
    dropped: bool | None = Field(default=None, description="True: out of review; false: back in")


def review_queue(session: Session, *, actor: Actor, today: date | None = None) -> ReviewQueue:
    """Every reviewed piece of the actor with its schedule, sorted into due, neglected and the rest."""
    today = today or local_day(utcnow(), actor.timezone)
    items = review_items(session, actor=actor, today=today)
    hidden = [i for i in items if i.dropped or (i.snoozed_until and i.snoozed_until > today)]
    shown = [i for i in items if i not in hidden]
    return ReviewQueue(
        today=today,
        due=sorted((i for i in shown if i.due_on <= today), key=lambda i: (i.due_on, i.title)),
        neglected=sorted((i for i in shown if i.neglected), key=lambda i: -(i.days_since or 0)),
        upcoming=sorted((i for i in shown if i.due_on > today), key=lambda i: (i.due_on, i.title)),
        set_aside=sorted(hidden, key=lambda i: i.title),
    )


def review_items(session: Session, *, actor: Actor, today: date, before_today: bool = False) -> list[ReviewItem]:
    """Each reviewed piece with its schedule; ``before_today`` leaves today's practice out (what was
    due this morning, for the day's agenda, which ticks a review done when the piece is practised)."""
    pieces = session.exec(
        select(UserSheetMusicProgress, SheetMusic)
        .join(SheetMusic, col(SheetMusic.id) == UserSheetMusicProgress.sheet_music_id)
        .where(
            UserSheetMusicProgress.user_id == actor.id,
            col(UserSheetMusicProgress.in_repertoire).is_(True),
            col(UserSheetMusicProgress.status).in_(REVIEWED),
        )
    ).all()
    if not pieces:
        return []
    days = _practice_days(session, actor, [piece.id for _, piece in pieces])
    overrides = {
        row.sheet_music_id: row
        for row in session.exec(select(ReviewOverride).where(ReviewOverride.user_id == actor.id)).all()
    }
    items = []
    for progress, piece in pieces:
        piece_days = days.get(piece.id, {})
        if before_today:
            piece_days = {day: score for day, score in piece_days.items() if day < today}
        plan = schedule(piece_days, today)
        override = overrides.get(piece.id)
        since = (today - plan.last_practised).days if plan.last_practised else None
        items.append(
            ReviewItem(
                sheet_music_id=piece.id,
                title=piece.title,
                composer=piece.composer,
                status=RepertoireStatus(progress.status or RepertoireStatus.LEARNING.value),
                interval_days=plan.interval_days,
                last_practised=plan.last_practised,
                due_on=plan.due_on,
                days_since=since,
                neglected=since is not None and since > plan.interval_days,
                snoozed_until=override.snoozed_until if override else None,
                dropped=bool(override and override.dropped),
            )
        )
    return items


def change_review(
    session: Session, *, actor: Actor, sheet_music_id: uuid.UUID, data: ReviewChange | Mapping[str, Any]
) -> ReviewItem:
    """Snooze a piece for some days, drop it from review, or take it back."""
    wanted = parse(ReviewChange, data)
    today = local_day(utcnow(), actor.timezone)
    item = next(
        (i for i in review_items(session, actor=actor, today=today) if i.sheet_music_id == sheet_music_id), None
    )
    if item is None:
        raise NotFound(_("No piece you are learning or have polished has this id."))
    row = session.get(ReviewOverride, (actor.id, sheet_music_id)) or ReviewOverride(
        user_id=actor.id, sheet_music_id=sheet_music_id
    )
    if wanted.snooze_days is not None:
        row.snoozed_until = today + timedelta(days=wanted.snooze_days)
    if wanted.dropped is not None:
        row.dropped = wanted.dropped
        if not wanted.dropped:
            row.snoozed_until = None
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return item.model_copy(update={"snoozed_until": row.snoozed_until, "dropped": row.dropped})


def _practice_days(session: Session, actor: Actor, piece_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[date, int]]:
    """Per piece, per local day: the day's score (see :func:`day_score`)."""
    rows = session.connection().execute(
        sa_select(
            col(PracticeLog.sheet_music_id),
            raw_time(PracticeLog.start_time),
            col(PracticeLog.self_rating),
            col(PracticeLog.accuracy_percentage),
        ).where(
            col(PracticeLog.user_id) == actor.id,
            col(PracticeLog.is_active).is_(True),
            col(PracticeLog.sheet_music_id).in_(piece_ids),
        )
    )
    zone = ZoneInfo(actor.timezone)
    ratings: dict[tuple[uuid.UUID, date], list[int | None]] = defaultdict(list)
    accuracies: dict[tuple[uuid.UUID, date], list[float | None]] = defaultdict(list)
    for piece_id, start, rating, accuracy in rows:
        key = (piece_id, as_utc(start).astimezone(zone).date())
        ratings[key].append(rating)
        accuracies[key].append(accuracy)
    found: dict[uuid.UUID, dict[date, int]] = defaultdict(dict)
    for (piece_id, day), day_ratings in ratings.items():
        found[piece_id][day] = day_score(day_ratings, accuracies[(piece_id, day)])
    return found
