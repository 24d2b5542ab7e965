"""JSON logs carry the id of the request or UI event they happened in."""

from __future__ import annotations

import json
import logging

from app.logging_setup import JsonFormatter, RequestIdFilter
from app.request_context import request_id_var


def test_a_log_line_carries_the_current_request_id():
    record = logging.LogRecord("mirubato.test", logging.INFO, __file__, 1, "saved %d logs", (3,), None)
    token = request_id_var.set("ui-abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert (line["message"], line["request_id"], line["level"]) == ("saved 3 logs", "ui-abc123", "INFO")
