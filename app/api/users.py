"""REST: the signed-in user's own account (/api/users/me)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from app.api.deps import BODY_LIMIT, RATE_LIMIT, CurrentActor, SessionDep
from app.api.routing import OneHopRoute
from services import account, practice_tools, progress, users
from services.practice_tools import ToolSettingsOut, ToolSettingsUpdate
from services.progress import ProgressSummary
from services.users import PreferencesUpdate, ProfileUpdate, UserOut

router = APIRouter(
    route_class=OneHopRoute, prefix="/api/users", tags=["users"], max_body_size=BODY_LIMIT, dependencies=RATE_LIMIT
)


@router.get("/me")
def get_me(session: SessionDep, actor: CurrentActor) -> UserOut:
    """The user's profile and preferences."""
    return users.get_profile(session, actor=actor)


@router.put("/me")
def update_me(session: SessionDep, actor: CurrentActor, body: ProfileUpdate) -> UserOut:
    """Change profile fields; fields left out keep their values."""
    return users.update_profile(session, actor=actor, data=body)


@router.put("/me/preferences")
def update_preferences(session: SessionDep, actor: CurrentActor, body: PreferencesUpdate) -> UserOut:
    """Change preferences (theme, notation size, time zone, default instrument, ...)."""
    return users.update_preferences(session, actor=actor, data=body)


@router.get("/me/tools")
def get_tool_settings(session: SessionDep, actor: CurrentActor) -> ToolSettingsOut:
    """The practice room's settings: reference A, click sound, accent, the last tempo per piece."""
    return practice_tools.tool_settings(session, actor=actor)


@router.put("/me/tools")
def update_tool_settings(session: SessionDep, actor: CurrentActor, body: ToolSettingsUpdate) -> ToolSettingsOut:
    """Change practice-room settings; ``pieceTempo`` remembers the tempo last used for one piece."""
    return practice_tools.update_tool_settings(session, actor=actor, data=body)


@router.get("/me/progress")
def get_progress(session: SessionDep, actor: CurrentActor) -> ProgressSummary:
    """A summary of the user's practice: totals, averages, recent activity."""
    return progress.progress_summary(session, actor=actor)


@router.get("/me/export")
def export_data(session: SessionDep, actor: CurrentActor) -> JSONResponse:
    """Everything the app holds about the user, as one JSON document."""
    document: dict[str, Any] = account.export_account(session, actor=actor)
    return JSONResponse(document, headers={"Content-Disposition": 'attachment; filename="mirubato-export.json"'})


@router.get(
    "/me/export.csv",
    responses={200: {"description": "Every log as CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_logs(session: SessionDep, actor: CurrentActor) -> Response:
    """The user's practice logs as CSV."""
    return Response(
        account.export_logs_csv(session, actor=actor),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="mirubato-logs.csv"'},
    )


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
def delete_me(session: SessionDep, actor: CurrentActor) -> None:
    """Delete the account and everything about it. This cannot be undone."""
    account.delete_account(session, actor=actor)  # its browsers' storage goes after the commit (core.effects)
