"""A teacher's studio: the students who share with them, each read through the student's own services.

Every function first asks ``sharing.student_actor`` whether the teacher may see that student,
then calls the same read-only service the student's own page uses, as the student.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlmodel import Session

from services import analytics, dashboard, progress, sharing
from services.actor import Actor
from services.analytics import AnalyticsPage
from services.analytics_query import AnalyticsQuery
from services.dashboard import Dashboard
from services.progress import ProgressOverview, Streaks
from services.sharing import Person
from services.validation import Output


class StudentWeek(Output):
    """One student on the studio overview."""

    student: Person
    share_id: uuid.UUID
    today_seconds: int
    week_seconds: int
    daily_goal_minutes: int
    current_streak: int
    last_practice_date: date | None
    in_progress: list[str]


def overview(session: Session, *, actor: Actor) -> list[StudentWeek]:
    """Each sharing student's week: time, streak, last practice, pieces in progress."""
    weeks = []
    for share in sharing.students_of_teacher(session, actor=actor):
        student = sharing.student_actor(session, actor=actor, student_id=share.student.id)
        board = dashboard.dashboard(session, actor=student, recommend=False)  # "Try next" is not shown here
        summary = progress.overview(session, actor=student)
        weeks.append(
            StudentWeek(
                student=share.student,
                share_id=share.id,
                today_seconds=board.today_seconds,
                week_seconds=board.week_seconds,
                daily_goal_minutes=board.daily_goal_minutes,
                current_streak=board.current_streak,
                last_practice_date=summary.last_practice_date,
                in_progress=[item.title for item in board.in_progress],
            )
        )
    return weeks


def student_dashboard(session: Session, *, actor: Actor, student_id: uuid.UUID) -> Dashboard:
    return dashboard.dashboard(session, actor=sharing.student_actor(session, actor=actor, student_id=student_id))


def student_progress(session: Session, *, actor: Actor, student_id: uuid.UUID) -> ProgressOverview:
    return progress.overview(session, actor=sharing.student_actor(session, actor=actor, student_id=student_id))


def student_analytics(
    session: Session, *, actor: Actor, student_id: uuid.UUID, query: AnalyticsQuery | dict[str, Any]
) -> AnalyticsPage:
    student = sharing.student_actor(session, actor=actor, student_id=student_id)
    return analytics.analytics_page(session, actor=student, query=query)


def student_streaks(session: Session, *, actor: Actor, student_id: uuid.UUID) -> Streaks:
    return progress.streaks(session, actor=sharing.student_actor(session, actor=actor, student_id=student_id))
