"""What to learn next: catalogue pieces for the musician's instrument and level, each with a reason.

The level is read from what they actually practise (the median difficulty of the catalogue
pieces in their logs, weighted by time), or from their stated skill level before they have any.
Pieces a little above that level come first. A piece by a composer they have worked on is "a
next step after" that work; a piece from a style period they have hardly touched balances the
one they practise most. Finished, current and dropped pieces are left out.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from sqlalchemy import func
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from core.i18n import _
from core.models import CatalogueInstrument, Instrument, PracticeLog, RepertoireStatus, SheetMusic, User
from core.models import UserSheetMusicProgress as Progress
from services.actor import Actor
from services.catalogue import PieceSummary, summary_of
from services.practice_logs import default_instrument
from services.validation import Input, Output, parse

SKILL_DIFFICULTY = {"beginner": 2, "intermediate": 5, "advanced": 7, "professional": 9}
STARTING_DIFFICULTY = 3
BALANCE_SHARE = 0.5  # a period under half of the practised time is "underplayed" next to the main one
PER_COMPOSER = 2
SETTLED = (RepertoireStatus.LEARNING.value, RepertoireStatus.POLISHED.value, RepertoireStatus.DROPPED.value)


class RecommendationQuery(Input):
    instrument: Instrument | None = None
    limit: int = Field(default=6, ge=1, le=20)


class Recommendation(Output):
    piece: PieceSummary
    reason: str


@dataclass(frozen=True)
class Practised:
    piece_id: uuid.UUID
    title: str
    composer: str | None
    difficulty: int | None
    period: str | None
    seconds: int


def recommended(
    session: Session, *, actor: Actor, query: RecommendationQuery | dict[str, Any] | None = None
) -> list[Recommendation]:
    """Pieces to learn next, best first, at most two per composer."""
    q = parse(RecommendationQuery, query or {})
    instrument = q.instrument.value if q.instrument else default_instrument(session, actor)
    history = _practised(session, actor, instrument)
    level = _level(session, actor, history)
    periods = Counter({p.period: p.seconds for p in history if p.period})
    return [
        Recommendation(piece=summary_of(piece, has_notation=notated), reason=_reason(piece, history, periods, level))
        for piece, notated in _candidates(session, actor, instrument, level, q.limit)
    ]


def _practised(session: Session, actor: Actor, instrument: str) -> list[Practised]:
    rows = session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel types select() for at most four columns
            col(SheetMusic.id),
            col(SheetMusic.title),
            col(SheetMusic.composer),
            col(SheetMusic.difficulty_level),
            col(SheetMusic.style_period),
            func.coalesce(func.sum(PracticeLog.duration_seconds), 0),
        )
        .join(PracticeLog, col(PracticeLog.sheet_music_id) == col(SheetMusic.id))
        .where(
            col(PracticeLog.user_id) == actor.id,
            col(PracticeLog.is_active).is_(True),
            col(PracticeLog.instrument) == instrument,
        )
        .group_by(
            col(SheetMusic.id),
            col(SheetMusic.title),
            col(SheetMusic.composer),
            col(SheetMusic.difficulty_level),
            col(SheetMusic.style_period),
        )
    ).all()
    return [Practised(row[0], row[1], row[2], row[3], row[4], seconds=int(row[5] or 0)) for row in rows]


def _level(session: Session, actor: Actor, history: list[Practised]) -> int:
    """The time-weighted median difficulty of the pieces practised, or the stated skill level's."""
    weighted = sorted((p.difficulty, p.seconds) for p in history if p.difficulty)
    total = sum(seconds for _, seconds in weighted)
    running = 0
    for difficulty, seconds in weighted:
        running += seconds
        if running * 2 >= total:
            return difficulty
    user = session.get(User, actor.id)
    return SKILL_DIFFICULTY.get(user.skill_level or "", STARTING_DIFFICULTY) if user else STARTING_DIFFICULTY


def _candidates(
    session: Session, actor: Actor, instrument: str, level: int, limit: int
) -> list[tuple[SheetMusic, bool]]:
    """The best ``limit`` pieces: nearest to a little above the level, then by composer and title,
    at most PER_COMPOSER per composer.

    Ranked and cut in SQL: the band of difficulties can hold most of a large catalogue, and
    loading it all to keep six took a fifth of the dashboard's render (10,000 pieces).
    """
    settled = select(Progress.sheet_music_id).where(
        Progress.user_id == actor.id,
        col(Progress.is_completed).is_(True) | col(Progress.status).in_(SETTLED),
    )
    distance = func.abs(col(SheetMusic.difficulty_level) - (level + 0.5))
    composer = _codepoints(session, func.coalesce(col(SheetMusic.composer), ""))
    title = _codepoints(session, col(SheetMusic.title))
    in_band = (
        select(
            col(SheetMusic.id).label("id"),
            func.row_number().over(partition_by=composer, order_by=(distance, title)).label("place"),
        )
        .where(
            col(SheetMusic.is_active).is_(True),
            col(SheetMusic.instrument).in_([instrument, CatalogueInstrument.BOTH.value]),
            col(SheetMusic.difficulty_level).between(level - 1, level + 2),
            col(SheetMusic.id).not_in(settled),
        )
        .subquery()
    )
    return list(
        session.exec(
            select(SheetMusic, col(SheetMusic.notation_data).is_not(None))
            .options(defer(SheetMusic.notation_data))  # type: ignore[arg-type]  # sqlmodel types the column as its Python value
            .join(in_band, in_band.c.id == col(SheetMusic.id))
            .where(in_band.c.place <= PER_COMPOSER)
            .order_by(distance, composer, title)
            .limit(limit)
        ).all()
    )


def _codepoints(session: Session, text: Any) -> Any:
    """Order text by code point on both databases (SQLite's default; PostgreSQL's "C" collation),
    as Python sorts it, so the two databases recommend the same pieces."""
    return text.collate("C") if session.get_bind().dialect.name == "postgresql" else text


def _reason(piece: SheetMusic, history: list[Practised], periods: Counter[str], level: int) -> str:
    same_composer = [p for p in history if p.composer and p.composer == piece.composer and p.piece_id != piece.id]
    if same_composer:
        previous = max(same_composer, key=lambda p: p.seconds)
        # Translators: {title} is the title of a piece the musician practised, by the same composer.
        return _("A next step after {title}", title=previous.title)
    if periods and piece.style_period and piece.style_period not in periods:
        main, main_seconds = periods.most_common(1)[0]
        if main and periods[piece.style_period] < BALANCE_SHARE * main_seconds:
            # English needs "A" or "An" by the period's first sound: two texts, translated alike.
            if with_article(piece.style_period).startswith("an "):
                # Translators: {period} and {main} are style periods (Baroque...); translate as "A {period}...".
                return _("An {period} piece to balance your {main}", period=piece.style_period, main=main)
            # Translators: {period} and {main} are style periods (Baroque...); translate as "An {period}...".
            return _("A {period} piece to balance your {main}", period=piece.style_period, main=main)
    difficulty = piece.difficulty_level or level
    if difficulty > level:
        # Translators: difficulties run from 1 to 10; {level} is the musician's own level on that scale.
        return _(
            "A step up from your level ({difficulty} of 10 against your {level})", difficulty=difficulty, level=level
        )
    # Translators: difficulties run from 1 to 10.
    return _("Within reach at your level ({difficulty} of 10)", difficulty=difficulty)


# Words whose first letter is a vowel but whose first sound is not, and the other way round.
_SOUNDS_LIKE_CONSONANT = ("uni", "use", "usu", "eu", "one", "once")
_SOUNDS_LIKE_VOWEL = ("hour", "honest", "honou", "heir")


def with_article(word: str) -> str:
    """``word`` after "a" or "an", chosen by how it sounds: "an Impressionist", "a Romantic", "a unique"."""
    lower = word.lower()
    vowel = lower[:1] in set("aeiou") and not lower.startswith(_SOUNDS_LIKE_CONSONANT)
    if lower.startswith(_SOUNDS_LIKE_VOWEL):
        vowel = True
    return f"{'an' if vowel else 'a'} {word}"
