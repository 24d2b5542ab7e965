"""REST: comments on logs and assignments (/api/practice/logs/{id}/comments, /api/assignments, /api/teacher/...)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from app.api.deps import BODY_LIMIT, RATE_LIMIT, CurrentActor, SessionDep
from app.api.routing import OneHopRoute
from services import teaching
from services.teaching import AssignmentIn, AssignmentOut, CommentIn, CommentOut

router = APIRouter(route_class=OneHopRoute, tags=["teaching"], max_body_size=BODY_LIMIT, dependencies=RATE_LIMIT)


@router.get("/api/practice/logs/{log_id}/comments")
def comments(session: SessionDep, actor: CurrentActor, log_id: uuid.UUID) -> list[CommentOut]:
    """Comments on a log: yours, or a student's who shares with you."""
    return teaching.comments_on_log(session, actor=actor, log_id=log_id)


@router.post("/api/practice/logs/{log_id}/comments", status_code=status.HTTP_201_CREATED)
def comment(session: SessionDep, actor: CurrentActor, log_id: uuid.UUID, body: CommentIn) -> CommentOut:
    """Comment on a log: your own, or a student's who shares with you."""
    return teaching.add_comment(session, actor=actor, log_id=log_id, data=body)


@router.get("/api/assignments")
def my_assignments(session: SessionDep, actor: CurrentActor) -> list[AssignmentOut]:
    """What your teachers asked you to practise, with your practice toward each."""
    return teaching.my_assignments(session, actor=actor)


@router.get("/api/teacher/students/{student_id}/assignments")
def student_assignments(session: SessionDep, actor: CurrentActor, student_id: uuid.UUID) -> list[AssignmentOut]:
    return teaching.assignments_for_student(session, actor=actor, student_id=student_id)


@router.post("/api/teacher/students/{student_id}/assignments", status_code=status.HTTP_201_CREATED)
def assign(session: SessionDep, actor: CurrentActor, student_id: uuid.UUID, body: AssignmentIn) -> AssignmentOut:
    """Give a student who shares with you a piece or exercise, a target tempo and a due date."""
    return teaching.assign(session, actor=actor, student_id=student_id, data=body)


@router.delete("/api/teacher/assignments/{assignment_id}", status_code=status.HTTP_204_NO_CONTENT)
def withdraw(session: SessionDep, actor: CurrentActor, assignment_id: uuid.UUID) -> None:
    """Take back an assignment you gave."""
    teaching.withdraw_assignment(session, actor=actor, assignment_id=assignment_id)
