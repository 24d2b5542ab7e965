"""REST: signing in with a magic link, API tokens, signing out (/api/auth)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from app.api.deps import BODY_LIMIT, CurrentActor, DatabaseDep, SessionDep, client_ip
from app.api.routing import OneHopRoute
from core.i18n import _
from core.models import SessionKind
from services import auth, auth_sessions, users
from services.auth import RefreshRequest, SignInRequest, TokenPair, TokenRedemption
from services.errors import Unauthenticated
from services.users import UserOut

router = APIRouter(route_class=OneHopRoute, prefix="/api/auth", tags=["auth"], max_body_size=BODY_LIMIT)


class Accepted(BaseModel):
    detail: str


class SignOut(BaseModel):
    everywhere: bool = False


@router.post("/login", status_code=status.HTTP_202_ACCEPTED)
async def login(body: SignInRequest, request: Request, database: DatabaseDep) -> Accepted:
    """Email a sign-in link. The answer is the same whether or not the address has an account."""
    state = request.app.state

    def request_link() -> auth.SignInLink:
        with database.transaction() as session:
            return auth.request_sign_in(
                session, data=body, ip=client_ip(request), limiter=state.limiter, config=state.auth_config
            )

    # Its own transaction, so it takes its own write turn; the link is mailed once it has
    # committed (core.effects), so it works by the time it arrives.
    async with database.write_turns.turn():
        link = await run_in_threadpool(request_link)
    return Accepted(
        detail=_(
            "If this address can sign in, a link is on its way. It works for {minutes} minutes.", minutes=link.minutes
        )
    )


@router.post("/verify", responses={401: {"description": "The link is unknown, expired or used"}})
def verify(body: TokenRedemption, request: Request, session: SessionDep) -> TokenPair:
    """Trade the token of a sign-in link for a 15-minute access token and a refresh token."""
    state = request.app.state
    signed_in = auth.redeem_sign_in(
        session,
        data=body,
        kind=SessionKind.API,
        ip=client_ip(request),
        limiter=state.limiter,
        config=state.auth_config,
        user_agent=request.headers.get("user-agent"),
    )
    return auth.issue_tokens(session, signed_in=signed_in, tokens=state.access_tokens, config=state.auth_config)


@router.post("/refresh", responses={401: {"description": "Unknown, expired or reused refresh token"}})
async def refresh(body: RefreshRequest, request: Request, database: DatabaseDep) -> TokenPair:
    """Trade a refresh token for a new pair. A used one presented again (after 30 s) ends the whole sign-in."""
    state = request.app.state

    def rotate() -> TokenPair | auth.ReuseDetected:
        with database.transaction() as session:
            return auth.rotate_refresh_token(session, data=body, tokens=state.access_tokens, config=state.auth_config)

    async with database.write_turns.turn():
        outcome = await run_in_threadpool(rotate)
    if isinstance(outcome, auth.ReuseDetected):
        # Raised after the commit, so the revocation of the family stands.
        raise Unauthenticated(_("This refresh token was already used; the sign-in has been ended for safety."))
    return outcome


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(session: SessionDep, actor: CurrentActor, body: Annotated[SignOut | None, Body()] = None) -> None:
    """End this sign-in, or with `{"everywhere": true}` every sign-in of the user."""
    if body is not None and body.everywhere:
        auth_sessions.sign_out_everywhere(session, actor=actor)
    else:
        auth_sessions.sign_out(session, actor=actor)


@router.get("/me")
def me(session: SessionDep, actor: CurrentActor) -> UserOut:
    """The signed-in user."""
    return users.get_profile(session, actor=actor)
