"""Who is acting: the identity every service call authorizes against."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from core.i18n import _
from core.models import Role
from services.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Actor:
    id: uuid.UUID
    role: Role = Role.MUSICIAN
    timezone: str = "UTC"
    session_id: uuid.UUID | None = None  # the sign-in (browser session or API token family) acting

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


def require_admin(actor: Actor | None, message: str | None = None) -> None:
    """Administrators only; anyone else gets 403 with ``message`` (a translated sentence) or a general one."""
    if actor is None or not actor.is_admin:
        raise Forbidden(message or _("Only administrators can do this."))
