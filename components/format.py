"""How numbers, times and names read on the pages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

from core.i18n import N_, _, current_language, format_day
from core.i18n import locale as i18n_locale
from services.labels import ACTIVITY_LABELS, activity_label  # noqa: F401  (pages read labels from here)

FOCUS_LABELS = {
    "accuracy": N_("Accuracy"),
    "rhythm": N_("Rhythm"),
    "dynamics": N_("Dynamics"),
    "articulation": N_("Articulation"),
    "memorization": N_("Memorization"),
    "tone": N_("Tone"),
    "phrasing": N_("Phrasing"),
    "pedalling": N_("Pedalling"),
    "fingering": N_("Fingering"),
    "tempo": N_("Tempo"),
    "intonation": N_("Intonation"),
    "voicing": N_("Voicing"),
    "posture": N_("Posture"),
    "expression": N_("Expression"),
}
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
STATUS_LABELS = {
    "planned": N_("Planned"),
    "learning": N_("Learning"),
    "polished": N_("Polished"),
    "dropped": N_("Dropped"),
}


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def focus_label(area: str) -> str:
    """A focus area as the musician reads it ("memorization" -> "Memorization")."""
    return _(FOCUS_LABELS.get(area, area.capitalize()))


def duration(seconds: int | None) -> str:
    """'1 h 05 min', '25 min', '40 s'."""
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    if hours:
        return _("{hours} h {minutes} min", hours=hours, minutes=str(minutes).zfill(2))
    if minutes:
        return _("{minutes} min", minutes=minutes)
    return _("{seconds} s", seconds=seconds)


def clock(moment: datetime | None, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M") if moment else ""


def day_name(day: date, today: date) -> str:
    if day == today:
        return _("Today")
    if (today - day).days == 1:
        return _("Yesterday")
    if current_language() == "en":
        return day.strftime("%A, %d %B %Y")  # the form English pages have always shown
    return format_day(day, "full")


def short_date(day: date | datetime | None) -> str:
    """'12 Mar 2027' in English, each language's own short form elsewhere ('2027年3月12日')."""
    return _dated(day, "%d %b %Y", "yMMMd")


def day_month(day: date | datetime) -> str:
    """'12 Mar', '12. März', '3月12日'."""
    return _dated(day, "%d %b", "MMMd")


def weekday_day_month(day: date | datetime) -> str:
    """'Fri 12 Mar', 'ven. 12 mars', '3月12日(金)'."""
    return _dated(day, "%a %d %b", "MMMEd")


def _dated(day: date | datetime | None, english: str, skeleton: str) -> str:
    if day is None:
        return ""
    # English keeps the day-first form its pages have always shown; other languages their own order.
    if current_language() == "en":
        return day.strftime(english)
    return str(format_skeleton(skeleton, day, locale=i18n_locale()))


def piece_name(composer: str | None, title: str | None, fallback: str | None = None) -> str:
    if composer and title:
        return _("{composer}: {title}", composer=composer, title=title)
    return title or composer or (fallback if fallback is not None else _("No piece"))


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary before ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0] if " " in flat[: limit - 1] else flat[: limit - 1]
    return cut.rstrip(" ,.;:") + "…"
