"""Progress: what a musician has achieved so far (the summary; the progress issue fills in the rest)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.models import PracticeLog
from app.views import user_statistics
from services.actor import Actor
from services.practice_shapes import LogOut
from services.validation import Output

RECENT_LOGS = 5


class ProgressSummary(Output):
    total_practice_seconds: int
    total_logs: int
    practice_days: int
    unique_pieces: int
    average_self_rating: float | None
    average_accuracy: float | None
    last_practice_at: datetime | None
    recent_activity: list[LogOut]


def progress_summary(session: Session, *, actor: Actor) -> ProgressSummary:
    """Totals from the user_statistics view and the most recent logs."""
    stats = (
        session.connection().execute(sa_select(user_statistics).where(user_statistics.c.user_id == actor.id)).first()
    )
    recent = session.exec(
        select(PracticeLog)
        .where(PracticeLog.user_id == actor.id, col(PracticeLog.is_active).is_(True))
        .order_by(col(PracticeLog.start_time).desc())
        .limit(RECENT_LOGS)
    ).all()
    count = session.exec(
        select(func.count())
        .select_from(PracticeLog)
        .where(PracticeLog.user_id == actor.id, col(PracticeLog.is_active).is_(True))
    ).one()
    return ProgressSummary(
        total_practice_seconds=int(stats.total_practice_seconds or 0) if stats else 0,
        total_logs=count,
        practice_days=int(stats.total_practice_days or 0) if stats else 0,
        unique_pieces=int(stats.unique_pieces or 0) if stats else 0,
        average_self_rating=_rounded(stats.avg_self_rating) if stats else None,
        average_accuracy=_rounded(stats.avg_accuracy) if stats else None,
        last_practice_at=recent[0].end_time if recent else None,
        recent_activity=[LogOut.model_validate(log) for log in recent],
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)
