"""REST: plans, today's agenda, the review queue, goals, reminders and the calendar feed."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import Response

from app.api.deps import BODY_LIMIT, RATE_LIMIT, CurrentActor, SessionDep
from app.api.routing import OneHopRoute
from services import calendar_feed, goals, plans, reminders, review_queue, today
from services.calendar_feed import FeedOut
from services.goals import GoalDetail, GoalIn, GoalMetOut, GoalProgress
from services.plans import PlanIn, PlanOut
from services.reminders import PushEndpoint, PushSubscriptionIn, ReminderIn, ReminderOut
from services.review_queue import ReviewChange, ReviewItem, ReviewQueue
from services.today import Today
from services.validation import Output

router = APIRouter(route_class=OneHopRoute, tags=["plans and goals"], max_body_size=BODY_LIMIT, dependencies=RATE_LIMIT)
public = APIRouter(
    route_class=OneHopRoute, tags=["plans and goals"], max_body_size=BODY_LIMIT
)  # token-bearing links, no sign-in
Token = Annotated[str, Query(min_length=10, max_length=500)]


class PushKey(Output):
    public_key: str | None


@router.get("/api/plans")
def list_plans(session: SessionDep, actor: CurrentActor) -> list[PlanOut]:
    """Your plans, then those your teachers gave you."""
    return plans.list_plans(session, actor=actor)


@router.post("/api/plans", status_code=status.HTTP_201_CREATED)
def create_plan(session: SessionDep, actor: CurrentActor, body: PlanIn) -> PlanOut:
    return plans.create_plan(session, actor=actor, data=body)


@router.get("/api/plans/{plan_id}")
def get_plan(session: SessionDep, actor: CurrentActor, plan_id: uuid.UUID) -> PlanOut:
    return plans.get_plan(session, actor=actor, plan_id=plan_id)


@router.put("/api/plans/{plan_id}")
def update_plan(session: SessionDep, actor: CurrentActor, plan_id: uuid.UUID, body: PlanIn) -> PlanOut:
    """Replace a plan (a plan a teacher gave is changed by that teacher)."""
    return plans.update_plan(session, actor=actor, plan_id=plan_id, data=body)


@router.delete("/api/plans/{plan_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_plan(session: SessionDep, actor: CurrentActor, plan_id: uuid.UUID) -> None:
    """Stop a plan: yours, one given to you, or one you gave a student."""
    plans.delete_plan(session, actor=actor, plan_id=plan_id)


@router.get("/api/teacher/students/{student_id}/plans")
def student_plans(session: SessionDep, actor: CurrentActor, student_id: uuid.UUID) -> list[PlanOut]:
    return plans.plans_given_to(session, actor=actor, student_id=student_id)


@router.post("/api/teacher/students/{student_id}/plans", status_code=status.HTTP_201_CREATED)
def give_plan(session: SessionDep, actor: CurrentActor, student_id: uuid.UUID, body: PlanIn) -> PlanOut:
    """Give a student who shares with you a plan (it shows under "From your teacher")."""
    return plans.give_plan(session, actor=actor, student_id=student_id, data=body)


@router.get("/api/today")
def agenda(session: SessionDep, actor: CurrentActor) -> Today:
    """What is due on your local today, and what today's logs ticked off."""
    return today.today(session, actor=actor)


@router.get("/api/review-queue")
def queue(session: SessionDep, actor: CurrentActor) -> ReviewQueue:
    return review_queue.review_queue(session, actor=actor)


@router.patch("/api/review-queue/{piece_id}")
def change_review(session: SessionDep, actor: CurrentActor, piece_id: uuid.UUID, body: ReviewChange) -> ReviewItem:
    """Snooze a piece for some days, drop it from review, or take it back."""
    return review_queue.change_review(session, actor=actor, sheet_music_id=piece_id, data=body)


@router.get("/api/goals")
def list_goals(session: SessionDep, actor: CurrentActor) -> list[GoalProgress]:
    return goals.list_goals(session, actor=actor)


@router.get("/api/goals/met")
def goals_met(session: SessionDep, actor: CurrentActor) -> list[GoalMetOut]:
    """Achievements: each goal met, per period, latest first."""
    return goals.goals_met(session, actor=actor)


@router.post("/api/goals", status_code=status.HTTP_201_CREATED)
def create_goal(session: SessionDep, actor: CurrentActor, body: GoalIn) -> GoalDetail:
    return goals.create_goal(session, actor=actor, data=body)


@router.get("/api/goals/{goal_id}")
def get_goal(session: SessionDep, actor: CurrentActor, goal_id: uuid.UUID) -> GoalDetail:
    """A goal with its progress and its history."""
    return goals.get_goal(session, actor=actor, goal_id=goal_id)


@router.put("/api/goals/{goal_id}")
def update_goal(session: SessionDep, actor: CurrentActor, goal_id: uuid.UUID, body: GoalIn) -> GoalDetail:
    return goals.update_goal(session, actor=actor, goal_id=goal_id, data=body)


@router.delete("/api/goals/{goal_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_goal(session: SessionDep, actor: CurrentActor, goal_id: uuid.UUID) -> None:
    goals.delete_goal(session, actor=actor, goal_id=goal_id)


@router.get("/api/users/me/reminders")
def get_reminders(session: SessionDep, actor: CurrentActor) -> ReminderOut:
    return reminders.get_reminders(session, actor=actor)


@router.put("/api/users/me/reminders")
def set_reminders(session: SessionDep, actor: CurrentActor, body: ReminderIn) -> ReminderOut:
    """When to be reminded: a local time, weekdays, by email and/or push."""
    return reminders.set_reminders(session, actor=actor, data=body)


@public.get("/api/push/public-key")
def push_public_key(request: Request) -> PushKey:
    """The server's VAPID key, for ``PushManager.subscribe({applicationServerKey})``."""
    return PushKey(public_key=request.app.state.vapid_public_key)


@router.post("/api/users/me/push-subscriptions")
def add_push_subscription(session: SessionDep, actor: CurrentActor, body: PushSubscriptionIn) -> ReminderOut:
    """Keep this browser's push subscription (``subscription.toJSON()``)."""
    return reminders.add_push_subscription(session, actor=actor, data=body)


@router.delete("/api/users/me/push-subscriptions")
def remove_push_subscription(session: SessionDep, actor: CurrentActor, body: PushEndpoint) -> ReminderOut:
    return reminders.remove_push_subscription(session, actor=actor, data=body)


@router.get("/api/users/me/calendar-feed")
def get_feed(request: Request, session: SessionDep, actor: CurrentActor) -> FeedOut:
    """Your private calendar address (url null: none made yet)."""
    state = request.app.state
    return calendar_feed.current_feed(session, actor=actor, links=state.feed_links, base_url=state.settings.base_url)


@router.post("/api/users/me/calendar-feed", status_code=status.HTTP_201_CREATED)
def new_feed(request: Request, session: SessionDep, actor: CurrentActor) -> FeedOut:
    """A new private calendar address; the previous one stops working."""
    state = request.app.state
    return calendar_feed.new_feed(session, actor=actor, links=state.feed_links, base_url=state.settings.base_url)


@router.delete("/api/users/me/calendar-feed", status_code=status.HTTP_204_NO_CONTENT)
def revoke_feed(session: SessionDep, actor: CurrentActor) -> None:
    calendar_feed.revoke_feed(session, actor=actor)


@public.get(
    "/api/calendar/plans.ics",
    response_class=Response,
    responses={404: {"description": "No calendar has this address (forged, mangled or revoked)"}},
)
def calendar(request: Request, session: SessionDep, key: Token) -> Response:
    """The calendar behind a private address (404 once revoked)."""
    body = calendar_feed.feed_ics(session, token=key, links=request.app.state.feed_links)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"},
    )


@public.post("/api/reminders/stop", status_code=status.HTTP_204_NO_CONTENT)
def stop_reminders(request: Request, session: SessionDep, token: Token) -> None:
    """One-click unsubscribe (RFC 8058) from a reminder email's List-Unsubscribe header."""
    reminders.stop_by_link(session, token=token, links=request.app.state.reminder_links)
