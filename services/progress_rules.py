"""The rules of progress: skill areas, experience points, levels, trends and achievements.

Pure functions over the facts of a musician's logs, so that the same logs always give the same
numbers (the stored progress is rebuilt from the logs with exactly these rules).

Experience points (XP), per instrument and skill area:
  * 1 XP per whole minute practised, at most 180 XP for one log (a timer left running all
    night does not make anyone a virtuoso);
  * 10 XP for each local day with practice in that area (regular practice beats cramming).

Levels: reaching level n takes 50 * n * (n - 1) XP in total, so level 2 needs 100 XP, level 3
needs 300, level 10 needs 4,500 and level 20 needs 19,000 (an hour a day reaches level 10 in
about two months and level 20 in about nine).

Trends are moving averages over the last 10 logs that carry the measure: accuracy in percent,
and speed as the tempo practised in percent of the log's target tempo.
"""

from __future__ import annotations

import re
import uuid
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from math import isqrt
from typing import Any

from core.i18n import N_, _
from core.models import ActivityType

XP_PER_LOG_CAP = 180
XP_PER_DAY = 10
TREND_WINDOW = 10
ALL_INSTRUMENTS = "all"
OVERALL = "overall"

SKILL_AREAS: dict[ActivityType, str] = {
    ActivityType.SIGHT_READING: "sight_reading",
    ActivityType.ENSEMBLE_READING: "sight_reading",
    ActivityType.SCALES: "technique",
    ActivityType.ARPEGGIOS: "technique",
    ActivityType.ETUDES: "technique",
    ActivityType.TECHNIQUE: "technique",
    ActivityType.WARM_UP: "technique",
    ActivityType.REPERTOIRE: "repertoire",
    ActivityType.MEMORIZATION: "repertoire",
    ActivityType.SLOW_PRACTICE: "repertoire",
    ActivityType.MENTAL_PRACTICE: "musicianship",
    ActivityType.TRANSPOSITION: "musicianship",
    ActivityType.SCORE_REDUCTION: "musicianship",
}

# The level titles, and the achievements below, are stored in English (progress_tracking.current_grade and
# the milestones) and translated where they are shown: see level_title and milestone_title.
TITLES = (
    (1, N_("Beginner")),
    (5, N_("Developing")),
    (10, N_("Intermediate")),
    (20, N_("Advanced")),
    (35, N_("Virtuoso")),
)
LEVEL_MILESTONES = (5, 10, 20, 35, 50)


@dataclass(frozen=True)
class LogFact:
    """What progress needs to know about one log (its day is the musician's local day)."""

    day: date
    instrument: str
    activity: str
    seconds: int
    accuracy: float | None
    tempo: int | None
    target_tempo: int | None
    piece: str | None


@dataclass(frozen=True)
class Achievement:
    key: str
    title: str
    description: str


ACHIEVEMENTS: tuple[Achievement, ...] = (
    Achievement("first_log", N_("First notes"), N_("Logged your first practice")),
    Achievement("streak_7", N_("A week in a row"), N_("Practised 7 days in a row")),
    Achievement("streak_30", N_("A month in a row"), N_("Practised 30 days in a row")),
    Achievement("streak_100", N_("Hundred-day run"), N_("Practised 100 days in a row")),
    Achievement("hours_10", N_("Ten hours"), N_("10 hours of practice in all")),
    Achievement("hours_100", N_("A hundred hours"), N_("100 hours of practice in all")),
    Achievement("hours_1000", N_("A thousand hours"), N_("1,000 hours of practice in all")),
    Achievement("pieces_10", N_("Ten pieces"), N_("Practised 10 different pieces")),
    Achievement("pieces_100", N_("A hundred pieces"), N_("Practised 100 different pieces")),
    Achievement("target_tempo", N_("Up to speed"), N_("Played a piece at its target tempo")),
    Achievement("both_instruments", N_("Two instruments"), N_("Practised both piano and guitar")),
)
ACHIEVEMENT_BY_KEY = {a.key: a for a in ACHIEVEMENTS}


def skill_area(activity: str) -> str:
    return SKILL_AREAS[ActivityType(activity)]


def log_xp(seconds: int) -> int:
    return min(max(seconds, 0) // 60, XP_PER_LOG_CAP)


def experience(facts: Iterable[LogFact]) -> int:
    """XP earned by these logs: minutes (capped per log) plus a bonus per day practised."""
    facts = list(facts)
    return sum(log_xp(f.seconds) for f in facts) + XP_PER_DAY * len({f.day for f in facts})


def level_for(xp: int) -> int:
    """The highest n with 50 * n * (n - 1) <= xp, i.e. (2n - 1)^2 <= 1 + 8 * xp / 100."""
    return (1 + isqrt(1 + 8 * max(xp, 0) // 100)) // 2


def xp_for_level(level: int) -> int:
    return 50 * level * (level - 1)


def title_for(level: int) -> str:
    """The level's title in English, as stored (``level_title`` gives it in the current language)."""
    return [title for floor, title in TITLES if level >= floor][-1]


def level_title(level: int) -> str:
    return _(title_for(level))


_INSTRUMENT_LEVEL = re.compile(r"^(?P<instrument>.+)_level_(?P<level>\d+)$")


def milestone_title(key: str, stored: str) -> str:
    """A stored milestone's title in the current language (``stored`` is its English text)."""
    if key in ACHIEVEMENT_BY_KEY:
        return _(ACHIEVEMENT_BY_KEY[key].title)
    if found := _INSTRUMENT_LEVEL.match(key):
        # Translators: a milestone, e.g. "Level 5 on piano"; {instrument} is the instrument's name as stored.
        return _("Level {level} on {instrument}", level=found["level"], instrument=found["instrument"])
    return stored


def streak_ending(days: Iterable[date], last: date) -> int:
    """The run of consecutive practice days that ends on ``last``."""
    practised, run = set(days), 0
    while last - timedelta(days=run) in practised:
        run += 1
    return run


def moving_average(values: Sequence[float], window: int = TREND_WINDOW) -> float | None:
    recent = list(values)[-window:]
    return round(sum(recent) / len(recent), 1) if recent else None


def accuracy_trend(facts: Sequence[LogFact]) -> float | None:
    return moving_average([f.accuracy for f in facts if f.accuracy is not None])


def speed_trend(facts: Sequence[LogFact]) -> float | None:
    return moving_average([100 * f.tempo / f.target_tempo for f in facts if f.tempo and f.target_tempo])


def earned_achievements(facts: Sequence[LogFact]) -> dict[str, date]:
    """Each achievement reached by these logs (in time order), with the local day it was reached."""
    earned: dict[str, date] = {}
    if not facts:
        return earned
    earned["first_log"] = facts[0].day
    _earn_running_totals(facts, earned)
    _earn_streaks(sorted({f.day for f in facts}), earned)
    if at_speed := next((f for f in facts if f.tempo and f.target_tempo and f.tempo >= f.target_tempo), None):
        earned["target_tempo"] = at_speed.day
    seen: set[str] = set()
    for fact in facts:
        seen.add(fact.instrument)
        if len(seen) >= 2:
            earned["both_instruments"] = fact.day
            break
    return earned


def _earn_running_totals(facts: Sequence[LogFact], earned: dict[str, date]) -> None:
    seconds, pieces = 0, set()
    for fact in facts:
        seconds += fact.seconds
        if fact.piece:
            pieces.add(fact.piece)
        for hours in (10, 100, 1000):
            if seconds >= hours * 3600:
                earned.setdefault(f"hours_{hours}", fact.day)
        for count in (10, 100):
            if len(pieces) >= count:
                earned.setdefault(f"pieces_{count}", fact.day)


STREAK_MARKS = {7: "streak_7", 30: "streak_30", 100: "streak_100"}


def _earn_streaks(days: Sequence[date], earned: dict[str, date]) -> None:
    """The day each streak length was first reached (``days``: distinct, in order)."""
    run, previous = 0, 0
    for day in days:
        ordinal = day.toordinal()
        run = run + 1 if ordinal - previous == 1 else 1
        previous = ordinal
        if run in STREAK_MARKS:  # a run grows by one, so it passes each length exactly
            earned.setdefault(STREAK_MARKS[run], day)


def level_milestones(facts: Sequence[LogFact]) -> list[tuple[date, int]]:
    """The local days on which these logs' XP crossed each milestone level."""
    reached: list[tuple[date, int]] = []
    seen: set[int] = set()  # the milestones in ``reached``: a set, not a scan of it per log
    minutes_xp, days = 0, set()
    for fact in facts:
        minutes_xp += log_xp(fact.seconds)
        days.add(fact.day)
        level = level_for(minutes_xp + XP_PER_DAY * len(days))
        for milestone in LEVEL_MILESTONES:
            if milestone <= level and milestone not in seen:
                seen.add(milestone)
                reached.append((fact.day, milestone))
    return reached


def earned_from_days(
    days: Sequence[date],
    seconds: Sequence[int],
    *,
    piece_marks: dict[str, date],
    at_target_tempo: date | None,
    instrument_first_days: Sequence[date],
) -> dict[str, date]:
    """``earned_achievements`` from days: the days with practice (in order) with their seconds, the
    achievements for pieces (``piece_marks``), the sorted days each instrument was first practised,
    the first day at target tempo. Every achievement is dated by the day it was reached, so days carry
    all it needs."""
    earned: dict[str, date] = {}
    if not days:
        return earned
    earned["first_log"] = days[0]
    # Running totals only grow: each mark's day is found by bisection, not by testing it every day.
    total = list(accumulate(seconds))
    for hours in (10, 100, 1000):
        if (index := bisect_left(total, hours * 3600)) < len(days):
            earned[f"hours_{hours}"] = days[index]
    earned.update(piece_marks)
    _earn_streaks(days, earned)
    if at_target_tempo is not None:
        earned["target_tempo"] = at_target_tempo
    if len(instrument_first_days) >= 2:
        earned["both_instruments"] = instrument_first_days[1]
    return earned


PIECE_MARKS = {10: "pieces_10", 100: "pieces_100"}


def piece_marks(piece_first_days: Sequence[date]) -> dict[str, date]:
    """The achievements for pieces, from the sorted days on which each piece was first practised."""
    return {key: piece_first_days[count - 1] for count, key in PIECE_MARKS.items() if len(piece_first_days) >= count}


def level_milestones_from_days(days: Sequence[date], xp: Sequence[int]) -> list[tuple[date, int]]:
    """``level_milestones`` from days with practice (in order) and each day's per-log XP."""
    # XP after each day (the day bonus included) only grows, so a level is first reached on the
    # first day whose total is at least that level's floor.
    totals = [minutes + XP_PER_DAY * count for count, minutes in enumerate(accumulate(xp), start=1)]
    reached: list[tuple[date, int]] = []
    for level in LEVEL_MILESTONES:
        if (index := bisect_left(totals, xp_for_level(level))) < len(days):
            reached.append((days[index], level))
    return reached


def place_milestones(
    rows: dict[tuple[str, str], dict[str, Any]],
    earned: dict[str, date],
    reached: dict[str, list[tuple[date, int]]],
) -> None:
    """Put the dated achievements and level milestones (``reached``: per instrument) into the progress
    rows: each instrument's levels on its (instrument, "overall") row, and everything, in date order,
    with the achievements on the ("all", "overall") row."""
    total = rows[(ALL_INSTRUMENTS, OVERALL)]
    total["achievements"] = sorted(earned, key=lambda key: (earned[key], key))
    dated = [
        {"date": day.isoformat(), "achievement": key, "title": ACHIEVEMENT_BY_KEY[key].title}
        for key, day in earned.items()
    ]
    for instrument, levels in reached.items():
        if (instrument, OVERALL) in rows:  # absent: a row a partial recomputation leaves as stored
            rows[(instrument, OVERALL)]["milestones"] = stored_levels(levels)
        dated += [
            {
                "date": day.isoformat(),
                "achievement": f"{instrument}_level_{level}",
                # Stored in English, like every title here: milestone_title translates it when shown.
                "title": f"Level {level} on {instrument}",
            }
            for day, level in levels
        ]
    total["milestones"] = sorted(dated, key=lambda m: (m["date"], m["achievement"]))


def stored_levels(levels: Sequence[tuple[date, int]]) -> list[dict[str, str]]:
    """Level milestones as an instrument's row stores them."""
    return [{"date": day.isoformat(), "achievement": f"level_{level}"} for day, level in levels]


def levels_from_stored(stored: Sequence[dict[str, str]] | None) -> list[tuple[date, int]]:
    """The inverse of ``stored_levels``."""
    return [(date.fromisoformat(m["date"]), int(m["achievement"].removeprefix("level_"))) for m in stored or ()]


def piece_key(piece_id: uuid.UUID | str | None, composer: str | None, title: str | None) -> str | None:
    """One key per piece: the catalogue id, or the composer and title as typed (case and spaces ignored)."""
    if piece_id is not None:
        return str(piece_id)
    if not title:
        return None
    return " ".join(f"{composer or ''}|{title}".lower().split())
