"""Per-request context (request id, client IP) that logs and the audit trail read.

Plain context variables: set by the HTTP middleware or a UI event, read anywhere below.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
client_ip_var: ContextVar[str | None] = ContextVar("client_ip", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()


def current_client_ip() -> str | None:
    return client_ip_var.get()


def new_request_id() -> str:
    return uuid.uuid4().hex
