"""Tiny factories for test data; each returns what a test needs next (an Actor, an id)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlmodel import Session

from core.db import Database
from core.models import Role, SheetMusic, User
from services.actor import Actor


def make_user(session: Session, **overrides: Any) -> Actor:
    values: dict[str, Any] = {"email": f"{uuid.uuid4().hex[:10]}@example.com", "primary_instrument": "piano"}
    values.update(overrides)
    user = User(**values)
    session.add(user)
    session.flush()
    return Actor(id=user.id, role=Role(user.role), timezone=user.timezone)


def new_user(db: Database, **overrides: Any) -> Actor:
    with db.transaction() as session:
        return make_user(session, **overrides)


def new_piece(db: Database, **overrides: Any) -> uuid.UUID:
    values: dict[str, Any] = {
        "title": "Test Piece",
        "composer": "Test Composer",
        "instrument": "piano",
        "difficulty_level": 3,
    }
    values.update(overrides)
    with db.transaction() as session:
        piece = SheetMusic(**values)
        session.add(piece)
        session.flush()
        return piece.id


def earlier_today(before: timedelta = timedelta(hours=2), zone: tzinfo = UTC) -> datetime:
    """`before` ago, but never before today's midnight in `zone` (UTC is the test users' zone).

    Tests that count "today" or "this week" must not depend on the hour they run: at 00:30 on a
    Monday, "two hours ago" is last week, and such a test failed in CI just after midnight.
    The start may not be in the future, so midnight itself is the earliest safe choice.
    """
    now = datetime.now(zone).replace(microsecond=0)
    return max(now - before, now.replace(hour=0, minute=0, second=0)).astimezone(UTC)


def log_body(**overrides: Any) -> dict[str, Any]:
    """A valid practice log as a REST client would send it (camelCase), started earlier today."""
    start = earlier_today()
    body: dict[str, Any] = {
        "activityType": "repertoire",
        "instrument": "piano",
        "startTime": start.isoformat(),
        "durationSeconds": 1200,
        "composer": "J. S. Bach",
        "workTitle": "Invention No. 1",
        "tempoPracticed": 72,
        "targetTempo": 88,
        "focusAreas": ["rhythm", "articulation"],
        "selfRating": 7,
        "practiceNotes": "Left hand still uneven in bar 7.",
    }
    body.update(overrides)
    return body
