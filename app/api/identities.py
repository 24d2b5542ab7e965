"""REST: the accounts elsewhere one may sign in with, and those linked to the signed-in user.

Signing in and linking go through the browser (``/auth/oidc/<name>/start``, see ``pages.oidc``):
the provider sends the browser back with a code only that browser's flow cookie can redeem.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from app.api.deps import RATE_LIMIT, CurrentActor, SessionDep
from app.api.routing import OneHopRoute
from services import oidc
from services.oidc import IdentitiesOut, ProviderOut
from web.oidc_runtime import oidc_runtime

router = APIRouter(route_class=OneHopRoute, prefix="/api", tags=["sign-in providers"], dependencies=RATE_LIMIT)


@router.get("/auth/providers")
def sign_in_providers() -> list[ProviderOut]:
    """The providers this server signs in with; a browser starts at ``/auth/oidc/{name}/start``."""
    return oidc.public_providers(oidc_runtime().providers)


@router.get("/users/me/identities")
def my_identities(session: SessionDep, actor: CurrentActor) -> IdentitiesOut:
    """The user's linked accounts, and every provider one may be linked from."""
    return oidc.list_identities(session, actor=actor, providers=oidc_runtime().providers)


@router.delete("/users/me/identities/{identity_id}", status_code=status.HTTP_204_NO_CONTENT)
def unlink_identity(session: SessionDep, actor: CurrentActor, identity_id: uuid.UUID) -> Response:
    """Unlink one of the user's accounts (always allowed: an email link still signs the user in)."""
    oidc.unlink_identity(session, actor=actor, identity_id=identity_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
