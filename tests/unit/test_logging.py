"""JSON logs carry the id of the request or UI event they happened in."""

from __future__ import annotations

import json
import logging

from app.logging_setup import JsonFormatter, RequestIdFilter
from core.request_context import request_id_var


def test_a_log_line_carries_the_current_request_id():
    record = logging.LogRecord("mirubato.test", logging.INFO, __file__, 1, "saved %d logs", (3,), None)
    token = request_id_var.set("ui-abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert (line["message"], line["request_id"], line["level"]) == ("saved 3 logs", "ui-abc123", "INFO")


def test_query_values_never_reach_an_access_log_line():
    """Uvicorn's access and websocket lines: the path keeps its parameter names, loses their values."""
    from app.logging_setup import REDACT_QUERY_VALUES

    access = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/auth/verify?token=s3cr3t-T0ken_x&next=/", "1.1", 200), None,
    )  # fmt: skip
    socket = logging.LogRecord(
        "uvicorn.error", logging.INFO, __file__, 1, '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5000", "/_nicegui_ws/socket.io/?client_id=c1ient-1d&EIO=4"), None,
    )  # fmt: skip
    for record in (access, socket):
        assert REDACT_QUERY_VALUES.filter(record)
    assert access.getMessage() == '127.0.0.1:5000 - "GET /auth/verify?token=…&next=… HTTP/1.1" 200'
    assert "c1ient-1d" not in socket.getMessage()
    assert "client_id=…" in socket.getMessage()
