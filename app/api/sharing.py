"""REST: sharing with a teacher (/api/sharing) and a teacher's read-only view of students (/api/teacher)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from app.api.deps import BODY_LIMIT, RATE_LIMIT, CurrentActor, SessionDep
from app.api.routing import OneHopRoute
from services import sharing, studio
from services.analytics import AnalyticsPage
from services.analytics_query import AnalyticsQuery
from services.dashboard import Dashboard
from services.progress import ProgressOverview
from services.sharing import Acceptance, Invitation, InviteIn, ShareOut
from services.studio import StudentWeek

router = APIRouter(route_class=OneHopRoute, tags=["sharing"], max_body_size=BODY_LIMIT, dependencies=RATE_LIMIT)


@router.post("/api/sharing/invites", status_code=status.HTTP_201_CREATED)
def invite(request: Request, session: SessionDep, actor: CurrentActor, body: InviteIn) -> Invitation:
    """Invite a teacher: by email (the link is mailed to them), or without one (hand over the link yourself)."""
    return sharing.invite_teacher(
        session, actor=actor, data=body, links=request.app.state.invite_links, limiter=request.app.state.limiter
    )


@router.get("/api/sharing")
def my_shares(session: SessionDep, actor: CurrentActor) -> list[ShareOut]:
    """Who can see your practice, and who is invited."""
    return sharing.shares_of_student(session, actor=actor)


@router.post("/api/sharing/accept")
def accept(request: Request, session: SessionDep, actor: CurrentActor, body: Acceptance) -> ShareOut:
    """Accept an invitation (the token from its link): you become the student's teacher."""
    return sharing.accept_invite(session, actor=actor, data=body, links=request.app.state.invite_links)


@router.delete("/api/sharing/{share_id}")
def revoke(session: SessionDep, actor: CurrentActor, share_id: uuid.UUID) -> ShareOut:
    """End a share, as its student or its teacher; it holds from the teacher's next request."""
    return sharing.revoke_share(session, actor=actor, share_id=share_id)


@router.get("/api/teacher/students")
def students(session: SessionDep, actor: CurrentActor) -> list[StudentWeek]:
    """The studio: each student who shares with you, with their week."""
    return studio.overview(session, actor=actor)


@router.get("/api/teacher/students/{student_id}/dashboard")
def student_dashboard(session: SessionDep, actor: CurrentActor, student_id: uuid.UUID) -> Dashboard:
    return studio.student_dashboard(session, actor=actor, student_id=student_id)


@router.get("/api/teacher/students/{student_id}/progress")
def student_progress(session: SessionDep, actor: CurrentActor, student_id: uuid.UUID) -> ProgressOverview:
    return studio.student_progress(session, actor=actor, student_id=student_id)


@router.get("/api/teacher/students/{student_id}/analytics")
def student_analytics(
    session: SessionDep, actor: CurrentActor, student_id: uuid.UUID, query: Annotated[AnalyticsQuery, Query()]
) -> AnalyticsPage:
    return studio.student_analytics(session, actor=actor, student_id=student_id, query=query)
