"""Practice history from a CSV file: a spreadsheet's, or another app's, with a column mapping.

The first line names the columns; the mapping says which column holds what (``ColumnMapping``), and
when none is given the columns whose names say so are taken (``suggest_mapping``). Commas or
semicolons separate the cells. Rows are numbered as a spreadsheet shows them (the header is row 1).
A row's key is a digest of all its cells (and how many identical rows came before it), so the same
file imported again is recognised row by row whatever the mapping.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections import Counter
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic.alias_generators import to_camel

from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, _, use_language
from core.models import ActivityType
from services.errors import InvalidInput
from services.history_sources import (
    MAX_ROWS,
    ClockError,
    ImportFormat,
    ParsedFile,
    SourceRow,
    focus_areas,
    parse_activity,
    parse_duration,
    parse_instrument,
    parse_rating,
    parse_start,
    parse_tempo,
    plain,
    stable_key,
    too_many,
)
from services.log_export import column_headers
from services.validation import Input

# The csv module refuses a cell over 131,072 characters by default. A file is size-limited anyway
# (services.history_import), so any cell is read, and an over-long one is reported against its row.
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))


class ColumnMapping(Input):
    """Which CSV column holds what (a column's name from the first line); date and duration are needed."""

    date: str | None = Field(default=None, max_length=200, description="The day, or the day and start time")
    time: str | None = Field(default=None, max_length=200, description="The start time, when apart from the day")
    duration: str | None = Field(default=None, max_length=200, description="Minutes (45, 12.5) or h:mm (1:15)")
    activity: str | None = Field(default=None, max_length=200)
    instrument: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=200, description="The piece's title")
    composer: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=200)
    tempo: str | None = Field(default=None, max_length=200, description="The tempo practised (BPM)")
    target_tempo: str | None = Field(default=None, max_length=200)
    rating: str | None = Field(default=None, max_length=200, description="1-10, or a mood (frustrated ... excited)")
    focus: str | None = Field(default=None, max_length=200, description="Focus areas, separated by ; or ,")
    day_first: bool = Field(default=False, description="Read 03/04/2024 as 3 April (else as March 4)")
    duration_unit: Literal["minutes", "hours", "seconds"] = "minutes"

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


COLUMN_TARGETS = (
    "date", "time", "duration", "activity", "instrument", "title", "composer", "notes", "tempo", "target_tempo",
    "rating", "focus",
)  # fmt: skip
TARGET_LABELS = {
    "date": N_("Date (and start time)"),
    "time": N_("Start time"),
    "duration": N_("Duration"),
    "activity": N_("Activity"),
    "instrument": N_("Instrument"),
    "title": N_("Piece title"),
    "composer": N_("Composer"),
    "notes": N_("Notes"),
    "tempo": N_("Tempo practised"),
    "target_tempo": N_("Target tempo"),
    "rating": N_("Rating or mood"),
    "focus": N_("Focus areas"),
}
# Column names a spreadsheet or another app commonly uses for each target (compared in plain form).
COLUMN_NAMES = {
    "date": ("date", "day", "practice date", "started", "start", "start time", "start_time", "timestamp", "when"),
    "time": ("time", "start time", "started at", "time of day", "clock"),
    "duration": (
        "duration", "minutes", "mins", "min", "length", "time spent", "practice time", "duration min",
        "duration minutes", "duration seconds", "duration_seconds", "seconds", "hours",
    ),
    "activity": ("activity", "activity type", "activity_type", "type", "category", "kind"),
    "instrument": ("instrument",),
    "title": ("title", "piece", "piece title", "work", "work title", "work_title", "song"),
    "composer": ("composer", "artist", "author"),
    "notes": ("notes", "note", "comment", "comments", "remarks", "journal", "practice notes", "practice_notes"),
    "tempo": ("tempo", "bpm", "tempo practised", "tempo practiced", "tempo_practiced", "metronome"),
    "target_tempo": ("target tempo", "target_tempo", "goal tempo", "target bpm"),
    "rating": ("rating", "mood", "self rating", "self_rating", "feeling"),
    "focus": ("focus", "focus areas", "focus_areas", "techniques", "tags", "skills"),
}  # fmt: skip


def read_csv(text: str, mapping: ColumnMapping | None, zone_name: str) -> ParsedFile:
    """Rows of a CSV file (its first line names the columns), read with ``mapping``."""
    dialect = _dialect(text)
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise InvalidInput("file", _("is empty")) from None
    except csv.Error as error:
        raise InvalidInput("file", _("line 1 is not valid CSV ({problem})", problem=str(error))) from None
    _check_header(header)
    mapping = mapping or suggest_mapping(header)
    index = _column_index(header, mapping)
    parsed = ParsedFile(format=ImportFormat.CSV, columns=header, mapping=mapping.model_dump(by_alias=True))
    seen: Counter[str] = Counter()
    zone = ZoneInfo(zone_name)
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(parsed.rows) >= MAX_ROWS:
                raise InvalidInput("file", too_many())
            content = stable_key(*(cell.strip() for cell in cells))
            seen[content] += 1
            values = {target: cells[i].strip() if i < len(cells) else "" for target, i in index.items()}
            parsed.rows.append(_csv_row(number, f"{content}:{seen[content]}", values, mapping, zone))
    except csv.Error as error:
        raise InvalidInput(
            "file", _("line {line} is not valid CSV ({problem})", line=reader.line_num, problem=str(error))
        ) from None
    return parsed


def csv_columns(text: str) -> list[str]:
    """The names in a CSV's first line (empty when it has none that can be read)."""
    try:
        return [name.strip() for name in next(csv.reader(io.StringIO(text), _dialect(text)), []) if name.strip()]
    except csv.Error:
        return []


def suggest_mapping(header: list[str]) -> ColumnMapping:
    """The columns whose names say what they hold ("Date", "Minutes", "Piece", ...)."""
    found: dict[str, Any] = {}
    exported = _export_headers()
    # The first of equal names wins; our own export's header reads back in whichever language it was written.
    plain_names = {plain(exported.get(_header_key(name), name)): name for name in reversed(header)}
    for target in COLUMN_TARGETS:
        for candidate in (target, *COLUMN_NAMES[target]):
            name = plain_names.get(plain(candidate))
            if name is not None and name not in found.values():
                found[target] = name
                break
    named = found.get("duration") or ""
    duration = plain(exported.get(_header_key(named), named))
    if "second" in duration:
        found["duration_unit"] = "seconds"
    elif duration in ("hours", "hour", "h"):
        found["duration_unit"] = "hours"
    return ColumnMapping(**found)


@functools.cache
def _export_headers() -> dict[str, str]:
    """Our CSV export's column names in every language, to the English names this reader knows."""
    with use_language(DEFAULT_LANGUAGE):
        english = column_headers()
    names: dict[str, str] = {}
    for language in LANGUAGES:
        with use_language(language):
            names.update({_header_key(local): name for local, name in zip(column_headers(), english, strict=True)})
    return names


def _header_key(name: str) -> str:
    """A column name compared without case (plain() would drop Chinese and Japanese names whole)."""
    return " ".join(name.casefold().replace("_", " ").split())


def _dialect(text: str) -> type[csv.Dialect]:
    """Commas, or semicolons as spreadsheets write CSV where the comma is the decimal sign."""
    first = text.split("\n", 1)[0]
    return _Semicolons if first.count(";") > first.count(",") else csv.excel


class _Semicolons(csv.excel):
    delimiter = ";"


def _check_header(header: list[str]) -> None:
    if not any(header):
        raise InvalidInput("file", _("the first line must name the columns (Date, Minutes, Piece, ...)"))
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise InvalidInput("file", _("names a column twice: {columns}", columns=", ".join(repeated)))


def _column_index(header: list[str], mapping: ColumnMapping) -> dict[str, int]:
    index: dict[str, int] = {}
    for target in COLUMN_TARGETS:
        column = getattr(mapping, target)
        if column is None:
            continue
        if column not in header:
            raise InvalidInput(
                f"mapping.{to_camel(target)}",
                _(
                    "the file has no column '{column}'; its columns: {columns}",
                    column=column,
                    columns=", ".join(header),
                ),
            )
        index[target] = header.index(column)
    if "date" not in index:
        raise InvalidInput("mapping.date", _("choose the column that holds the day of practice"))
    if "duration" not in index:
        raise InvalidInput("mapping.duration", _("choose the column that holds how long you practised"))
    return index


def _csv_row(number: int, key: str, values: dict[str, str], mapping: ColumnMapping, zone: ZoneInfo) -> SourceRow:
    row = SourceRow(row=number, key=key)
    label = {target: getattr(mapping, target) or "" for target in COLUMN_TARGETS}

    def put(name: str, target: str, read: Any, text: str) -> None:
        row.labels[name] = label[target]
        if not text:
            return
        try:
            row.fields[name] = read(text)
        except ValueError as error:
            row.problems.append((label[target], str(error)))

    try:
        row.fields["start_time"] = parse_start(values["date"], values.get("time", ""), zone, mapping.day_first)
    except ClockError as error:
        clock_in_day = bool(values["date"].replace("T", " ", 1).partition(" ")[2].strip())
        row.problems.append((label["date"] if clock_in_day or not label["time"] else label["time"], str(error)))
    except ValueError as error:
        row.problems.append((label["date"], str(error)))
    row.labels.update(start_time=label["date"], end_time=label["duration"])
    put("duration_seconds", "duration", lambda text: parse_duration(text, mapping.duration_unit), values["duration"])
    if "duration_seconds" not in row.fields and not any(c == label["duration"] for c, _m in row.problems):
        row.problems.append((label["duration"], _("is empty; say how long you practised")))
    row.fields["activity_type"] = ActivityType.REPERTOIRE.value  # when the file does not say
    put("activity_type", "activity", parse_activity, values.get("activity", ""))
    put("instrument", "instrument", parse_instrument, values.get("instrument", ""))
    put("work_title", "title", str, values.get("title", ""))
    put("composer", "composer", str, values.get("composer", ""))
    put("practice_notes", "notes", str, values.get("notes", ""))
    put("tempo_practiced", "tempo", parse_tempo, values.get("tempo", ""))
    put("target_tempo", "target_tempo", parse_tempo, values.get("target_tempo", ""))
    put("self_rating", "rating", parse_rating, values.get("rating", ""))
    put("focus_areas", "focus", lambda text: focus_areas(re.split(r"[;,]", text)), values.get("focus", ""))
    return row
