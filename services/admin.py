"""Administration: users (search, role, deactivate, sign out), the audit log, and system figures.

Every function requires the admin role; an admin cannot lock themselves out (demote or
deactivate their own account), so a studio always keeps someone who can manage it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import Field, StringConstraints
from sqlalchemy import distinct, func, or_
from sqlmodel import Session, col, select

from core.i18n import _
from core.models import AuditEvent, PracticeLog, Role, SheetMusic, User, utcnow
from services import audit, auth_sessions
from services.actor import Actor, require_admin
from services.errors import Conflict, NotFound
from services.validation import Input, Offset, Output, Page, page_of, parse

SYSTEM_DAYS = 14


class UserQuery(Input):
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    role: Role | None = None
    limit: int = Field(default=50, ge=1, le=200)
    offset: Offset = 0


class UserChange(Input):
    role: Role | None = None
    is_active: bool | None = None


class AdminUser(Output):
    id: uuid.UUID
    email: str
    display_name: str | None
    role: Role
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None
    logs: int


class AuditQuery(Input):
    action: Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)] | None = None
    user_id: uuid.UUID | None = Field(default=None, description="Events done by or to this user")
    date_from: date | None = Field(default=None, alias="from")
    date_to: date | None = Field(default=None, alias="to")
    limit: int = Field(default=50, ge=1, le=200)
    offset: Offset = 0


class AuditOut(Output):
    id: uuid.UUID
    occurred_at: datetime
    action: str
    actor_email: str | None
    subject_email: str | None
    request_id: str | None
    ip: str | None
    details: dict[str, Any] | None


class DayCount(Output):
    day: date
    count: int


class EndpointTime(Output):
    route: str
    requests: int
    p95_ms: float


class SystemFigures(Output):
    users: int
    active_users: int
    logs: int
    pieces: int
    daily_active_users: list[DayCount]
    logs_per_day: list[DayCount]
    requests: int
    server_errors: int
    error_rate_percent: float
    slowest: list[EndpointTime]


def search_users(session: Session, *, actor: Actor, query: UserQuery | Mapping[str, Any]) -> Page[AdminUser]:
    require_admin(actor)
    q = parse(UserQuery, query)
    conditions: list[Any] = []
    if q.q:
        pattern = f"%{q.q.replace('%', '').replace('_', ' ')}%"
        conditions.append(or_(col(User.email).ilike(pattern), col(User.display_name).ilike(pattern)))
    if q.role:
        conditions.append(User.role == q.role.value)
    total = session.exec(select(func.count()).select_from(User).where(*conditions)).one()
    users = session.exec(
        select(User).where(*conditions).order_by(col(User.email)).limit(q.limit).offset(q.offset)
    ).all()
    counts = dict(
        session.exec(
            select(PracticeLog.user_id, func.count())
            .where(col(PracticeLog.user_id).in_([u.id for u in users]), col(PracticeLog.is_active).is_(True))
            .group_by(col(PracticeLog.user_id))
        ).all()
    )
    items = [_admin_user(user, counts.get(user.id, 0)) for user in users]
    return page_of(items, total=total, limit=q.limit, offset=q.offset)


def change_user(
    session: Session, *, actor: Actor, user_id: uuid.UUID, data: UserChange | Mapping[str, Any]
) -> AdminUser:
    """Change a user's role or deactivate/reactivate them; deactivating also signs them out everywhere."""
    require_admin(actor)
    change = parse(UserChange, data)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("No user with this id."))
    if user.id == actor.id and (change.is_active is False or (change.role and change.role != Role.ADMIN)):
        raise Conflict(_("You cannot demote or deactivate your own account; ask another admin."))
    if change.role and change.role.value != user.role:
        audit.record(session, "admin_set_role", actor_id=actor.id, subject_id=user.id,
                     details={"from": user.role, "to": change.role.value})  # fmt: skip
        user.role = change.role.value
    if change.is_active is not None and change.is_active != user.is_active:
        user.is_active = change.is_active
        audit.record(session, "admin_activate" if change.is_active else "admin_deactivate", actor_id=actor.id,
                     subject_id=user.id)  # fmt: skip
        if not change.is_active:
            auth_sessions.revoke_user_sessions(session, actor=actor, user_id=user.id)
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    return _admin_user(user, _log_count(session, user.id))


def sign_out_user(session: Session, *, actor: Actor, user_id: uuid.UUID) -> int:
    """End every sign-in of a user (browser sessions and API tokens); returns how many ended."""
    return auth_sessions.revoke_user_sessions(session, actor=actor, user_id=user_id)


def audit_log(session: Session, *, actor: Actor, query: AuditQuery | Mapping[str, Any]) -> Page[AuditOut]:
    require_admin(actor)
    q = parse(AuditQuery, query)
    conditions: list[Any] = []
    if q.action:
        conditions.append(AuditEvent.action == q.action)
    if q.user_id:
        conditions.append(or_(col(AuditEvent.actor_id) == q.user_id, col(AuditEvent.subject_id) == q.user_id))
    if q.date_from:
        conditions.append(col(AuditEvent.occurred_at) >= datetime.combine(q.date_from, time(), UTC))
    if q.date_to:
        conditions.append(col(AuditEvent.occurred_at) < datetime.combine(q.date_to + timedelta(days=1), time(), UTC))
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    events = session.exec(
        select(AuditEvent)
        .where(*conditions)
        .order_by(col(AuditEvent.occurred_at).desc())
        .limit(q.limit)
        .offset(q.offset)
    ).all()
    emails = _emails(session, {e.actor_id for e in events} | {e.subject_id for e in events})
    items = [
        AuditOut(
            id=e.id,
            occurred_at=e.occurred_at,
            action=e.action,
            actor_email=emails.get(e.actor_id),
            subject_email=emails.get(e.subject_id),
            request_id=e.request_id,
            ip=e.ip,
            details=e.details,
        )
        for e in events
    ]
    return page_of(items, total=total, limit=q.limit, offset=q.offset)


@dataclass(frozen=True)
class Traffic:
    """This process's request counters (the web layer keeps them; see app/api/middleware.py)."""

    requests: int = 0
    server_errors: int = 0
    slowest: list[EndpointTime] = field(default_factory=list)


def traffic_from(counters: Any) -> Traffic:
    """A request counter's figures (anything with ``requests``, ``server_errors`` and ``slowest()``)."""
    slowest = [EndpointTime(route=r.route, requests=r.requests, p95_ms=r.p95_ms) for r in counters.slowest()]
    return Traffic(requests=counters.requests, server_errors=counters.server_errors, slowest=slowest)


def system_figures(session: Session, *, actor: Actor, traffic: Traffic | None = None) -> SystemFigures:
    """Counts and the last two weeks' activity (UTC days), with the process's request figures."""
    require_admin(actor)
    traffic = traffic or Traffic()
    since = utcnow() - timedelta(days=SYSTEM_DAYS)
    day = func.date(PracticeLog.created_at)  # a date on PostgreSQL, ISO text on SQLite
    per_day = session.exec(
        select(day, func.count(), func.count(distinct(col(PracticeLog.user_id))))
        .where(col(PracticeLog.created_at) >= since)
        .group_by(day)
        .order_by(day)
    ).all()
    return SystemFigures(
        users=session.exec(select(func.count()).select_from(User)).one(),
        active_users=session.exec(select(func.count()).select_from(User).where(col(User.is_active).is_(True))).one(),
        logs=session.exec(select(func.count()).select_from(PracticeLog)).one(),
        pieces=session.exec(
            select(func.count()).select_from(SheetMusic).where(col(SheetMusic.is_active).is_(True))
        ).one(),
        daily_active_users=[DayCount(day=_as_date(d), count=users) for d, _logs, users in per_day],
        logs_per_day=[DayCount(day=_as_date(d), count=logs) for d, logs, _users in per_day],
        requests=traffic.requests,
        server_errors=traffic.server_errors,
        error_rate_percent=round(100 * traffic.server_errors / traffic.requests, 2) if traffic.requests else 0.0,
        slowest=traffic.slowest,
    )


def _admin_user(user: User, logs: int) -> AdminUser:
    return AdminUser(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=Role(user.role),
        is_active=user.is_active,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        logs=logs,
    )


def _log_count(session: Session, user_id: uuid.UUID) -> int:
    return session.exec(
        select(func.count())
        .select_from(PracticeLog)
        .where(PracticeLog.user_id == user_id, col(PracticeLog.is_active).is_(True))
    ).one()


def _emails(session: Session, ids: set[uuid.UUID | None]) -> dict[uuid.UUID | None, str]:
    wanted = [i for i in ids if i is not None]
    return {u.id: u.email for u in session.exec(select(User).where(col(User.id).in_(wanted))).all()} if wanted else {}


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value
