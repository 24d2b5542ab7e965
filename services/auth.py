"""Signing in: magic links by email, then a browser session or API tokens.

A link's token is 256 random bits; only its SHA-256 is stored. Redeeming is one conditional
UPDATE, so under any number of concurrent clicks exactly one wins. An unknown address gets a
link too (its account is made on the first verified sign-in), so the answer never tells
whether an address has an account.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import EmailStr, Field
from sqlalchemy import update
from sqlmodel import Session, col, select

from core import effects, models
from core.fast_times import as_utc
from core.i18n import N_, _
from core.models import AuthSession, LoginToken, RefreshToken, User, utcnow
from core.security import AccessTokens, new_token, token_hash
from services import audit
from services.auth_sessions import is_live, revoke_session
from services.errors import Unauthenticated
from services.rate_limits import FIFTEEN_MINUTES, RateLimiter
from services.users import find_or_create_account
from services.validation import Input, Output, parse

SessionKind = models.SessionKind  # defined here too: pages name its values, and import nothing of core.models

LINK_PATH = "/auth/verify"
BAD_LINK = N_("This sign-in link is invalid, has expired or was already used. Ask for a new one.")


@dataclass(frozen=True)
class AuthConfig:
    base_url: str
    link_lifetime: timedelta = timedelta(minutes=10)
    refresh_lifetime: timedelta = timedelta(days=30)
    browser_lifetime: timedelta = timedelta(days=30)
    # RFC 9700 4.14.2: a refresh token presented again this soon after its use is taken as the
    # same client refreshing twice at once (two tabs), not as a stolen copy.
    refresh_reuse_grace: timedelta = timedelta(seconds=30)


class SignInRequest(Input):
    email: EmailStr = Field(max_length=320)


class TokenRedemption(Input):
    token: str = Field(min_length=10, max_length=200)


class RefreshRequest(Input):
    refresh_token: str = Field(min_length=10, max_length=200)


@dataclass(frozen=True)
class SignInLink:
    email: str
    link: str
    minutes: int


@dataclass(frozen=True)
class SignedIn:
    user_id: uuid.UUID
    session_id: uuid.UUID
    needs_onboarding: bool


class TokenPair(Output):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int


@dataclass(frozen=True)
class ReuseDetected:
    """A refresh token was presented a second time: its whole family has been revoked."""

    session_id: uuid.UUID


def request_sign_in(
    session: Session, *, data: SignInRequest | dict[str, Any], ip: str, limiter: RateLimiter, config: AuthConfig
) -> SignInLink:
    """Make a single-use sign-in link for an address (rate limited per address and per IP)."""
    email = parse(SignInRequest, data).email.strip().lower()
    limits = limiter.limits
    too_many = _("Too many sign-in requests. Please wait a few minutes before asking for another link.")
    limiter.hit(f"login-ip:{ip}", limit=limits.login_per_ip, window=FIFTEEN_MINUTES, message=too_many)
    limiter.hit(f"login-address:{email}", limit=limits.login_per_address, window=FIFTEEN_MINUTES, message=too_many)
    limiter.mail_to(email)
    token, now = new_token(), utcnow()
    session.add(
        LoginToken(
            token_hash=token_hash(token),
            email=email,
            created_at=now,
            expires_at=now + config.link_lifetime,
            requested_ip=ip,
        )
    )
    minutes = int(config.link_lifetime.total_seconds() // 60)
    link = SignInLink(email=email, link=f"{config.base_url}{LINK_PATH}?token={token}", minutes=minutes)
    # Mailed once the token is committed, so the link works by the time it arrives.
    effects.record(session, effects.SignInLinkRequested(email=email, link=link.link, minutes=minutes))
    return link


def pending_sign_in_email(session: Session, *, token: str) -> str | None:
    """The address a still-usable link signs in, without using it up (for the confirm page)."""
    row = session.exec(
        select(LoginToken).where(
            LoginToken.token_hash == token_hash(token),
            col(LoginToken.consumed_at).is_(None),
            col(LoginToken.expires_at) > utcnow(),
        )
    ).first()
    return row.email if row else None


def redeem_sign_in(
    session: Session,
    *,
    data: TokenRedemption | dict[str, Any],
    kind: SessionKind,
    ip: str,
    limiter: RateLimiter,
    config: AuthConfig,
    user_agent: str | None = None,
    browser_id: str | None = None,
) -> SignedIn:
    """Use up a link (exactly once) and open a session for its address, creating the account if new."""
    token = parse(TokenRedemption, data).token
    limiter.hit(
        f"verify-ip:{ip}",
        limit=limiter.limits.verify_per_ip,
        window=FIFTEEN_MINUTES,
        message=_("Too many sign-in attempts from this address. Please wait a few minutes."),
    )
    now = utcnow()
    claimed = session.exec(
        update(LoginToken)
        .where(
            col(LoginToken.token_hash) == token_hash(token),
            col(LoginToken.consumed_at).is_(None),
            col(LoginToken.expires_at) > now,
        )
        .values(consumed_at=now)
    )
    if claimed.rowcount != 1:
        raise Unauthenticated(_(BAD_LINK))
    email = session.exec(select(LoginToken.email).where(LoginToken.token_hash == token_hash(token))).one()
    account = find_or_create_account(session, {"email": email})
    user = session.get(User, account.id)
    if user is None or not user.is_active:
        raise Unauthenticated(_("This account has been deactivated. Contact your studio's administrator."))
    return open_session(
        session, user=user, kind=kind, ip=ip, config=config, user_agent=user_agent, browser_id=browser_id
    )


def open_session(
    session: Session,
    *,
    user: User,
    kind: SessionKind,
    ip: str,
    config: AuthConfig,
    user_agent: str | None = None,
    browser_id: str | None = None,
    audit_details: dict[str, Any] | None = None,
) -> SignedIn:
    """Sign ``user`` in (by whichever means they proved who they are): a session row and the audit entry."""
    now = utcnow()
    user.last_login_at = now
    lifetime = config.browser_lifetime if kind == SessionKind.BROWSER else config.refresh_lifetime
    auth_session = AuthSession(
        user_id=user.id,
        kind=kind.value,
        expires_at=now + lifetime,
        browser_id=browser_id,
        user_agent=(user_agent or "")[:300] or None,
        ip=ip,
    )
    session.add(auth_session)
    details = {"kind": kind.value, **(audit_details or {})}
    audit.record(session, "sign_in", actor_id=user.id, subject_id=user.id, details=details)
    session.flush()
    return SignedIn(user_id=user.id, session_id=auth_session.id, needs_onboarding=user.display_name is None)


def issue_tokens(session: Session, *, signed_in: SignedIn, tokens: AccessTokens, config: AuthConfig) -> TokenPair:
    """A fresh access token and the first refresh token of an API session."""
    return _token_pair(
        session, user_id=signed_in.user_id, session_id=signed_in.session_id, tokens=tokens, config=config
    )


def rotate_refresh_token(
    session: Session, *, data: RefreshRequest | dict[str, Any], tokens: AccessTokens, config: AuthConfig
) -> TokenPair | ReuseDetected:
    """Trade a refresh token for a new pair; a token seen twice revokes its whole family.

    Within ``config.refresh_reuse_grace`` of its first use, a token gets another pair of the same
    sign-in instead: two requests of one client refreshing at the same moment both go on.
    """
    presented = token_hash(parse(RefreshRequest, data).refresh_token)
    now = utcnow()
    claimed = session.exec(
        update(RefreshToken)
        .where(
            col(RefreshToken.token_hash) == presented,
            col(RefreshToken.used_at).is_(None),
            col(RefreshToken.expires_at) > now,
        )
        .values(used_at=now)
    )
    row = session.exec(select(RefreshToken).where(RefreshToken.token_hash == presented)).first()
    if row is None:
        raise Unauthenticated(_("Unknown refresh token. Sign in again."))
    if claimed.rowcount != 1:
        if row.used_at is None:
            raise Unauthenticated(_("This refresh token has expired. Sign in again."))
        if now - as_utc(row.used_at) > config.refresh_reuse_grace:
            revoke_session(
                session, row.session_id, reason="refresh token reused", by=None, action="refresh_token_reuse"
            )
            return ReuseDetected(session_id=row.session_id)
    auth_session = session.get(AuthSession, row.session_id)
    if auth_session is None or not is_live(auth_session, now):
        raise Unauthenticated(_("This sign-in has ended. Sign in again."))
    auth_session.last_seen_at = now
    return _token_pair(session, user_id=auth_session.user_id, session_id=auth_session.id, tokens=tokens, config=config)


def _token_pair(
    session: Session, *, user_id: uuid.UUID, session_id: uuid.UUID, tokens: AccessTokens, config: AuthConfig
) -> TokenPair:
    now = utcnow()
    refresh = new_token()
    session.add(
        RefreshToken(session_id=session_id, token_hash=token_hash(refresh), expires_at=now + config.refresh_lifetime)
    )
    session.flush()
    return TokenPair(
        access_token=tokens.issue(user_id=user_id, session_id=session_id, now=now),
        refresh_token=refresh,
        expires_in=int(tokens.lifetime.total_seconds()),
    )
