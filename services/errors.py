"""Domain errors. Entry points (REST, pages) map them to status codes or messages in one place."""

from __future__ import annotations

from dataclasses import dataclass

from core.i18n import _


class ServiceError(Exception):
    """Something the caller asked for cannot be done; ``message`` is written for a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """The row does not exist, or the actor may not know that it does."""


class Forbidden(ServiceError):
    """The actor is known but their role does not allow this."""


class Unauthenticated(ServiceError):
    """No valid identity was presented."""


class Conflict(ServiceError):
    """The request clashes with the current state (a duplicate, a stale version, ...)."""


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class InvalidInput(ServiceError):
    """One or more fields hold values the service does not accept."""

    def __init__(
        self, field_name: str | None = None, message: str | None = None, *, problems: list[FieldProblem] | None = None
    ) -> None:
        self.problems = list(problems or [])
        if field_name is not None and message is not None:
            self.problems.insert(0, FieldProblem(field_name, message))
        summary = "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in self.problems)
        super().__init__(summary or _("invalid input"))


class TooLarge(ServiceError):
    """More bytes than a limit allows (a take over the size cap, or a musician's quota full)."""

    status_code = 413


class NotAudio(ServiceError):
    """An upload that is not a recording we can keep and play (checked from its bytes)."""

    status_code = 415


class OffsetMismatch(Conflict):
    """A chunk that does not start where the upload stands; ``offset`` says where it does."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset
        self.headers = {"Upload-Offset": str(offset)}
