"""Logging, configured once: readable lines in development, JSON lines in production."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from core.request_context import current_request_id
from core.settings import Settings


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "user_id"):
            if (value := getattr(record, key, None)) is not None:
                entry[key] = str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RequestIdFilter(logging.Filter):
    """Stamp every record with the request (or UI event) it happened in."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


_QUERY_VALUE = re.compile(r"([?&][^=&#\s\"']*)=[^&#\s\"']*")
# The access log and the websocket log print each request's path with its query; sign-in and
# invitation links carry their token there, and NiceGUI's socket its page's client id.
URL_LOGGERS = ("uvicorn.access", "uvicorn.error")


def redact_query_values(text: str) -> str:
    """``/auth/verify?token=abc&x=1`` -> ``/auth/verify?token=…&x=…``: names kept, values gone."""
    return _QUERY_VALUE.sub(r"\1=…", text)


class RedactQueryValues(logging.Filter):
    """Keep query values (tokens, ids) out of every line of a logger: in its message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = redact_query_values(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact_query_values(a) if isinstance(a, str) and "?" in a else a for a in record.args)
        return True


REDACT_QUERY_VALUES = RedactQueryValues()


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.addFilter(REDACT_QUERY_VALUES)
    for name in URL_LOGGERS:  # they do not propagate to the root: uvicorn gives them handlers of their own
        logging.getLogger(name).addFilter(REDACT_QUERY_VALUES)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
