"""Autocomplete for the log form: composers and titles from the catalogue and the user's own history."""

from __future__ import annotations

from sqlalchemy import func, or_, union
from sqlmodel import Session, col, select

from core import composer_names
from core.models import PracticeLog, SheetMusic
from services.actor import Actor

LIMIT = 12


def composers(session: Session, *, actor: Actor, text: str = "") -> list[str]:
    """Composer names containing ``text``, the user's own first."""
    pattern = f"%{_plain(text)}%"
    mine = (
        select(PracticeLog.composer)
        .where(PracticeLog.user_id == actor.id, col(PracticeLog.composer).ilike(pattern))
        .distinct()
    )
    unaccented = f"%{composer_names.plain(_plain(text))}%"  # "dvorak" finds Dvořák
    catalogue = (
        select(SheetMusic.composer, SheetMusic.composer_sort)
        .where(
            col(SheetMusic.is_active).is_(True),
            or_(col(SheetMusic.composer).ilike(pattern), col(SheetMusic.composer_sort).like(unaccented)),
        )
        .distinct()
        .order_by(col(SheetMusic.composer_sort))  # by surname: Bach, Beethoven, Chopin
    )
    names = list(session.exec(mine.limit(LIMIT)).all())
    names += [n for n, _ in session.exec(catalogue.limit(LIMIT * 2)).all() if n not in names]
    return [n for n in names if n][:LIMIT]


def titles(session: Session, *, actor: Actor, text: str = "", composer: str | None = None) -> list[str]:
    """Work titles containing ``text`` (of ``composer`` when given), from history and catalogue."""
    pattern = f"%{_plain(text)}%"
    mine = select(PracticeLog.work_title.label("title")).where(  # type: ignore[union-attr]  # sqlmodel types the column as its Python value
        PracticeLog.user_id == actor.id, col(PracticeLog.work_title).ilike(pattern)
    )
    catalogue = select(SheetMusic.title.label("title")).where(  # type: ignore[attr-defined]  # sqlmodel types the column as its Python value
        col(SheetMusic.is_active).is_(True), col(SheetMusic.title).ilike(pattern)
    )
    if composer := (composer or "").replace("\x00", ""):
        mine = mine.where(func.lower(PracticeLog.composer) == composer.lower())
        catalogue = catalogue.where(func.lower(SheetMusic.composer) == composer.lower())
    both = union(mine, catalogue).subquery()
    return [t for t in session.exec(select(both.c.title).order_by(both.c.title).limit(LIMIT)).all() if t]


def _plain(text: str) -> str:
    # Typed text, unchecked by any input model: a NUL byte would make PostgreSQL refuse the query.
    return text.replace("\x00", "").strip().replace("%", "").replace("_", " ")[:100]
