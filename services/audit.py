"""The audit trail: sign-ins, sign-outs, revocations, exports, deletions and admin actions."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from core.models import AuditEvent
from core.request_context import current_client_ip, current_request_id


def record(
    session: Session,
    action: str,
    *,
    actor_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add one event, stamped with the current request id and client address."""
    session.add(
        AuditEvent(
            action=action,
            actor_id=actor_id,
            subject_id=subject_id,
            request_id=current_request_id(),
            ip=current_client_ip(),
            details=details,
        )
    )
