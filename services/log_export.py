"""The musician's logs as CSV or JSON files, whole or filtered like the analytics."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from core.models import PracticeLog
from services.actor import Actor
from services.analytics_query import AnalyticsQuery, DayRange, conditions, resolve

LOG_COLUMNS = [
    "id", "start_time", "end_time", "duration_seconds", "activity_type", "instrument", "composer", "work_title",
    "opus_number", "movement_section", "tempo_practiced", "target_tempo", "focus_areas", "self_rating",
    "accuracy_percentage", "notes_played", "notes_correct", "practice_notes", "session_id", "sheet_music_id",
    "is_active", "created_at", "updated_at",
]  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def filtered_logs(
    session: Session, *, actor: Actor, query: AnalyticsQuery | dict[str, Any], today: date | None = None
) -> tuple[DayRange, list[Any]]:
    """The actor's active logs matching the analytics filter, oldest first, as rows with LOG_COLUMNS."""
    q, days = resolve(actor, query, today=today)
    # Core rows: an export may hold years of logs, and ORM objects cost several times as much.
    rows = session.connection().execute(
        sa_select(*(getattr(PracticeLog, name) for name in LOG_COLUMNS))
        .where(*conditions(actor, q, days))
        .order_by(col(PracticeLog.start_time), col(PracticeLog.id))
    )
    return days, list(rows)


def logs_csv(session: Session, *, actor: Actor, query: AnalyticsQuery | dict[str, Any]) -> str:
    """The filtered logs as CSV (one row per log, times in UTC ISO 8601)."""
    return to_csv(filtered_logs(session, actor=actor, query=query)[1])


def logs_json(session: Session, *, actor: Actor, query: AnalyticsQuery | dict[str, Any]) -> str:
    """The filtered logs as a JSON document with the range it covers."""
    days, logs = filtered_logs(session, actor=actor, query=query)
    document = {
        "format": "mirubato-logs/1",
        "from": days.first.isoformat(),
        "to": days.last.isoformat(),
        "logs": [{name: json_value(getattr(log, name)) for name in LOG_COLUMNS} for log in logs],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def to_csv(logs: Iterable[Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(LOG_COLUMNS)
    for log in logs:
        writer.writerow([csv_value(getattr(log, name)) for name in LOG_COLUMNS])
    return buffer.getvalue()


def json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def csv_value(value: Any) -> Any:
    """A cell; text that a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    if isinstance(value, list):
        value = ";".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else json_value(value)
