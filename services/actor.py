"""Who is acting: the identity every service call authorizes against."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.models import Role


@dataclass(frozen=True, slots=True)
class Actor:
    id: uuid.UUID
    role: Role = Role.MUSICIAN
    timezone: str = "UTC"
    session_id: uuid.UUID | None = None  # the sign-in (browser session or API token family) acting

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
