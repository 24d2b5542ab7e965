"""When a plan repeats: a small, checked form of an RFC 5545 recurrence rule, and its days.

A plan repeats on *local days* (a musician in Berlin practises "on weekdays" whatever UTC says),
so the rule is expanded by ``dateutil.rrule`` from the plan's first local day at midnight,
naively, and only the dates are kept: a daylight-saving change cannot shift a day. A time of
day, when a plan has one, is attached to those dates in the musician's zone afterwards.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from dateutil import rrule

from core.i18n import _, ngettext, pgettext, weekday_name

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
Frequency = Literal["daily", "weekdays", "weekly"]
WEEKDAY_OF: dict[str, Weekday] = {"MO": "MO", "TU": "TU", "WE": "WE", "TH": "TH", "FR": "FR", "SA": "SA", "SU": "SU"}
MAX_INTERVAL = 8  # "every 8 weeks" is the longest a practice plan sensibly repeats
_A_MONDAY = date(2024, 1, 1)  # the days' names come from the locale: this Monday and the six days after it


def rule_text(frequency: Frequency, days: list[Weekday] | None = None, interval: int = 1) -> str:
    """The RRULE for: every day / on weekdays / on chosen days every ``interval`` weeks."""
    if frequency == "daily":
        return "FREQ=DAILY" if interval == 1 else f"FREQ=DAILY;INTERVAL={interval}"
    if frequency == "weekdays":
        return "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    chosen = sorted(set(days or []), key=WEEKDAYS.index)
    if not chosen:
        raise ValueError("choose at least one day")
    by_day = ",".join(chosen)
    return f"FREQ=WEEKLY;BYDAY={by_day}" if interval == 1 else f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={by_day}"


def parts_of(rule: str) -> tuple[Frequency, list[Weekday], int]:
    """The form's values back from a stored rule (the inverse of :func:`rule_text`)."""
    fields = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    interval = int(fields.get("INTERVAL", "1"))
    days: list[Weekday] = [WEEKDAY_OF[d] for d in fields.get("BYDAY", "").split(",") if d in WEEKDAY_OF]
    if fields.get("FREQ") == "DAILY":
        return "daily", [], interval
    if days == list(WEEKDAYS[:5]) and interval == 1:
        return "weekdays", days, 1
    return "weekly", days, interval


def describe(rule: str) -> str:
    """A short description in the current language: "Every day", "Weekdays", "Every 2 weeks on Tue, Thu"."""
    frequency, days, interval = parts_of(rule)
    if frequency == "daily":
        return _("Every day") if interval == 1 else ngettext("Every {n} day", "Every {n} days", interval)
    if frequency == "weekdays":
        return _("Weekdays")
    # Translators: what separates the short weekday names in "Every week on Mon, Wed".
    separator = pgettext("between weekday names", ", ")
    names = separator.join(weekday_name(_A_MONDAY + timedelta(days=WEEKDAYS.index(d)), "abbreviated") for d in days)
    if interval == 1:
        # Translators: {days} is a list of short weekday names, e.g. "Tue, Thu".
        return _("Every week on {days}", days=names)
    # Translators: {days} is a list of short weekday names, e.g. "Tue, Thu".
    return ngettext("Every {n} week on {days}", "Every {n} weeks on {days}", interval, days=names)


def days_between(rule: str, starts_on: date, first: date, last: date, ends_on: date | None = None) -> list[date]:
    """The local days in ``first..last`` (inclusive) on which a plan starting ``starts_on`` falls."""
    last = min(last, ends_on) if ends_on else last
    if last < first or last < starts_on:
        return []
    expanded = rrule.rrulestr(rule, dtstart=datetime.combine(starts_on, datetime.min.time()))
    found = expanded.between(
        datetime.combine(first, datetime.min.time()), datetime.combine(last, datetime.min.time()), inc=True
    )
    return [moment.date() for moment in found]


def falls_on(rule: str, starts_on: date, day: date, ends_on: date | None = None) -> bool:
    return bool(days_between(rule, starts_on, day, day, ends_on))


def next_days(rule: str, starts_on: date, after: date, count: int, ends_on: date | None = None) -> list[date]:
    """The next ``count`` days from ``after`` (inclusive), looking at most two years ahead."""
    return days_between(rule, starts_on, after, after + timedelta(days=730), ends_on)[:count]
