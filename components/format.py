"""How numbers, times and names read on the pages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.labels import ACTIVITY_LABELS, activity_label  # noqa: F401  (pages read labels from here)

FOCUS_AREAS = [
    "accuracy",
    "rhythm",
    "dynamics",
    "articulation",
    "memorization",
    "tone",
    "phrasing",
    "pedalling",
    "fingering",
    "tempo",
    "intonation",
    "voicing",
    "posture",
    "expression",
]
STATUS_LABELS = {"planned": "Planned", "learning": "Learning", "polished": "Polished", "dropped": "Dropped"}


def duration(seconds: int | None) -> str:
    """'1 h 05 min', '25 min', '40 s'."""
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"


def clock(moment: datetime | None, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M") if moment else ""


def day_name(day: date, today: date) -> str:
    if day == today:
        return "Today"
    if (today - day).days == 1:
        return "Yesterday"
    return day.strftime("%A, %d %B %Y")


def piece_name(composer: str | None, title: str | None, fallback: str = "No piece") -> str:
    if composer and title:
        return f"{composer}: {title}"
    return title or composer or fallback


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary before ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0] if " " in flat[: limit - 1] else flat[: limit - 1]
    return cut.rstrip(" ,.;:") + "…"
