"""The dashboard: today, this week, the streak, what was practised lately and what is in progress."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import Field
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.models import PracticeLog, RepertoireStatus, utcnow
from services.actor import Actor
from services.calendar_days import current_streak, local_day, week_start
from services.goals import GoalProgress, list_goals
from services.local_days_sql import as_date
from services.practice_days import DAYS
from services.practice_shapes import LogOut
from services.recommendations import Recommendation, recommended
from services.repertoire import RepertoireItem, list_repertoire
from services.take_feedback import TakeCommentOut, new_feedback_for_me
from services.teaching import AssignmentOut, CommentOut, my_assignments, recent_comments_for_me
from services.templates import TemplateOut, list_templates
from services.today import Today
from services.today import today as agenda_of_day
from services.users import preferences_of
from services.validation import Output

RECENT = 5
RECOMMENDED = 3
STREAK_LOOKBACK_DAYS = 400


class DayTotal(Output):
    day: date
    seconds: int


class Dashboard(Output):
    today: date
    today_seconds: int
    week_seconds: int
    week: list[DayTotal]
    daily_goal_minutes: int
    current_streak: int
    recent_logs: list[LogOut]
    in_progress: list[RepertoireItem]
    templates: list[TemplateOut]
    recommended: list[Recommendation] | None = Field(
        default=None, description="None when not asked for (a refresh keeps the ones it showed)"
    )
    assignments: list[AssignmentOut]
    teacher_comments: list[CommentOut]
    take_feedback: list[TakeCommentOut]
    agenda: Today
    goals: list[GoalProgress]
    quiet_mode: bool
    show_streaks: bool


def dashboard(session: Session, *, actor: Actor, today: date | None = None, recommend: bool = True) -> Dashboard:
    """Everything the dashboard shows, in the actor's time zone.

    ``recommend=False`` leaves out "Try next" (most of the work here), for a refresh after a save.
    """
    preferences = preferences_of(session, actor.id)
    today = today or local_day(utcnow(), actor.timezone)
    first = week_start(today, preferences["weekStartsOn"])
    per_day = practice_by_day(session, actor=actor, since=today - timedelta(days=STREAK_LOOKBACK_DAYS))
    week = [
        DayTotal(day=first + timedelta(days=i), seconds=per_day.get(first + timedelta(days=i), 0)) for i in range(7)
    ]
    assignments = my_assignments(session, actor=actor)
    recent = session.exec(
        select(PracticeLog)
        .where(PracticeLog.user_id == actor.id, col(PracticeLog.is_active).is_(True))
        .order_by(col(PracticeLog.start_time).desc())
        .limit(RECENT)
    ).all()
    return Dashboard(
        today=today,
        today_seconds=per_day.get(today, 0),
        week_seconds=sum(d.seconds for d in week),
        week=week,
        daily_goal_minutes=int(preferences["dailyGoalMinutes"]),
        current_streak=current_streak(per_day, today),
        recent_logs=[LogOut.model_validate(log) for log in recent],
        in_progress=list_repertoire(session, actor=actor, status=RepertoireStatus.LEARNING),
        templates=list_templates(session, actor=actor),
        recommended=recommended(session, actor=actor, query={"limit": RECOMMENDED}) if recommend else None,
        assignments=assignments,
        teacher_comments=recent_comments_for_me(session, actor=actor),
        take_feedback=new_feedback_for_me(session, actor=actor),
        agenda=agenda_of_day(session, actor=actor, day=today, given=assignments),
        goals=list_goals(session, actor=actor, today=today),
        quiet_mode=bool(preferences["quietMode"]),
        show_streaks=bool(preferences["showStreaks"]),
    )


def practice_by_day(session: Session, *, actor: Actor, since: date) -> dict[date, int]:
    """Seconds practised per local day since ``since`` (days without practice are absent).

    From the practice days (``services.practice_days``, kept in step with the logs before each
    commit), as analytics reads them: a few rows a day, where the logs of 400 days were read one by
    one and put on their local day in Python on every dashboard load.
    """
    rows = session.connection().execute(
        sa_select(DAYS.c.day, func.sum(DAYS.c.seconds))
        .where(DAYS.c.user_id == actor.id, DAYS.c.day >= since)
        .group_by(DAYS.c.day)
        .having(func.sum(DAYS.c.logs) > 0)
    )
    return {as_date(day): int(seconds or 0) for day, seconds in rows}
