"""Local days: practice belongs to the day on the musician's own clock, not UTC's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def local_day(moment: datetime, timezone: str) -> date:
    """The calendar day ``moment`` falls on in ``timezone`` (23:30 local stays on that day)."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def day_start(day: date, timezone: str) -> datetime:
    """The first instant of a local day (correct across daylight-saving changes)."""
    return datetime.combine(day, time(), ZoneInfo(timezone))


def current_streak(days: Iterable[date], today: date) -> int:
    """Consecutive practice days ending today, or yesterday if today has no practice yet."""
    practised = set(days)
    cursor = today if today in practised else today - timedelta(days=1)
    streak = 0
    while cursor in practised:
        streak += 1
        cursor -= timedelta(days=1)
    return streak


def longest_streak(days: Iterable[date]) -> int:
    """The longest run of consecutive practice days."""
    best = run = 0
    previous: date | None = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best, previous = max(best, run), day
    return best


def week_start(day: date, starts_on: str) -> date:
    """The first day of the week containing ``day`` (Monday or Sunday by preference)."""
    offset = day.weekday() if starts_on == "monday" else (day.weekday() + 1) % 7
    return day - timedelta(days=offset)
