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

from core.i18n import pgettext
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
    writer.writerow(column_headers())
    for log in logs:
        writer.writerow([csv_value(getattr(log, name)) for name in LOG_COLUMNS])
    return buffer.getvalue()


def column_headers() -> list[str]:
    """The header row of the CSV in the current language (the cells below stay machine-readable)."""
    headers = {
        # Translators: a column header of the practice log CSV export (as are all "CSV column header" texts);
        # spreadsheets show it as it is, so a short name without spaces reads best.
        "id": pgettext("CSV column header", "id"),
        "start_time": pgettext("CSV column header", "start_time"),
        "end_time": pgettext("CSV column header", "end_time"),
        "duration_seconds": pgettext("CSV column header", "duration_seconds"),
        "activity_type": pgettext("CSV column header", "activity_type"),
        "instrument": pgettext("CSV column header", "instrument"),
        "composer": pgettext("CSV column header", "composer"),
        "work_title": pgettext("CSV column header", "work_title"),
        "opus_number": pgettext("CSV column header", "opus_number"),
        "movement_section": pgettext("CSV column header", "movement_section"),
        "tempo_practiced": pgettext("CSV column header", "tempo_practiced"),
        "target_tempo": pgettext("CSV column header", "target_tempo"),
        "focus_areas": pgettext("CSV column header", "focus_areas"),
        "self_rating": pgettext("CSV column header", "self_rating"),
        "accuracy_percentage": pgettext("CSV column header", "accuracy_percentage"),
        "notes_played": pgettext("CSV column header", "notes_played"),
        "notes_correct": pgettext("CSV column header", "notes_correct"),
        "practice_notes": pgettext("CSV column header", "practice_notes"),
        "session_id": pgettext("CSV column header", "session_id"),
        "sheet_music_id": pgettext("CSV column header", "sheet_music_id"),
        "is_active": pgettext("CSV column header", "is_active"),
        "created_at": pgettext("CSV column header", "created_at"),
        "updated_at": pgettext("CSV column header", "updated_at"),
    }
    return [headers[name] for name in LOG_COLUMNS]


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
