"""Users: the acting user's profile and preferences, and finding or creating accounts by email."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import EmailStr, Field, computed_field, field_validator
from sqlmodel import Session, select

from core import models
from core.i18n import _
from core.models import Instrument, SkillLevel, User, utcnow
from services import audit
from services.actor import Actor
from services.errors import InvalidInput, NotFound
from services.progress_tracking import progress_changed
from services.validation import Input, Output, Text100, TimeZoneName, Url, parse

Role = models.Role  # defined here too: pages name its values, and import nothing of core.models

DEFAULT_PREFERENCES: dict[str, Any] = {
    "theme": "auto",
    "notationSize": 100,
    "defaultInstrument": None,
    "weekStartsOn": "monday",
    "reminderMinutes": 0,
    "dailyGoalMinutes": 30,
    "quietMode": False,  # hide levels, XP and achievements (some find them childish)
    "showStreaks": True,
    "language": "auto",  # "auto" follows the browser's Accept-Language
    "noteNames": "auto",  # letters, german (H for B) or solfege (do ré mi); "auto" by language
}


class UserOut(Output):
    id: uuid.UUID
    email: str
    display_name: str | None
    avatar_url: str | None
    primary_instrument: Instrument | None
    skill_level: SkillLevel | None
    role: Role
    timezone: str
    preferences: dict[str, Any]
    created_at: datetime
    last_login_at: datetime | None
    is_active: bool

    @field_validator("preferences", mode="before")
    @classmethod
    def _with_defaults(cls, stored: dict[str, Any] | None) -> dict[str, Any]:
        return {**DEFAULT_PREFERENCES, **(stored or {})}

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented way to compute a field
    @property
    def default_instrument(self) -> str:
        """What new logs, the timer and the library start with: the preference, else the main instrument."""
        return str(self.preferences.get("defaultInstrument") or self.primary_instrument or Instrument.PIANO)


def preferences_of(session: Session, user_id: uuid.UUID) -> dict[str, Any]:
    """A user's preferences with the defaults filled in (the defaults alone for an unknown user)."""
    stored = session.exec(select(User.preferences).where(User.id == user_id)).first()
    return {**DEFAULT_PREFERENCES, **(stored or {})}


class ProfileUpdate(Input):
    display_name: Text100 | None = None
    avatar_url: Url | None = None
    primary_instrument: Instrument | None = None
    skill_level: SkillLevel | None = None
    timezone: TimeZoneName | None = None


class PreferencesUpdate(Input):
    theme: Literal["light", "dark", "auto"] | None = None
    notation_size: int | None = Field(default=None, ge=50, le=200, description="Notation zoom in percent")
    default_instrument: Instrument | None = None
    week_starts_on: Literal["monday", "sunday"] | None = None
    reminder_minutes: int | None = Field(default=None, ge=0, le=240, description="0 turns reminders off")
    daily_goal_minutes: int | None = Field(default=None, ge=1, le=720)
    quiet_mode: bool | None = Field(default=None, description="Hide levels, XP and achievements")
    show_streaks: bool | None = None
    language: Literal["auto", "en", "es", "fr", "de", "zh-Hans", "zh-Hant", "ja"] | None = None
    note_names: Literal["auto", "letters", "german", "solfege"] | None = None
    timezone: TimeZoneName | None = None


class NewAccount(Input):
    email: EmailStr = Field(max_length=320)
    role: Role = Role.MUSICIAN


def get_profile(session: Session, *, actor: Actor) -> UserOut:
    """The acting user's profile with their preferences (defaults filled in)."""
    return to_out(own_row(session, actor))


def update_profile(session: Session, *, actor: Actor, data: ProfileUpdate | Mapping[str, Any]) -> UserOut:
    """Change the fields given; fields left out keep their values."""
    changes = parse(ProfileUpdate, data).model_dump(exclude_unset=True)
    user = own_row(session, actor)
    _refuse_nulls(changes, {"timezone"})
    _timezone_changing(session, user, changes.get("timezone"))
    for name, value in changes.items():
        setattr(user, name, value)
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    return to_out(user)


def update_preferences(session: Session, *, actor: Actor, data: PreferencesUpdate | Mapping[str, Any]) -> UserOut:
    """Merge the given preferences into the stored ones; the time zone also moves the profile's."""
    changes = parse(PreferencesUpdate, data).model_dump(exclude_unset=True, by_alias=True, mode="json")
    user = own_row(session, actor)
    timezone = changes.pop("timezone", None)
    if timezone:
        _timezone_changing(session, user, timezone)
        user.timezone = timezone
    user.preferences = {**(user.preferences or {}), **changes}
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    return to_out(user)


def find_or_create_account(session: Session, data: NewAccount | Mapping[str, Any]) -> UserOut:
    """The account for an email address, created on first use (used by sign-in and admin tools)."""
    account = parse(NewAccount, data)
    email = normalize_email(account.email)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        user = User(email=email, role=account.role.value)
        session.add(user)
        session.flush()
    return to_out(user)


def make_admin_from_console(session: Session, *, email: str) -> UserOut:
    """Give an address the admin role, creating the account if needed (operators at the server only)."""
    account = find_or_create_account(session, {"email": email})
    user = session.get(User, account.id)
    assert user is not None
    if user.role != Role.ADMIN.value:
        user.role = Role.ADMIN.value
        user.updated_at = utcnow()
        audit.record(session, "role_changed", subject_id=user.id, details={"role": "admin", "by": "command line"})
    session.flush()
    return to_out(user)


def actor_for(session: Session, user_id: uuid.UUID) -> Actor:
    """The acting identity for an active user id; raises NotFound for unknown or inactive users."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFound(_("This account does not exist or has been deactivated."))
    return Actor(id=user.id, role=Role(user.role), timezone=user.timezone)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def to_out(user: User) -> UserOut:
    return UserOut.model_validate(user)


def own_row(session: Session, actor: Actor) -> User:
    """The acting user's own row; NotFound once the account is gone or deactivated."""
    user = session.get(User, actor.id)
    if user is None or not user.is_active:
        raise NotFound(_("This account does not exist or has been deactivated."))
    return user


def _refuse_nulls(changes: dict[str, Any], required: set[str]) -> None:
    for name in required:
        if name in changes and changes[name] is None:
            raise InvalidInput(name, _("cannot be empty"))


def _timezone_changing(session: Session, user: User, timezone: str | None) -> None:
    """Local days move with the time zone, and with them streaks and daily bonuses."""
    if timezone and timezone != user.timezone:
        progress_changed(session, user.id)
