"""REST: practice sessions, logs, the quick log and templates (/api/practice)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.api.deps import BODY_LIMIT, RATE_LIMIT, CurrentActor, SessionDep
from app.api.routing import OneHopRoute
from services import practice_logs, practice_sessions, templates
from services.practice_sessions import SessionEnd, SessionOut, SessionQuery, SessionStart, SessionSummary
from services.practice_shapes import LogIn, LogOut, LogQuery, LogUpdate, QuickLogIn, SavedLog
from services.templates import TemplateIn, TemplateOut
from services.validation import LARGEST_INT, Page

router = APIRouter(
    route_class=OneHopRoute,
    prefix="/api/practice",
    tags=["practice"],
    max_body_size=BODY_LIMIT,
    dependencies=RATE_LIMIT,
)


@router.post("/sessions/start", status_code=status.HTTP_201_CREATED)
def start_session(session: SessionDep, actor: CurrentActor, body: SessionStart) -> SessionOut:
    """Start a practice session (an open one is closed first)."""
    return practice_sessions.start_session(session, actor=actor, data=body)


@router.put("/sessions/{session_id}/end")
def end_session(session: SessionDep, actor: CurrentActor, session_id: uuid.UUID, body: SessionEnd) -> SessionSummary:
    """End a session; returns its duration and statistics."""
    return practice_sessions.end_session(session, actor=actor, session_id=session_id, data=body)


@router.get("/sessions")
def list_sessions(
    session: SessionDep, actor: CurrentActor, query: Annotated[SessionQuery, Query()]
) -> Page[SessionOut]:
    """The user's sessions, newest first."""
    return practice_sessions.list_sessions(session, actor=actor, query=query)


@router.get("/sessions/{session_id}")
def get_session(session: SessionDep, actor: CurrentActor, session_id: uuid.UUID) -> SessionSummary:
    """One session with the logs made in it."""
    return practice_sessions.get_session(session, actor=actor, session_id=session_id)


@router.post("/logs", status_code=status.HTTP_201_CREATED)
def create_log(session: SessionDep, actor: CurrentActor, body: LogIn, response: Response) -> LogOut:
    """Record practice. 201 when created; 200 when this id was already created with this content."""
    return _saved(practice_logs.log_practice(session, actor=actor, data=body), response)


@router.put("/logs/{log_id}")
def update_log(session: SessionDep, actor: CurrentActor, log_id: uuid.UUID, body: LogUpdate) -> LogOut:
    """Replace a log's content; send `version` to refuse the edit if the log changed meanwhile."""
    return practice_logs.update_log(session, actor=actor, log_id=log_id, data=body)


@router.get("/logs")
def list_logs(session: SessionDep, actor: CurrentActor, query: Annotated[LogQuery, Query()]) -> Page[LogOut]:
    """The user's logs with filters, newest first."""
    return practice_logs.list_logs(session, actor=actor, query=query)


@router.get("/logs/{log_id}")
def get_log(session: SessionDep, actor: CurrentActor, log_id: uuid.UUID) -> LogOut:
    """One log."""
    return practice_logs.get_log(session, actor=actor, log_id=log_id)


@router.delete("/logs/{log_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_log(
    session: SessionDep,
    actor: CurrentActor,
    log_id: uuid.UUID,
    version: Annotated[int | None, Query(ge=1, le=LARGEST_INT)] = None,
) -> None:
    """Remove a log (restorable with POST .../restore)."""
    practice_logs.delete_log(session, actor=actor, log_id=log_id, version=version)


@router.post("/logs/{log_id}/restore")
def restore_log(session: SessionDep, actor: CurrentActor, log_id: uuid.UUID) -> LogOut:
    """Undo the removal of a log."""
    return practice_logs.restore_log(session, actor=actor, log_id=log_id)


@router.post("/quick-log", status_code=status.HTTP_201_CREATED)
def quick_log(session: SessionDep, actor: CurrentActor, body: QuickLogIn, response: Response) -> LogOut:
    """Log an activity and a duration (seconds) ending now."""
    return _saved(practice_logs.quick_log(session, actor=actor, data=body), response)


@router.get("/templates")
def list_templates(session: SessionDep, actor: CurrentActor) -> list[TemplateOut]:
    """The user's templates."""
    return templates.list_templates(session, actor=actor)


@router.post(
    "/templates",
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Replaced the template of the same name", "model": TemplateOut}},
)
def save_template(session: SessionDep, actor: CurrentActor, body: TemplateIn, response: Response) -> TemplateOut:
    """Save a template; 200 when it replaced one of the same name."""
    template, created = templates.save_template(session, actor=actor, data=body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return template


@router.delete("/templates/{template_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_template(session: SessionDep, actor: CurrentActor, template_id: uuid.UUID) -> None:
    """Remove a template."""
    templates.delete_template(session, actor=actor, template_id=template_id)


def _saved(saved: SavedLog, response: Response) -> LogOut:
    response.headers["Location"] = f"/api/practice/logs/{saved.log.id}"
    if not saved.created:
        response.status_code = status.HTTP_200_OK
    return saved.log
