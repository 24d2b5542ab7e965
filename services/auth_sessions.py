"""Open sign-ins: who a browser session or an access token acts as, signing out, revoking."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.i18n import _
from core.models import AuthSession, Role, User, utcnow
from core.security import AccessTokens, InvalidToken
from services import audit
from services.actor import Actor
from services.errors import Forbidden, NotFound, Unauthenticated

TOUCH_EVERY = timedelta(minutes=5)


def is_live(auth_session: AuthSession, now: datetime) -> bool:
    return _is_open(auth_session.revoked_at, auth_session.expires_at, now)


def _is_open(revoked_at: datetime | None, expires_at: datetime, now: datetime) -> bool:
    return revoked_at is None and expires_at > now


def actor_for_access_token(session: Session, *, token: str, tokens: AccessTokens) -> Actor:
    """The identity behind a bearer token: valid signature and claims, and a sign-in still open."""
    try:
        claims = tokens.verify(token, now=utcnow())
    except InvalidToken:
        raise Unauthenticated(_("The access token is invalid or has expired; refresh it or sign in again.")) from None
    actor = _live_actor(session, claims.session_id)
    if actor is None or actor.id != claims.user_id:
        raise Unauthenticated(_("This sign-in has ended. Sign in again."))
    return actor


def actor_for_browser_session(session: Session, *, session_id: uuid.UUID | str | None) -> Actor | None:
    """The identity of a browser session, or None when it is unknown, revoked, expired or its user inactive."""
    parsed = _session_uuid(session_id)
    return _live_actor(session, parsed) if parsed else None


def _session_uuid(session_id: uuid.UUID | str | None) -> uuid.UUID | None:
    """A browser's stored session id as a UUID; None for nothing or something that is not one."""
    try:
        return uuid.UUID(str(session_id)) if session_id else None
    except ValueError:
        return None


def touch_browser_session(session: Session, *, session_id: uuid.UUID, lifetime: timedelta) -> None:
    """Slide a browser session's expiry forward; writes at most once every few minutes."""
    row = session.get(AuthSession, session_id)
    now = utcnow()
    if row is not None and is_live(row, now) and now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        row.expires_at = now + lifetime


def open_page(session: Session, *, session_id: str | None) -> tuple[Actor | None, bool]:
    """A page load: the browser's identity (or None), and whether its session is due to slide
    forward (``touch_browser_session``, in a write transaction of its own).

    Read-only, so a page load takes no write turn (SQLite has one writer at a time): its session
    slides at most once every ``TOUCH_EVERY``, and the other loads only read.
    """
    parsed = _session_uuid(session_id)
    live = _live_sign_in(session, parsed) if parsed else None
    if live is None:
        return None, False
    actor, last_seen_at = live
    return actor, utcnow() - last_seen_at > TOUCH_EVERY


def sign_out(session: Session, *, actor: Actor) -> None:
    """End the sign-in the actor is using now."""
    if actor.session_id is not None:
        revoke_session(session, actor.session_id, reason="signed out", by=actor.id, action="sign_out")


def sign_out_everywhere(session: Session, *, actor: Actor) -> int:
    """End every sign-in of the actor, on every device; returns how many were open."""
    return _revoke_all(session, actor.id, by=actor.id, reason="signed out everywhere", action="sign_out_everywhere")


def revoke_user_sessions(session: Session, *, actor: Actor, user_id: uuid.UUID) -> int:
    """An administrator ends every sign-in of a user."""
    if not actor.is_admin:
        raise Forbidden(_("Only administrators can end other people's sessions."))
    if session.get(User, user_id) is None:
        raise NotFound(_("No user with this id."))
    return _revoke_all(
        session, user_id, by=actor.id, reason="revoked by an administrator", action="admin_revoke_sessions"
    )


def browser_ids_of(session: Session, user_id: uuid.UUID) -> list[str]:
    """The NiceGUI browser ids a user has signed in from (their server-side storage is keyed by it)."""
    rows = session.exec(
        select(AuthSession.browser_id).where(AuthSession.user_id == user_id, col(AuthSession.browser_id).is_not(None))
    ).all()
    return sorted({row for row in rows if row})


# Prebuilt and Core: every API request and every page event asks this, and ORM rows for two
# tables cost more than the question.
_SESSIONS, _USERS = AuthSession.__table__, User.__table__  # type: ignore[attr-defined]  # set at runtime
_SIGN_IN = (
    sa_select(
        _SESSIONS.c.revoked_at,
        _SESSIONS.c.expires_at,
        _SESSIONS.c.last_seen_at,
        _USERS.c.is_active,
        _USERS.c.id,
        _USERS.c.role,
        _USERS.c.timezone,
    )
    .join_from(_SESSIONS, _USERS, _USERS.c.id == _SESSIONS.c.user_id)
    .where(_SESSIONS.c.id == bindparam("session_id"))
)


def _live_actor(session: Session, session_id: uuid.UUID) -> Actor | None:
    live = _live_sign_in(session, session_id)
    return live[0] if live is not None else None


def _live_sign_in(session: Session, session_id: uuid.UUID) -> tuple[Actor, datetime] | None:
    """The sign-in's identity and when it was last seen, if it is still open (one query)."""
    found = session.connection().execute(_SIGN_IN, {"session_id": session_id}).first()
    if found is None:
        return None
    revoked_at, expires_at, last_seen_at, user_active, user_id, role, timezone = found
    if not _is_open(revoked_at, expires_at, utcnow()) or not user_active:
        return None
    return Actor(id=user_id, role=Role(role), timezone=timezone, session_id=session_id), last_seen_at


def _revoke_all(session: Session, user_id: uuid.UUID, *, by: uuid.UUID, reason: str, action: str) -> int:
    rows = session.exec(
        select(AuthSession).where(AuthSession.user_id == user_id, col(AuthSession.revoked_at).is_(None))
    ).all()
    now = utcnow()
    for row in rows:
        row.revoked_at, row.revoked_reason = now, reason
    audit.record(session, action, actor_id=by, subject_id=user_id, details={"sessions": len(rows)})
    return len(rows)


def revoke_session(session: Session, session_id: uuid.UUID, *, reason: str, by: uuid.UUID | None, action: str) -> None:
    """End one sign-in (its browser session or its whole refresh-token family)."""
    row = session.get(AuthSession, session_id)
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at, row.revoked_reason = utcnow(), reason
    audit.record(
        session, action, actor_id=by, subject_id=row.user_id, details={"session": str(session_id), "reason": reason}
    )
