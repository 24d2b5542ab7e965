"""Practice history from JSON exports: this app's own (``services.account.export_account``) and the
original Mirubato web app's.

This app's export holds every table of the account: its logs come back as they were (a log removed
before the export stays out), and so do the repertoire (status, target tempo, notes, star and
bookmark), goals, the musician's own plans with their blocks, and templates. Entries are numbered
from 1 in their list; a log's key is its id in the export.

The original app (github.com/pezware/mirubato, ``frontendv2/src/components/profile/DataTab.tsx``
writes the export, version "2.0") keeps ``logbook`` entries: a ``timestamp``, a ``duration`` in
minutes, a ``type``, an ``instrument``, ``pieces`` (title, composer, measures, tempo),
``techniques``, ``tags``, ``notes``, a ``mood`` and ``metadata`` (accuracy, notes played). How an
entry becomes logs here:

* one log per piece; an entry with several pieces shares its minutes among them, one after another
  (the key of each is the entry's id and the piece's place);
* ``type``: practice -> repertoire (technique when it names techniques and no piece), performance
  and lesson -> repertoire with the type kept as a focus area, rehearsal -> ensemble reading,
  technique -> technique; a ``status_change`` entry records a repertoire change, not practice;
* ``mood`` -> self-rating (frustrated 3, neutral 5, satisfied 7, excited 9 of 10);
* ``techniques`` and ``tags`` -> focus areas; an entry with ``deletedAt`` was removed there;
* instruments other than piano and guitar have no place here: such an entry is a row problem.

Its ``repertoire`` names pieces by a score id (a catalogue's id, or "title||composer"); each is
looked up in this catalogue by title and composer. Of its goals, a practice-time goal with daily
minutes becomes a goal of minutes a week; a practice plan repeating daily or weekly becomes a plan,
its blocks from the segments of its first occurrence. What has no counterpart is listed, not lost
silently.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo

from core.i18n import _
from core.models import ActivityType, utcnow
from services import recurrence
from services.account import EXPORT_FORMAT
from services.errors import InvalidInput
from services.history_sources import (
    MAX_ROWS,
    MOOD_RATINGS,
    ClockError,
    ImportFormat,
    ItemWish,
    ParsedFile,
    RepertoireWish,
    SourceRow,
    echo,
    focus_areas,
    parse_clock,
    parse_instrument,
    stable_key,
    too_many,
    utc_moment,
)
from services.practice_shapes import MAX_DURATION_SECONDS

EXPORTED_LOG_FIELDS = (
    "activity_type", "instrument", "start_time", "end_time", "duration_seconds", "composer", "work_title",
    "opus_number", "movement_section", "tempo_practiced", "target_tempo", "focus_areas", "self_rating",
    "accuracy_percentage", "notes_played", "notes_correct", "practice_notes", "audio_recording_url",
    "sheet_music_id",
)  # fmt: skip
EXPORTED_GOAL_FIELDS = ("kind", "target", "title", "instrument", "sheet_music_id", "piece_ids", "due_on")
EXPORTED_PLAN_FIELDS = ("title", "starts_on", "ends_on", "at_time")
EXPORTED_BLOCK_FIELDS = (
    "activity_type", "minutes", "sheet_music_id", "title", "composer", "target_tempo", "focus_areas", "notes",
)  # fmt: skip
EXPORTED_TEMPLATE_FIELDS = (
    "template_name", "activity_type", "instrument", "duration_seconds", "composer", "work_title", "opus_number",
    "movement_section", "tempo", "focus_areas",
)  # fmt: skip
ORIGINAL_ACTIVITIES = {
    "performance": ActivityType.REPERTOIRE,
    "lesson": ActivityType.REPERTOIRE,
    "rehearsal": ActivityType.ENSEMBLE_READING,
    "technique": ActivityType.TECHNIQUE,
}
ORIGINAL_LABELS = {  # LogFields names -> the original entry's
    "start_time": "timestamp",
    "end_time": "duration",
    "duration_seconds": "duration",
    "activity_type": "type",
    "instrument": "instrument",
    "work_title": "pieces.title",
    "composer": "pieces.composer",
    "movement_section": "pieces.measures",
    "tempo_practiced": "pieces.tempo",
    "focus_areas": "techniques",
    "self_rating": "mood",
    "practice_notes": "notes",
    "accuracy_percentage": "metadata.accuracy",
    "notes_played": "metadata.notesPlayed",
}
REPERTOIRE_STATUSES = ("planned", "learning", "polished", "dropped")
LATEST_MILLISECONDS = 4_200_000_000_000  # 2103: a timestamp in milliseconds past this is not one


# --- this app's own export -------------------------------------------------------------------------


def read_mirubato(document: Any) -> ParsedFile:
    """Logs, repertoire, goals, own plans and templates from this app's export."""
    tables = _export_tables(document)
    parsed = ParsedFile(format=ImportFormat.MIRUBATO)
    logs = _list(tables, "practice_logs")
    if len(logs) > MAX_ROWS:
        raise InvalidInput("file", too_many())
    for number, entry in _objects(logs, "practice_logs", parsed):
        parsed.rows.append(_exported_log(number, entry))
    for number, entry in _objects(_list(tables, "user_sheet_music_progress"), "user_sheet_music_progress", parsed):
        if wish := _exported_piece(number, entry):
            parsed.repertoire.append(wish)
    for number, entry in _active(_list(tables, "goals"), "goals", parsed):
        parsed.goals.append(ItemWish(f"goals[{number}]", _present(entry, EXPORTED_GOAL_FIELDS)))
    _exported_plans(tables, parsed)
    for number, entry in _active(_list(tables, "practice_templates"), "practice_templates", parsed):
        parsed.templates.append(ItemWish(f"practice_templates[{number}]", _present(entry, EXPORTED_TEMPLATE_FIELDS)))
    return parsed


def _export_tables(document: Any) -> dict[str, Any]:
    if not isinstance(document, dict) or not isinstance(document.get("tables"), dict):
        raise InvalidInput("file", _("is not a Mirubato export: it has no 'tables' object"))
    given = document.get("format")
    if given != EXPORT_FORMAT:
        raise InvalidInput(
            "file",
            _(
                "is not a Mirubato export this version reads: its format is '{given}', not {expected}",
                given=echo(given),
                expected=EXPORT_FORMAT,
            ),
        )
    tables: dict[str, Any] = document["tables"]
    return tables


def _exported_log(number: int, entry: dict[str, Any]) -> SourceRow:
    row = SourceRow(row=number, key=str(entry.get("id")), labels={name: name for name in EXPORTED_LOG_FIELDS})
    row.original_id = _uuid(entry.get("id"))
    if row.original_id is None:
        row.key = stable_key(*(entry.get(name) for name in EXPORTED_LOG_FIELDS))
    if entry.get("is_active") is False:
        row.skipped = _("removed before the export")
    for name in EXPORTED_LOG_FIELDS:
        value = entry.get(name)
        if value is None:
            continue
        if name in ("start_time", "end_time"):
            try:
                value = utc_moment(value)
            except ValueError as error:
                row.problems.append((name, str(error)))
                continue
        row.fields[name] = value
    return row


def _exported_piece(number: int, entry: dict[str, Any]) -> RepertoireWish | None:
    listed, starred, bookmarked = (entry.get(name) is True for name in ("in_repertoire", "is_starred", "is_bookmarked"))
    if not (listed or starred or bookmarked):
        return None  # statistics only: they follow from the logs
    return RepertoireWish(
        where=f"user_sheet_music_progress[{number}]",
        piece_id=_uuid(entry.get("sheet_music_id")),
        status=str(entry.get("status") or "learning") if listed else None,
        target_tempo=entry.get("target_tempo"),
        notes=entry.get("notes"),
        starred=starred,
        bookmarked=bookmarked,
    )


def _exported_plans(tables: dict[str, Any], parsed: ParsedFile) -> None:
    blocks: dict[Any, list[dict[str, Any]]] = {}
    for _number, block in _objects(_list(tables, "plan_blocks"), "plan_blocks", parsed):
        blocks.setdefault(block.get("plan_id"), []).append(block)
    for number, plan in _active(_list(tables, "plans"), "plans", parsed):
        where = f"plans[{number}]"
        if plan.get("given_by"):
            parsed.left_out.append((where, _("a plan your teacher gave you stays with that account")))
            continue
        try:
            frequency, days, interval = recurrence.parts_of(str(plan.get("rrule") or ""))
        except (ValueError, KeyError):
            parsed.left_out.append((where, _("its repeat rule cannot be read")))
            continue
        ordered = sorted(blocks.get(plan.get("id"), []), key=_position)
        data = {
            **_present(plan, EXPORTED_PLAN_FIELDS),
            "repeat": {"frequency": frequency, "days": days, "interval": interval},
            "blocks": [_present(block, EXPORTED_BLOCK_FIELDS) for block in ordered],
        }
        parsed.plans.append(ItemWish(where, data))


def _position(block: dict[str, Any]) -> int:
    position = block.get("position")
    return position if isinstance(position, int) else 0


# --- the original Mirubato app's export --------------------------------------------------------------


def read_original(document: Any, zone_name: str) -> ParsedFile:
    """Logbook entries, repertoire, goals and plans from the original app's export (versions 1 and 2)."""
    if not isinstance(document, dict) or not isinstance(document.get("logbook"), list):
        raise InvalidInput("file", _("is not an export of the original Mirubato app: it has no 'logbook' list"))
    version = str(document.get("version") or "")
    major = version.split(".")[0]
    if version and (not major.isdigit() or int(major) > 2):
        raise InvalidInput(
            "file", _("is a version {version} export; this importer reads versions 1 and 2", version=echo(version))
        )
    if len(document["logbook"]) > MAX_ROWS:
        raise InvalidInput("file", too_many())
    parsed = ParsedFile(format=ImportFormat.ORIGINAL)
    zone = ZoneInfo(zone_name)
    for number, entry in _objects(document["logbook"], "logbook", parsed):
        parsed.rows.extend(_entry_rows(number, entry, zone))
    titles = _score_titles(document)
    for number, item in _objects(_list(document, "repertoire"), "repertoire", parsed):
        parsed.repertoire.append(_original_piece(number, item, titles))
    for number, goal in _objects(_list(document, "repertoireGoals"), "repertoireGoals", parsed):
        _original_goal(number, goal, parsed)
    for number, _goal in _objects(_list(document, "goals"), "goals", parsed):
        parsed.left_out.append(
            (f"goals[{number}]", _("a logbook goal has no target in minutes or a tempo, which goals here need"))
        )
    occurrences = _list(document, "planOccurrences")
    for number, plan in _objects(_list(document, "practicePlans"), "practicePlans", parsed):
        _original_plan(number, plan, occurrences, parsed)
    return parsed


def _entry_rows(number: int, entry: dict[str, Any], zone: tzinfo) -> list[SourceRow]:
    entry_id = entry.get("id")
    key = str(entry_id) if entry_id else stable_key(entry.get("timestamp"), entry.get("duration"), entry.get("notes"))
    row = SourceRow(row=number, key=key, labels=dict(ORIGINAL_LABELS))
    kind = _text(entry.get("type")).lower() or "practice"
    if entry.get("deletedAt"):
        row.skipped = _("removed in the original app")
        return [row]
    if kind == "status_change":
        row.skipped = _("a change of a piece's status, not practice")
        return [row]
    pieces = _entry_pieces(entry)
    _entry_activity(row, kind, pieces, _strings(entry.get("techniques")))
    _entry_time(row, entry, zone)
    _entry_details(row, entry, kind)
    if len(pieces) <= 1 or row.problems:
        if pieces:
            _piece_fields(row, pieces[0])
        return [row]
    return _shared(row, pieces)


def _entry_activity(row: SourceRow, kind: str, pieces: list[dict[str, Any]], techniques: list[str]) -> None:
    if kind == "practice":
        activity = ActivityType.TECHNIQUE if techniques and not pieces else ActivityType.REPERTOIRE
    elif kind in ORIGINAL_ACTIVITIES:
        activity = ORIGINAL_ACTIVITIES[kind]
    else:
        known = ", ".join(["practice", *ORIGINAL_ACTIVITIES])
        row.problems.append(
            (
                "type",
                _("'{value}' is not a type of entry the original app had ({known})", value=echo(kind), known=known),
            )
        )
        return
    row.fields["activity_type"] = activity.value


def _entry_time(row: SourceRow, entry: dict[str, Any], zone: tzinfo) -> None:
    try:
        row.fields["start_time"] = original_moment(entry.get("timestamp"), zone)
    except ValueError as error:
        row.problems.append(("timestamp", str(error)))
    minutes = entry.get("duration")
    if not _is_number(minutes):
        row.problems.append(("duration", _("must be a number of minutes")))
    elif not 0 < minutes <= MAX_DURATION_SECONDS // 60:
        row.problems.append(
            ("duration", _("must be more than 0 and at most 1,440 minutes; it says {value}", value=echo(minutes)))
        )
    else:
        row.fields["duration_seconds"] = max(1, round(minutes * 60))


def _entry_details(row: SourceRow, entry: dict[str, Any], kind: str) -> None:
    instrument = _text(entry.get("instrument"))
    if instrument:
        try:
            row.fields["instrument"] = parse_instrument(instrument)
        except ValueError as error:
            row.problems.append(("instrument", str(error)))
    kept_kind = [kind] if kind in ("performance", "lesson") else []
    if areas := focus_areas([*_strings(entry.get("techniques")), *_strings(entry.get("tags")), *kept_kind]):
        row.fields["focus_areas"] = areas
    if notes := _text(entry.get("notes")):
        row.fields["practice_notes"] = notes
    if (mood := _text(entry.get("mood")).lower()) in MOOD_RATINGS:
        row.fields["self_rating"] = MOOD_RATINGS[mood]
    metadata = _mapping(entry.get("metadata"))
    if _is_number(metadata.get("accuracy")):
        row.fields["accuracy_percentage"] = metadata["accuracy"]
    if _is_number(metadata.get("notesPlayed")):
        row.fields["notes_played"] = metadata["notesPlayed"]


def _entry_pieces(entry: dict[str, Any]) -> list[dict[str, Any]]:
    pieces = [piece for piece in _dicts(entry.get("pieces")) if _text(piece.get("title"))]
    if not pieces and _text(entry.get("scoreTitle")):
        pieces = [{"title": entry["scoreTitle"], "composer": entry.get("scoreComposer")}]
    return pieces


def _piece_fields(row: SourceRow, piece: dict[str, Any]) -> None:
    for source, name in (("title", "work_title"), ("composer", "composer"), ("measures", "movement_section")):
        if value := _text(piece.get(source)):
            row.fields[name] = value
    if piece.get("tempo") not in (None, "", 0):
        row.fields["tempo_practiced"] = piece["tempo"]


def _shared(base: SourceRow, pieces: list[dict[str, Any]]) -> list[SourceRow]:
    """An entry with several pieces: a log for each, the minutes shared, one after another."""
    seconds: int = base.fields["duration_seconds"]
    start: datetime = base.fields["start_time"]
    share, rest = divmod(seconds, len(pieces))
    rows = []
    for index, piece in enumerate(pieces):
        row = SourceRow(row=base.row, key=f"{base.key}#{index}", fields=dict(base.fields), labels=dict(base.labels))
        row.fields["duration_seconds"] = max(1, share + (1 if index < rest else 0))
        row.fields["start_time"] = start + timedelta(seconds=share * index + min(index, rest))
        _piece_fields(row, piece)
        rows.append(row)
    return rows


def original_moment(value: Any, zone: tzinfo) -> datetime:
    """An ISO 8601 timestamp (the original app writes UTC), or milliseconds since 1970."""
    if _is_number(value):
        if not 0 < value < LATEST_MILLISECONDS:
            raise ValueError(_("'{value}' is not a time we can read", value=echo(value)))
        return datetime.fromtimestamp(value / 1000, UTC)
    if not _text(value):
        raise ValueError(_("is missing; each entry needs the time it started"))
    return utc_moment(value, zone)


def _score_titles(document: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Score ids -> (title, composer) from the two caches the original app exports."""
    titles: dict[str, tuple[str, str | None]] = {}
    for score_id, value in _mapping(document.get("scoreMetadata")).items():
        if isinstance(value, dict) and _text(value.get("title")):
            titles[str(score_id)] = (_text(value["title"]), _text(value.get("composer")) or None)
    for value in _dicts(document.get("repertoireScoreMetadata")):
        if _text(value.get("id")) and _text(value.get("title")):
            titles[_text(value["id"])] = (_text(value["title"]), _text(value.get("composer")) or None)
    return titles


def _original_piece(number: int, item: dict[str, Any], titles: dict[str, tuple[str, str | None]]) -> RepertoireWish:
    score_id = _text(item.get("scoreId"))
    title, composer = titles.get(score_id) or _title_of_score_id(score_id)
    status = _text(item.get("status")).lower()
    return RepertoireWish(
        where=f"repertoire[{number}]",
        title=title,
        composer=composer,
        status=status if status in REPERTOIRE_STATUSES else "learning",
        notes=_text(item.get("personalNotes")) or None,
    )


def _title_of_score_id(score_id: str) -> tuple[str, str | None]:
    """The original app's score ids made from a piece: "title||composer", earlier "title-composer"."""
    if "||" in score_id:
        title, composer = score_id.split("||", 1)
        return title, composer or None
    title, dash, composer = score_id.rpartition("-")
    return (title, composer or None) if dash and title else (score_id, None)


def _original_goal(number: int, goal: dict[str, Any], parsed: ParsedFile) -> None:
    if (_text(goal.get("status")).lower() or "active") != "active":
        return  # met or given up: nothing to aim for any more
    where = f"repertoireGoals[{number}]"
    daily = _mapping(goal.get("practicePlan")).get("dailyMinutes")
    if goal.get("type") != "practice_time" or not _is_number(daily) or daily <= 0:
        parsed.left_out.append((where, _("only a practice-time goal with daily minutes has a match here")))
        return
    data: dict[str, Any] = {"kind": "weekly_minutes", "target": round(daily * 7)}
    if title := _text(goal.get("title")):
        data["title"] = title[:100]
    parsed.goals.append(ItemWish(where, data))


def _original_plan(number: int, plan: dict[str, Any], occurrences: list[Any], parsed: ParsedFile) -> None:
    if plan.get("deletedAt") or (_text(plan.get("status")).lower() or "active") != "active":
        return  # a draft, finished or archived plan
    where = f"practicePlans[{number}]"
    schedule = _mapping(plan.get("schedule"))
    repeat = _repeat_of(schedule)
    if repeat is None:
        parsed.left_out.append((where, _("its schedule does not repeat daily or weekly, as plans here do")))
        return
    starts_on = _text(schedule.get("startDate"))[:10] or None
    ends_on = _text(schedule.get("endDate"))[:10] or (starts_on if schedule.get("kind") == "single" else None)
    if ends_on and ends_on < utcnow().date().isoformat():
        parsed.left_out.append((where, _("it ended on {day}", day=ends_on)))
        return
    data: dict[str, Any] = {
        "title": _text(plan.get("title"))[:100],
        "repeat": repeat,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "at_time": _clock_text(schedule.get("timeOfDay")),
        "blocks": _plan_blocks(plan, schedule, occurrences),
    }
    parsed.plans.append(ItemWish(where, {name: value for name, value in data.items() if value is not None}))


def _repeat_of(schedule: Mapping[str, Any]) -> dict[str, Any] | None:
    """Our repeat for an RFC 5545 rule, when plans here can repeat so (a single day: that day only)."""
    if schedule.get("kind") == "single":
        return {"frequency": "daily"}
    rule = _text(schedule.get("rule")).upper().removeprefix("RRULE:")
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    interval = int(parts["INTERVAL"]) if re.fullmatch(r"\d{1,2}", parts.get("INTERVAL", "")) else 1
    if not 1 <= interval <= recurrence.MAX_INTERVAL:
        return None
    if parts.get("FREQ") == "DAILY":
        return {"frequency": "daily", "interval": interval}
    days = [day[-2:] for day in parts.get("BYDAY", "").split(",") if day[-2:] in recurrence.WEEKDAYS]
    if parts.get("FREQ") == "WEEKLY" and days:
        return {"frequency": "weekly", "days": days, "interval": interval}
    return None


def _plan_blocks(plan: dict[str, Any], schedule: Mapping[str, Any], occurrences: list[Any]) -> list[dict[str, Any]]:
    """Blocks from the segments of the plan's first occurrence, else one block of its planned minutes."""
    segments: list[Any] = next(
        (o["segments"] for o in _dicts(occurrences) if o.get("planId") == plan.get("id") and _dicts(o.get("segments"))),
        [],
    )
    blocks = [
        _block(
            s.get("durationMinutes"),
            _dicts(s.get("pieceRefs")),
            s.get("techniques"),
            s.get("label"),
            s.get("instructions"),
        )
        for s in _dicts(segments)
    ]
    if not blocks:
        blocks = [
            _block(
                schedule.get("durationMinutes"),
                _dicts(plan.get("pieceRefs")),
                plan.get("techniques"),
                plan.get("title"),
                None,
            )
        ]
    return blocks[:20]


def _block(minutes: Any, pieces: list[dict[str, Any]], techniques: Any, label: Any, notes: Any) -> dict[str, Any]:
    piece = pieces[0] if pieces else {}
    activity = ActivityType.TECHNIQUE if techniques and not piece else ActivityType.REPERTOIRE
    block: dict[str, Any] = {
        "activity_type": activity.value,
        "minutes": minutes if _is_number(minutes) else 30,
        "title": _text(piece.get("title")) or _text(label) or None,
        "composer": _text(piece.get("composer")) or None,
        "focus_areas": focus_areas(_strings(techniques)),
        "notes": _text(notes) or None,
    }
    return {name: value for name, value in block.items() if value is not None}


def _clock_text(value: Any) -> str | None:
    try:
        return parse_clock(value)[0].isoformat(timespec="minutes") if _text(value) else None
    except ClockError:
        return None


# --- reading JSON whose shape is not promised ---------------------------------------------------------


def _list(document: Mapping[str, Any], name: str) -> list[Any]:
    value = document.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput("file", _("its '{name}' must be a list", name=name))
    return value


def _objects(values: list[Any], name: str, parsed: ParsedFile) -> Iterator[tuple[int, dict[str, Any]]]:
    """(number from 1, entry) for each object of a list; anything else there is a problem of its own."""
    for number, value in enumerate(values, start=1):
        if isinstance(value, dict):
            yield number, value
        elif name in ("practice_logs", "logbook"):
            parsed.rows.append(SourceRow(row=number, key=f"entry:{number}", problems=[(name, _("must be an object"))]))
        else:
            parsed.left_out.append((f"{name}[{number}]", _("must be an object")))


def _active(values: list[Any], name: str, parsed: ParsedFile) -> Iterator[tuple[int, dict[str, Any]]]:
    return ((number, entry) for number, entry in _objects(values, name, parsed) if entry.get("is_active") is not False)


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _is_number(value: Any) -> TypeGuard[float]:
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and value == value and abs(value) != float("inf")
    )


def _present(entry: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: entry[name] for name in names if entry.get(name) is not None}


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None
