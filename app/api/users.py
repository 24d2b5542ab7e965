"""REST: the signed-in user's own account (/api/users/me)."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import BODY_LIMIT, CurrentActor, SessionDep
from services import users
from services.users import PreferencesUpdate, ProfileUpdate, UserOut

router = APIRouter(prefix="/api/users", tags=["users"], max_body_size=BODY_LIMIT)


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
