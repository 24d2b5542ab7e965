"""REST: administration (/api/admin): users, catalogue import, audit log, system figures. Admins only."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.api.deps import CATALOGUE_BODY_LIMIT, RATE_LIMIT, CurrentActor, SessionDep
from app.api.routing import OneHopRoute
from services import admin, catalogue_import
from services.admin import AdminUser, AuditOut, AuditQuery, SystemFigures, UserChange, UserQuery
from services.catalogue_import import ImportIn, ImportReport
from services.validation import Output, Page

router = APIRouter(
    route_class=OneHopRoute,
    prefix="/api/admin",
    tags=["admin"],
    max_body_size=CATALOGUE_BODY_LIMIT,
    dependencies=RATE_LIMIT,
)


class Ended(Output):
    ended: int


@router.get("/users")
def users(session: SessionDep, actor: CurrentActor, query: Annotated[UserQuery, Query()]) -> Page[AdminUser]:
    """Search users by email or name, and by role."""
    return admin.search_users(session, actor=actor, query=query)


@router.patch("/users/{user_id}")
def change_user(session: SessionDep, actor: CurrentActor, user_id: uuid.UUID, body: UserChange) -> AdminUser:
    """Change a user's role, or deactivate (which signs them out everywhere) or reactivate them."""
    return admin.change_user(session, actor=actor, user_id=user_id, data=body)


@router.delete("/users/{user_id}/sessions")
def sign_out_user(session: SessionDep, actor: CurrentActor, user_id: uuid.UUID) -> Ended:
    """End every sign-in of a user."""
    return Ended(ended=admin.sign_out_user(session, actor=actor, user_id=user_id))


@router.post("/catalogue/import")
def import_catalogue(session: SessionDep, actor: CurrentActor, body: ImportIn) -> ImportReport:
    """Preview (dryRun, the default) or import a CSV of pieces or one MusicXML file; bad rows are reported."""
    return catalogue_import.import_catalogue(session, actor=actor, data=body)


@router.get("/audit")
def audit(session: SessionDep, actor: CurrentActor, query: Annotated[AuditQuery, Query()]) -> Page[AuditOut]:
    """The audit log, newest first, by action, user and date."""
    return admin.audit_log(session, actor=actor, query=query)


@router.get("/system")
def system(request: Request, session: SessionDep, actor: CurrentActor) -> SystemFigures:
    """Counts, daily activity, and this process's error rate and slowest endpoints."""
    return admin.system_figures(session, actor=actor, traffic=admin.traffic_from(request.app.state.request_stats))
