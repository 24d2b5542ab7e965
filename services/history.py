"""The practice history: logs grouped by local day with each day's total, a window of days at a time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from pydantic import Field

from core.models import utcnow
from services.actor import Actor
from services.calendar_days import local_day
from services.practice_logs import list_logs
from services.practice_shapes import LogOut, LogQuery
from services.validation import Output, parse

MAX_LOGS_PER_WINDOW = 200


class HistoryQuery(LogQuery):
    before: date | None = Field(default=None, description="Show days before this local day (default: tomorrow)")
    days: int = Field(default=14, ge=1, le=92)


class HistoryDay(Output):
    day: date
    total_seconds: int
    logs: list[LogOut]


class HistoryWindow(Output):
    days: list[HistoryDay]
    first_day: date
    last_day: date
    truncated: bool


def history(session: Any, *, actor: Actor, query: HistoryQuery | Mapping[str, Any]) -> HistoryWindow:
    """Days (newest first) in a window ending before ``before``, each with its logs and total."""
    q = parse(HistoryQuery, query)
    last = (q.before or local_day(utcnow(), actor.timezone) + timedelta(days=1)) - timedelta(days=1)
    first = last - timedelta(days=q.days - 1)
    filters = q.model_dump(
        by_alias=True, exclude={"before", "days", "limit", "offset", "date_from", "date_to"}, exclude_none=True
    )
    page = list_logs(session, actor=actor, query={**filters, "from": first, "to": last, "limit": MAX_LOGS_PER_WINDOW})
    grouped: dict[date, list[LogOut]] = {}
    for log in page.items:
        grouped.setdefault(local_day(log.start_time, actor.timezone), []).append(log)
    days = [
        HistoryDay(day=day, total_seconds=sum(log.duration_seconds or 0 for log in logs), logs=logs)
        for day, logs in sorted(grouped.items(), reverse=True)
    ]
    return HistoryWindow(days=days, first_day=first, last_day=last, truncated=page.total > len(page.items))
