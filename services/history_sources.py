"""What every way of bringing practice history in shares: the neutral rows the readers of each format
produce (``services.history_csv``, ``services.history_json``), reading the file's bytes, and reading
values as people write them (days, times, durations, activities, ratings).

A reader only reads. A file that is not what it claims to be is refused as a whole, with the reason
(``InvalidInput`` on the field ``file``); otherwise each entry becomes a :class:`SourceRow`: the
values of a practice log under the names of ``services.practice_shapes.LogFields``, what the file
calls each of them (so a message names the file's own column), and the problems found reading it.
``services.history_import`` validates the values like any other log and stores them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from typing import Any

from core.i18n import N_, _, current_language, format_number, use_language
from core.models import ActivityType, Instrument
from services.account import EXPORT_FORMAT
from services.errors import InvalidInput
from services.labels import ACTIVITY_LABELS, activity_labels
from services.practice_shapes import MAX_DURATION_SECONDS
from services.validation import EARLIEST_DAY, LATEST_DAY

MAX_ROWS = 50_000  # log entries in one file (a practice log every day for over a century)
MAX_CELL_ECHO = 40  # characters of a bad value repeated in its message
MAX_FOCUS = 12


class ImportFormat(StrEnum):
    CSV = "csv"
    MIRUBATO = "mirubato"  # this app's export (GET /api/users/me/export)
    ORIGINAL = "original"  # the original Mirubato web app's export (version 2.x)


FORMAT_LABELS = {
    ImportFormat.CSV: N_("CSV file (a spreadsheet or another app)"),
    ImportFormat.MIRUBATO: N_("Mirubato export (JSON)"),
    ImportFormat.ORIGINAL: N_("Export of the original Mirubato app (JSON)"),
}


ACTIVITY_WORDS = {
    "practice": ActivityType.REPERTOIRE, "pieces": ActivityType.REPERTOIRE, "piece": ActivityType.REPERTOIRE,
    "sightreading": ActivityType.SIGHT_READING, "reading": ActivityType.SIGHT_READING,
    "warmup": ActivityType.WARM_UP, "warming_up": ActivityType.WARM_UP,
    "scale": ActivityType.SCALES, "arpeggio": ActivityType.ARPEGGIOS, "etude": ActivityType.ETUDES,
    "technical": ActivityType.TECHNIQUE, "exercises": ActivityType.TECHNIQUE, "exercise": ActivityType.TECHNIQUE,
    "memorisation": ActivityType.MEMORIZATION, "memorising": ActivityType.MEMORIZATION,
    "slow": ActivityType.SLOW_PRACTICE, "mental": ActivityType.MENTAL_PRACTICE,
    "ensemble": ActivityType.ENSEMBLE_READING, "rehearsal": ActivityType.ENSEMBLE_READING,
    "performance": ActivityType.REPERTOIRE, "lesson": ActivityType.REPERTOIRE,
}  # fmt: skip
MOOD_RATINGS = {"frustrated": 3, "neutral": 5, "satisfied": 7, "excited": 9}


@dataclass(slots=True)
class SourceRow:
    """One practice log as a file states it, before validation."""

    row: int  # the row the musician finds it at: a CSV's spreadsheet row, a JSON list's entry number
    key: str  # stable: the same entry of the same file always has the same key
    fields: dict[str, Any] = field(default_factory=dict)  # LogFields names -> values
    labels: dict[str, str] = field(default_factory=dict)  # LogFields names -> the file's names for them
    problems: list[tuple[str, str]] = field(default_factory=list)  # (the file's name, message)
    skipped: str | None = None  # why this entry is left out though not wrong (removed, not practice)
    original_id: uuid.UUID | None = None  # this app's export: the log's id where it came from


@dataclass(frozen=True, slots=True)
class RepertoireWish:
    """A piece to have in the repertoire (or starred, or bookmarked) after the import."""

    where: str  # "repertoire[2]": which entry of the file
    piece_id: uuid.UUID | None = None
    title: str | None = None  # when the file names the piece instead of our catalogue's id
    composer: str | None = None
    status: str | None = None  # None: only its flags are set, not in the repertoire list
    target_tempo: Any = None
    notes: Any = None
    starred: bool = False
    bookmarked: bool = False


@dataclass(frozen=True, slots=True)
class ItemWish:
    """A goal, plan or template as the input of the service that makes it."""

    where: str
    data: dict[str, Any]


@dataclass(slots=True)
class ParsedFile:
    format: ImportFormat
    rows: list[SourceRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # a CSV's header
    mapping: dict[str, Any] | None = None  # the column mapping a CSV was read with
    repertoire: list[RepertoireWish] = field(default_factory=list)
    goals: list[ItemWish] = field(default_factory=list)
    plans: list[ItemWish] = field(default_factory=list)
    templates: list[ItemWish] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (where, why) for what does not map


# --- the file as a whole ---------------------------------------------------------------------------


def decode(content: bytes) -> str:
    """The file's text (UTF-8, with or without a byte-order mark); anything else is refused."""
    if not content.strip():
        raise InvalidInput("file", _("is empty"))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            "file",
            _(
                "is not UTF-8 text (byte {position} cannot be read); save it as UTF-8 (CSV UTF-8 in a spreadsheet)",
                position=format_number(error.start + 1),
            ),
        ) from None


def detect_format(text: str) -> ImportFormat | None:
    """Which format a file's text looks like (a guess for the page; the import checks it again)."""
    head = text.lstrip()[:4096]
    if not head.startswith("{"):
        return ImportFormat.CSV if "\n" in head or "," in head or ";" in head else None
    if EXPORT_FORMAT in head or '"tables"' in head:
        return ImportFormat.MIRUBATO
    if '"logbook"' in head or '"exportDate"' in head:
        return ImportFormat.ORIGINAL
    return None


def load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            "file",
            _(
                "is not valid JSON (line {line}, column {column}: {problem})",
                line=error.lineno,
                column=error.colno,
                problem=error.msg,
            ),
        ) from None
    except (RecursionError, ValueError):  # nested past any sense, or a number of thousands of digits
        raise InvalidInput(
            "file", _("is not JSON that can be read (nested too deeply, or a number too long)")
        ) from None


def stable_key(*parts: Any) -> str:
    """A short digest of ``parts``: the same content always gives the same key."""
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


# --- values as people write them -------------------------------------------------------------------

_UNIT = re.compile(r"^(.*?)\s*(minutes|minute|mins|min|m|hours|hour|hrs|hr|h|seconds|second|secs|sec|s)?$")
_ISO_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_OTHER_DAY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})[-/.](\d{4})$")
_CLOCK = re.compile(
    r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(am|pm|a\.m\.|p\.m\.)?\s*(z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE
)


def parse_start(day_text: str, time_text: str, zone: tzinfo, day_first: bool = False) -> datetime:
    """When practice started: a day with an optional time (noon when none: the local day stays right)."""
    text = day_text.strip()
    if not text:
        raise ValueError(_("is empty; say on which day you practised"))
    day_part, _sep, clock_part = text.replace("T", " ", 1).partition(" ")
    day = parse_day(day_part, day_first)
    clock_text = clock_part.strip() or time_text.strip()
    clock, offset = parse_clock(clock_text) if clock_text else (time(12, 0), None)
    return datetime.combine(day, clock).replace(tzinfo=offset or zone)


def parse_day(text: str, day_first: bool = False) -> date:
    if match := _ISO_DAY.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _OTHER_DAY.match(text):
        first, separator, second, year = int(match[1]), match[2], int(match[3]), int(match[4])
        day_leads = separator == "." or first > 12 or (day_first and second <= 12)
        day, month = (first, second) if day_leads else (second, first)
    else:
        raise ValueError(
            _("'{value}' is not a date we can read; write it as 2024-03-15 (or 15.03.2024)", value=echo(text))
        )
    if not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
        raise ValueError(_out_of_range(text))
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("'{value}' is not a day of the calendar", value=echo(text))) from None


class ClockError(ValueError):
    """A start time that cannot be read (apart from its day, which may be in another column)."""


def parse_clock(text: str) -> tuple[time, tzinfo | None]:
    """A time of day (18:30, 6:30 pm, 18:30:00+01:00) and its offset from UTC if it names one."""
    match = _CLOCK.match(text.strip())
    if match is None:
        raise ClockError(_("start time '{value}' is not a time we can read; write it as 18:30", value=echo(text)))
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    half = (match[4] or "").lower().replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise ClockError(_("start time '{value}' is not a time of day", value=echo(text)))
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ClockError(_("start time '{value}' is not a time of day", value=echo(text)))
    return time(hour, minute, second), _offset(match[5])


def _offset(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text.lower() == "z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if delta >= timedelta(hours=24):
        raise ClockError(_("the offset '{value}' is not a time zone's", value=echo(text)))
    return timezone(sign * delta)


def parse_duration(text: str, unit: str = "minutes") -> int:
    """Seconds from minutes (45, 12.5, "45 min"), h:mm (1:15) or h:mm:ss, or hours or seconds by ``unit``."""
    cleaned = text.strip().lower()
    if ":" in cleaned:
        parts = cleaned.split(":")
        if len(parts) > 3 or not all(p.strip().isdigit() for p in parts):
            raise ValueError(_("'{value}' is not a duration; write minutes (45) or h:mm (1:15)", value=echo(text)))
        hours, minutes, seconds = ([int(p) for p in parts] + [0])[:3]
        total = hours * 3600 + minutes * 60 + seconds
    else:
        match = _UNIT.match(cleaned)
        number = _number(match[1]) if match else None
        if number is None or match is None:
            raise ValueError(_("'{value}' is not a duration; write minutes (45) or h:mm (1:15)", value=echo(text)))
        suffix = (match[2] or "")[:1]
        scale = {"h": 3600, "m": 60, "s": 1}.get(suffix) or {"hours": 3600, "seconds": 1}.get(unit, 60)
        total = round(number * scale) if abs(number) < 1e9 else int(1e12) * (1 if number > 0 else -1)
    if total <= 0:
        raise ValueError(_("must be more than 0 minutes (it says '{value}')", value=echo(text)))
    if total > MAX_DURATION_SECONDS:
        raise ValueError(
            _(
                "must be at most {minutes} minutes (24 hours); it says '{value}'",
                minutes=format_number(MAX_DURATION_SECONDS // 60),
                value=echo(text),
            )
        )
    return total


def parse_activity(text: str) -> str:
    word = _word(text)
    known = _activity_words(current_language())
    for candidate in (word, word.removesuffix("s")):
        if candidate in known:
            return known[candidate]
    names = ", ".join(sorted(activity_labels().values()))
    raise ValueError(_("'{value}' is not an activity we know; use one of: {names}", value=echo(text), names=names))


@functools.cache
def _activity_words(language: str) -> dict[str, str]:
    """Every way of naming an activity we read, in plain form: its value, its label in English and in
    ``language`` (the musician's, so a spreadsheet in their language reads too), and common words."""
    known = {value.value: value.value for value in ActivityType}
    known.update({_word(label): str(value) for value, label in ACTIVITY_LABELS.items()})
    with use_language(language):
        known.update({_word(label): value for value, label in activity_labels().items()})
    known.update({word: value.value for word, value in ACTIVITY_WORDS.items()})
    return known


def parse_instrument(text: str) -> str:
    word = _word(text)
    for instrument in Instrument:
        if word == instrument.value or word.endswith("_" + instrument.value):  # "classical guitar"
            return instrument.value
    raise ValueError(
        _("'{value}': Mirubato keeps practice on piano and guitar (write piano or guitar)", value=echo(text))
    )


def parse_tempo(text: str) -> int:
    number = _number(re.sub(r"\s*bpm$", "", text.strip(), flags=re.IGNORECASE))
    if number is None or number != int(number):
        raise ValueError(_("'{value}' is not a tempo; write beats per minute as a whole number", value=echo(text)))
    return int(number)


def parse_rating(text: str) -> int:
    if text.isdigit() and 1 <= int(text) <= 10:
        return int(text)
    word = _word(text)
    if word in MOOD_RATINGS:
        return MOOD_RATINGS[word]
    number = _number(text)
    if number is None or number != int(number) or not 1 <= number <= 10:
        raise ValueError(
            _(
                "'{value}' is not a rating: a whole number from 1 to 10, or frustrated, neutral, satisfied, excited",
                value=echo(text),
            )
        )
    return int(number)


def focus_areas(words: Any) -> list[str] | None:
    """Focus areas from free words: lower case, letters, digits, '-' and '_' (accents dropped), at most 12."""
    cleaned: list[str] = []
    for word in words if isinstance(words, list) else []:
        if not isinstance(word, str):
            continue
        tag = re.sub(r"[^a-z0-9 _-]+", " ", _ascii(word).lower())
        tag = re.sub(r"\s+", " ", tag).strip(" -_")[:40].strip()
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned[:MAX_FOCUS] or None


def plain(text: str) -> str:
    """Text compared without case, accents or punctuation ("J.S. Bach" and "j s bach" are the same)."""
    return re.sub(r"[^a-z0-9]+", " ", _ascii(text).lower()).strip()


def echo(value: Any) -> str:
    """A bad value as a message repeats it: short."""
    text = str(value)
    return text if len(text) <= MAX_CELL_ECHO else text[: MAX_CELL_ECHO - 1] + "…"


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ß", "ss")


def _word(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", _ascii(text).lower()).strip("_")


def _number(text: str) -> float | None:
    try:
        number = float(text.strip().replace(",", ".")) if text.count(",") <= 1 else None
    except ValueError:
        return None
    return number if number is not None and number == number and abs(number) != float("inf") else None


def too_many() -> str:
    return _("has more than {count} rows; split it into smaller files", count=format_number(MAX_ROWS))


def utc_moment(value: Any, zone: tzinfo = UTC) -> datetime:
    """An ISO 8601 moment; one without an offset is in ``zone`` (this app's exports write UTC)."""
    if not isinstance(value, str):
        raise ValueError(_("'{value}' is not a time we can read", value=echo(value)))
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(_("'{value}' is not a time we can read", value=echo(value))) from None
    if not EARLIEST_DAY.year <= moment.year <= LATEST_DAY.year:
        raise ValueError(_out_of_range(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _out_of_range(value: Any) -> str:
    return _(
        "'{value}' is out of range: days from {first} to {last} only",
        value=echo(value),
        first=EARLIEST_DAY.isoformat(),
        last=LATEST_DAY.isoformat(),
    )
