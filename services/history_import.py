"""Bring your history along: import practice logs (and what goes with them) from a file.

Three formats (``services.history_csv``, ``services.history_json``): a CSV with a column mapping,
this app's own JSON export, and the original Mirubato app's JSON export. Each is read into the
same neutral rows; every row is then checked exactly as a log saved in the app is
(``practice_shapes.LogFields`` and ``practice_logs.complete``), and the good ones land while the bad
ones are listed with their row, field and problem. A file refused as a whole (too large, not
UTF-8, not the format it claims, no rows) is refused before anything is written.

Idempotent: an imported log's id is ``uuid5(IMPORT_NAMESPACE, "{user}:{format}:{key}")`` with the
row's stable key (a CSV row's content, an export's log id), so importing the same file again finds
every log already there by its primary key and adds nothing. Goals and plans already present (same
kind and target, same title) are not added twice; repertoire entries and templates are set, not added.

Writing: rows go in with ``INSERT ... ON CONFLICT (id) DO NOTHING``, one executemany per batch of
``BATCH_SIZE``. The REST import does it all in one transaction. The page applies batch by batch
(``prepare_import``, ``apply_batch`` each in its own transaction, ``finish_import``) so a progress
bar can move. Progress (levels, streaks, achievements) is rebuilt once, when the import finishes,
and the goals are checked once with it (``progress_tracking.progress_changed``); open pages hear of
the new logs once, after that commit. While batches land, the musician's progress rows are removed
(the first batch removes them), so an import cut short leaves no stale figures behind: the next
change to their logs, or the next start of the app, rebuilds them from the logs.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Literal

from pydantic import field_validator
from pydantic.alias_generators import to_snake
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError
from sqlmodel import Session, col, select

from core import effects
from core.i18n import _, format_number
from core.models import Goal, Plan, PracticeLog, ProgressTracking, SheetMusic, utcnow
from services import audit, goals, history_csv, plans, repertoire, templates
from services.actor import Actor
from services.errors import FieldProblem, InvalidInput, NotFound, ServiceError, TooLarge
from services.history_csv import ColumnMapping, read_csv
from services.history_json import read_mirubato, read_original
from services.history_sources import (
    ImportFormat,
    ItemWish,
    ParsedFile,
    RepertoireWish,
    SourceRow,
    decode,
    detect_format,
    echo,
    load_json,
    plain,
)
from services.practice_logs import complete, default_instrument
from services.practice_shapes import LogFields
from services.progress_tracking import progress_changed
from services.repertoire import refresh_piece_stats
from services.validation import Input, Output, parse

MAX_FILE_BYTES = 32 * 1024 * 1024  # this app's export of 20,000 logs is about 15 MB
BATCH_SIZE = 1000
PREVIEW_ROWS = 20
MAX_LISTED_PROBLEMS = 1000
IMPORT_NAMESPACE = uuid.UUID("6db9914c-a423-4e31-9bb3-02f0b7e9f002")  # fixed: the ids of imported logs
ID_CHUNK = 2000  # ids per IN (...) look-up, well under SQLite's and PostgreSQL's parameter limits
ROW_LISTS = {ImportFormat.CSV: "rows", ImportFormat.MIRUBATO: "practice_logs", ImportFormat.ORIGINAL: "logbook"}

_TABLE = PracticeLog.__table__  # type: ignore[attr-defined]  # SQLModel sets it at runtime
_BLANK_LOG = {column.key: None for column in _TABLE.columns} | {"is_active": True, "version": 1}
# An executemany (psycopg pipelines it) that counts what it stored: a multi-row VALUES with RETURNING
# took three times as long on PostgreSQL, the driver parsing 22,000 placeholders per batch.
_INSERTS: dict[str, Any] = {
    name: dialect.insert(_TABLE).on_conflict_do_nothing(index_elements=["id"]).execution_options(preserve_rowcount=True)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}


class ImportOptions(Input):
    format: ImportFormat
    mapping: ColumnMapping | None = None

    @field_validator("mapping", mode="before")
    @classmethod
    def _json_text(cls, value: Any) -> Any:
        """A form sends the mapping as JSON text."""
        if not isinstance(value, str):
            return value
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise ValueError(_("must be a JSON object naming a column for each field")) from None


class RowProblem(Output):
    row: int | None  # a row of the file (a spreadsheet row, or an entry's number in its list)
    field: str  # the file's own name for the field (a CSV column, a JSON key), or which entry
    message: str


class PreviewRow(Output):
    row: int
    status: Literal["new", "exists", "error"]
    start_time: datetime | None
    minutes: float | None
    activity_type: str | None
    instrument: str | None
    composer: str | None
    work_title: str | None
    notes: str | None


class ImportReport(Output):
    format: ImportFormat
    dry_run: bool
    columns: list[str]  # a CSV's columns, for choosing the mapping
    mapping: dict[str, Any] | None  # the mapping the CSV was read with (suggested when none was given)
    total: int  # practice logs the file holds
    added: int  # new logs (a preview: that would be added)
    existing: int  # logs imported before (the same rows of the same file)
    errors: int  # rows with problems, not imported
    skipped: int  # entries that are not practice (removed, a status change)
    minutes: int  # minutes of practice the new logs hold
    preview: list[PreviewRow]
    problems: list[RowProblem]
    unlisted_problems: int  # problems beyond those listed
    repertoire: int  # pieces set in the repertoire (a preview: named in the file)
    goals: int
    plans: int
    templates: int
    left_out: list[RowProblem]  # goals, plans, pieces ... that could not be brought along, and why


@dataclass(frozen=True, slots=True)
class ReadyLog:
    row: int
    id: uuid.UUID
    values: dict[str, Any]  # the practice_logs columns but id and user_id


@dataclass(slots=True)
class ImportPlan:
    """A checked file, between the batches of an import (the page holds it)."""

    user_id: uuid.UUID
    parsed: ParsedFile
    logs: list[ReadyLog]  # the new good rows, in file order
    report: ImportReport  # what the preview said
    inserted: int = 0
    pieces: set[uuid.UUID] = field(default_factory=set)  # catalogue pieces the new logs are of


# --- the use cases ------------------------------------------------------------------------------------


def preview_import(
    session: Session, *, actor: Actor, content: bytes, data: ImportOptions | Mapping[str, Any]
) -> ImportReport:
    """What importing this file would do: counts, the first rows as they would be saved, every problem."""
    return prepare_import(session, actor=actor, content=content, data=data).report


def import_history(
    session: Session, *, actor: Actor, content: bytes, data: ImportOptions | Mapping[str, Any]
) -> ImportReport:
    """Import the file in this transaction: good rows land, bad ones are listed; a repeat adds nothing."""
    plan = prepare_import(session, actor=actor, content=content, data=data)
    report = plan.report
    parsed = plan.parsed
    if report.errors and not plan.logs and not report.existing and not _has_extras(parsed):
        name = ROW_LISTS[parsed.format]
        raise InvalidInput(
            problems=[FieldProblem(f"{name}[{p.row}].{p.field}", p.message) for p in report.problems[:50]]
        )
    for start in range(0, len(plan.logs), BATCH_SIZE):
        plan.inserted += _insert(session, actor.id, plan.logs[start : start + BATCH_SIZE])
    return finish_import(session, actor=actor, plan=plan)


def prepare_import(
    session: Session, *, actor: Actor, content: bytes, data: ImportOptions | Mapping[str, Any]
) -> ImportPlan:
    """Read and check the file; nothing is written."""
    options = parse(ImportOptions, data)
    parsed = read_file(content, options, actor.timezone)
    return _check(session, actor, parsed)


def apply_batch(session: Session, *, actor: Actor, plan: ImportPlan, start: int, stop: int) -> int:
    """Store the plan's new logs ``start:stop``; how many landed (0 for those there already)."""
    _own(plan, actor)
    logs = plan.logs[max(start, 0) : max(stop, 0)]
    if not logs:
        return 0
    added = _insert(session, actor.id, logs)
    if added:  # progress is rebuilt once at the end; until then the rows would be stale, so they go
        session.exec(delete(ProgressTracking).where(col(ProgressTracking.user_id) == actor.id))
    plan.inserted += added
    return added


def finish_import(session: Session, *, actor: Actor, plan: ImportPlan) -> ImportReport:
    """Repertoire, goals, plans and templates; piece statistics and progress once; the final report."""
    _own(plan, actor)
    left_out = list(plan.report.left_out)
    counts = _apply_extras(session, actor, plan, left_out)
    for piece_id in sorted(plan.pieces):
        refresh_piece_stats(session, actor.id, piece_id)
    if plan.inserted or plan.logs:
        progress_changed(session, actor.id)  # one rebuild (and one look at the goals) before the commit
        effects.record(session, effects.LogsChanged(actor.id))  # open pages refresh once, after it
    report = plan.report.model_copy(
        update={
            "dry_run": False,
            "added": plan.inserted,
            "existing": plan.report.existing + len(plan.logs) - plan.inserted,
            "minutes": plan.report.minutes if plan.inserted else 0,
            "left_out": left_out,
            **counts,
        }
    )
    audit.record(
        session,
        "history_import",
        actor_id=actor.id,
        details={"format": str(report.format), "added": report.added, "errors": report.errors, **counts},
    )
    return report


def read_file(content: bytes, options: ImportOptions, timezone: str) -> ParsedFile:
    """The file's rows in the neutral form; a file that cannot be one of ``options.format`` is refused."""
    if len(content) > MAX_FILE_BYTES:
        raise file_too_large(len(content))
    text = decode(content)
    if options.format == ImportFormat.CSV:
        parsed = read_csv(text, options.mapping, timezone)
    elif options.format == ImportFormat.MIRUBATO:
        parsed = read_mirubato(load_json(text))
    else:
        parsed = read_original(load_json(text), timezone)
    if not parsed.rows and not _has_extras(parsed):
        raise InvalidInput("file", _("holds no practice to import"))
    return parsed


def _has_extras(parsed: ParsedFile) -> bool:
    return bool(parsed.repertoire or parsed.goals or parsed.plans or parsed.templates)


def file_too_large(size: int) -> TooLarge:
    """The refusal of a file of ``size`` bytes (over ``MAX_FILE_BYTES``): its size, the limit, what to do."""
    return TooLarge(
        _(
            "The file is {size} MB; at most {limit} MB can be imported. Split it, or export a shorter period.",
            size=format_number(size / 1024 / 1024, 1),
            limit=format_number(MAX_FILE_BYTES // 1024 // 1024),
        )
    )


def guess_format(content: bytes) -> ImportFormat | None:
    """Which format a file looks like, for the page to preselect (None: it cannot tell)."""
    return detect_format(content[:65536].decode("utf-8-sig", errors="ignore"))


def csv_columns(content: bytes) -> list[str]:
    """A CSV file's column names, for choosing the mapping even while the current one is refused."""
    return history_csv.csv_columns(content[:65536].decode("utf-8-sig", errors="replace"))


def suggested_mapping(content: bytes) -> dict[str, Any]:
    """The mapping a CSV file's column names suggest (camelCase, as reports show mappings)."""
    return history_csv.suggest_mapping(csv_columns(content)).model_dump(by_alias=True)


def log_id(user_id: uuid.UUID, source: ImportFormat, key: str) -> uuid.UUID:
    """The id an imported row's log gets: the same row of the same file for the same musician, the same id."""
    return uuid.uuid5(IMPORT_NAMESPACE, f"{user_id}:{source}:{key}")


# --- checking rows ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Checked:
    ready: list[tuple[ReadyLog, uuid.UUID | None]] = field(default_factory=list)  # with the export's own id
    problems: list[RowProblem] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    shown: list[tuple[SourceRow, dict[str, Any] | list[RowProblem], uuid.UUID | None]] = field(default_factory=list)
    skipped: int = 0


def _check(session: Session, actor: Actor, parsed: ParsedFile) -> ImportPlan:
    checker = _RowChecker(session, actor, parsed)
    checked = _Checked()
    for row in parsed.rows:
        if row.skipped:
            checked.skipped += 1
            continue
        result = checker.check(row)
        new_id = None
        if isinstance(result, list):
            checked.problems += result
            checked.bad_rows.add(row.row)
        else:
            new_id = log_id(actor.id, parsed.format, row.key)
            checked.ready.append((ReadyLog(row.row, new_id, result), row.original_id))
        if len(checked.shown) < PREVIEW_ROWS:
            checked.shown.append((row, result, new_id))
    present = _present_ids(session, actor, checked.ready)
    new = [log for log, original in checked.ready if log.id not in present and original not in present]
    preview = [
        _preview(row, result, new_id in present or row.original_id in present) for row, result, new_id in checked.shown
    ]
    report = _report(parsed, checked, new, preview)
    parsed.rows = []  # checked: what the batches need is in ``new`` (a page holds the plan meanwhile)
    return ImportPlan(
        user_id=actor.id,
        parsed=parsed,
        logs=new,
        pieces={log.values["sheet_music_id"] for log in new if log.values.get("sheet_music_id")},
        report=report,
    )


class _RowChecker:
    """Checks rows as the log form's saves are checked, with what it needs looked up once."""

    def __init__(self, session: Session, actor: Actor, parsed: ParsedFile) -> None:
        self.session, self.actor, self.parsed = session, actor, parsed
        self.instrument = default_instrument(session, actor)
        # A file of another app names pieces by title: linked to the catalogue when that is certain. This
        # app's export says which piece each log is of already, and comes back exactly as it was.
        self.finder = PieceFinder.load(session) if parsed.format != ImportFormat.MIRUBATO else None
        self.known = self._known_pieces()

    def check(self, row: SourceRow) -> dict[str, Any] | list[RowProblem]:
        if row.problems:
            return [RowProblem(row=row.row, field=name, message=message) for name, message in row.problems]
        fields = dict(row.fields)
        if name := next((name for name, value in fields.items() if _unstorable(value)), None):
            label = row.labels.get(name, name)
            return [RowProblem(row=row.row, field=label, message=_("holds characters that are not text"))]
        fields["instrument"] = fields.get("instrument") or self.instrument
        self._link_piece(fields)
        try:
            return complete(self.session, self.actor, parse(LogFields, fields))
        except InvalidInput as error:
            return [RowProblem(row=row.row, field=_label(row, p.field), message=p.message) for p in error.problems]

    def _link_piece(self, fields: dict[str, Any]) -> None:
        given = fields.get("sheet_music_id")
        if given is not None:
            if str(given) not in self.known:
                del fields["sheet_music_id"]  # not in this catalogue: the log keeps its title and composer
            return
        found = self.finder.find(fields.get("work_title"), fields.get("composer")) if self.finder else None
        if found is not None:
            fields["sheet_music_id"] = found

    def _known_pieces(self) -> set[str]:
        named = {str(row.fields["sheet_music_id"]) for row in self.parsed.rows if row.fields.get("sheet_music_id")}
        ids = [uuid.UUID(text) for text in named if _is_uuid(text)]
        known: set[str] = set()
        for start in range(0, len(ids), ID_CHUNK):
            found = self.session.exec(
                select(SheetMusic.id).where(
                    col(SheetMusic.id).in_(ids[start : start + ID_CHUNK]), col(SheetMusic.is_active)
                )
            ).all()
            known |= {str(piece_id) for piece_id in found}
        return known


def _label(row: SourceRow, field_path: str) -> str:
    """The file's own name for a field a check names by its camelCase path ("durationSeconds")."""
    name = to_snake(re.split(r"[.\[]", field_path, maxsplit=1)[0]) if field_path else ""
    return row.labels.get(name, name)


def _unstorable(value: Any) -> bool:
    """Whether ``value`` holds text no database can store (a lone surrogate, from a JSON escape)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_unstorable(key) or _unstorable(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_unstorable(item) for item in value)
    return False


def _present_ids(session: Session, actor: Actor, ready: list[tuple[ReadyLog, uuid.UUID | None]]) -> set[uuid.UUID]:
    """Of the rows' ids (and an export's own log ids), those already in this account."""
    wanted = [log.id for log, _original in ready] + [original for _log, original in ready if original is not None]
    present: set[uuid.UUID] = set()
    for start in range(0, len(wanted), ID_CHUNK):
        chunk = wanted[start : start + ID_CHUNK]
        present |= set(
            session.exec(
                select(PracticeLog.id).where(col(PracticeLog.id).in_(chunk), col(PracticeLog.user_id) == actor.id)
            ).all()
        )
    return present


def _preview(row: SourceRow, result: dict[str, Any] | list[RowProblem], present: bool) -> PreviewRow:
    values = result if isinstance(result, dict) else row.fields
    seconds = values.get("duration_seconds")
    start = values.get("start_time")
    notes = values.get("practice_notes")
    return PreviewRow(
        row=row.row,
        status="error" if isinstance(result, list) else "exists" if present else "new",
        start_time=start if isinstance(start, datetime) else None,
        minutes=round(seconds / 60, 1) if isinstance(seconds, int) else None,
        activity_type=_short(values.get("activity_type")),
        instrument=_short(values.get("instrument")),
        composer=_short(values.get("composer")),
        work_title=_short(values.get("work_title")),
        notes=_short(notes, 80),
    )


def _short(value: Any, length: int = 60) -> str | None:
    return echo(value)[:length] if isinstance(value, str) and value else None


def _report(parsed: ParsedFile, checked: _Checked, new: list[ReadyLog], preview: list[PreviewRow]) -> ImportReport:
    problems = sorted(checked.problems, key=lambda p: p.row or 0)
    good = len(checked.ready)
    return ImportReport(
        format=parsed.format,
        dry_run=True,
        columns=parsed.columns,
        mapping=parsed.mapping,
        total=good + len(checked.bad_rows) + checked.skipped,
        added=len(new),
        existing=good - len(new),
        errors=len(checked.bad_rows),
        skipped=checked.skipped,
        minutes=sum(log.values["duration_seconds"] for log in new) // 60,
        preview=preview,
        problems=problems[:MAX_LISTED_PROBLEMS],
        unlisted_problems=max(0, len(problems) - MAX_LISTED_PROBLEMS),
        repertoire=len(parsed.repertoire),
        goals=len(parsed.goals),
        plans=len(parsed.plans),
        templates=len(parsed.templates),
        left_out=[RowProblem(row=None, field=where, message=why) for where, why in parsed.left_out],
    )


# --- writing ------------------------------------------------------------------------------------------


def _insert(session: Session, user_id: uuid.UUID, logs: list[ReadyLog]) -> int:
    """INSERT ... ON CONFLICT (id) DO NOTHING for each row, in one executemany; how many rows were new."""
    session.flush()
    now = utcnow()
    rows = [
        _BLANK_LOG | log.values | {"id": log.id, "user_id": user_id, "created_at": now, "updated_at": now}
        for log in logs
    ]
    connection = session.connection()
    return int(connection.execute(_INSERTS[connection.dialect.name], rows).rowcount)


def _own(plan: ImportPlan, actor: Actor) -> None:
    if plan.user_id != actor.id:
        raise NotFound(_("No import of yours is under way."))


def _apply_extras(session: Session, actor: Actor, plan: ImportPlan, left_out: list[RowProblem]) -> dict[str, int]:
    parsed = plan.parsed
    finder = PieceFinder.load(session) if any(w.piece_id is None for w in parsed.repertoire) else None
    existing_goals = _goal_keys(session, actor)
    existing_plans = _plan_titles(session, actor)
    counts = {"repertoire": 0, "goals": 0, "plans": 0, "templates": 0}
    for wish in parsed.repertoire:
        counts["repertoire"] += _each(session, wish.where, left_out, partial(_set_piece, session, actor, wish, finder))
    for item in parsed.goals:
        counts["goals"] += _each(
            session, item.where, left_out, partial(_add_goal, session, actor, item, existing_goals)
        )
    for item in parsed.plans:
        counts["plans"] += _each(
            session, item.where, left_out, partial(_add_plan, session, actor, item, existing_plans)
        )
    for item in parsed.templates:
        counts["templates"] += _each(session, item.where, left_out, partial(_save_template, session, actor, item))
    return counts


def _each(session: Session, where: str, left_out: list[RowProblem], action: Callable[[], bool]) -> int:
    """Run one item's change in a savepoint: a refused item is listed and leaves nothing behind."""
    try:
        with session.begin_nested():
            return int(action())
    except ServiceError as error:
        left_out.append(RowProblem(row=None, field=where, message=error.message))
    except (IntegrityError, DataError):
        left_out.append(RowProblem(row=None, field=where, message=_("holds values that cannot be stored")))
    return 0


def _set_piece(session: Session, actor: Actor, wish: RepertoireWish, finder: PieceFinder | None) -> bool:
    piece_id = wish.piece_id or (finder.find(wish.title, wish.composer) if finder else None)
    if piece_id is None:
        name = wish.title or "?"
        raise NotFound(
            _("'{title}' by {composer} is not in this catalogue", title=echo(name), composer=echo(wish.composer))
            if wish.composer
            else _("'{title}' is not in this catalogue", title=echo(name))
        )
    if wish.status is not None:
        change: dict[str, Any] = {"status": wish.status}
        if wish.target_tempo is not None:
            change["target_tempo"] = wish.target_tempo
        if wish.notes is not None:
            change["notes"] = wish.notes
        _check_text(change)
        repertoire.add_to_repertoire(session, actor=actor, piece_id=piece_id, data=change)
    if wish.starred or wish.bookmarked:
        flags = {"is_starred": wish.starred or None, "is_bookmarked": wish.bookmarked or None}
        repertoire.set_flags(session, actor=actor, piece_id=piece_id, data=flags)
    return True


def _add_goal(session: Session, actor: Actor, item: ItemWish, existing: set[tuple[Any, ...]]) -> bool:
    _check_text(item.data)
    wanted = parse(goals.GoalIn, item.data)
    key = _goal_key(wanted.kind, wanted.target, wanted.title, wanted.instrument, wanted.sheet_music_id, wanted.due_on)
    if key in existing:
        return False
    goals.create_goal(session, actor=actor, data=wanted)
    existing.add(key)
    return True


def _add_plan(session: Session, actor: Actor, item: ItemWish, existing: set[str]) -> bool:
    _check_text(item.data)
    wanted = parse(plans.PlanIn, item.data)
    if wanted.title.casefold() in existing:
        return False
    plans.create_plan(session, actor=actor, data=wanted)
    existing.add(wanted.title.casefold())
    return True


def _save_template(session: Session, actor: Actor, item: ItemWish) -> bool:
    _check_text(item.data)
    templates.save_template(session, actor=actor, data=item.data)  # a template of the same name is replaced
    return True


def _goal_keys(session: Session, actor: Actor) -> set[tuple[Any, ...]]:
    rows = session.exec(select(Goal).where(Goal.user_id == actor.id, col(Goal.is_active).is_(True))).all()
    return {_goal_key(g.kind, g.target, g.title, g.instrument, g.sheet_music_id, g.due_on) for g in rows}


def _goal_key(kind: Any, target: int, title: str | None, instrument: Any, piece: Any, due: Any) -> tuple[Any, ...]:
    return (
        str(kind),
        target,
        title or None,
        str(instrument) if instrument else None,
        str(piece) if piece else None,
        due,
    )


def _plan_titles(session: Session, actor: Actor) -> set[str]:
    rows = session.exec(
        select(Plan.title).where(Plan.user_id == actor.id, col(Plan.is_active).is_(True), col(Plan.given_by).is_(None))
    ).all()
    return {title.casefold() for title in rows}


def _check_text(data: Any) -> None:
    if _unstorable(data):
        raise InvalidInput("", _("holds characters that are not text"))


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


# --- catalogue pieces by the names musicians give them ---------------------------------------------


class PieceFinder:
    """Catalogue pieces by title and composer as a musician writes them ("Für Elise", "Beethoven").

    A title matches a catalogue title in plain form (no case, accents or punctuation), whole or up to
    its first " (" or ":" ("Für Elise (Bagatelle in A minor)"); the composer's surname must be one of
    the catalogue composer's names. Only a single match counts: an ambiguous name links nothing.
    """

    def __init__(self, pieces: list[tuple[uuid.UUID, str, str | None]]) -> None:
        self.by_title: dict[str, list[tuple[uuid.UUID, set[str]]]] = {}
        for piece_id, title, composer in pieces:
            names = set(plain(composer or "").split())
            for key in {plain(title), plain(title.split(" (")[0]), plain(title.split(":")[0])} - {""}:
                self.by_title.setdefault(key, []).append((piece_id, names))
        self.memo: dict[tuple[str, str], uuid.UUID | None] = {}

    @classmethod
    def load(cls, session: Session) -> PieceFinder:
        rows = session.exec(
            select(SheetMusic.id, SheetMusic.title, SheetMusic.composer).where(col(SheetMusic.is_active).is_(True))
        ).all()
        return cls([(piece_id, title, composer) for piece_id, title, composer in rows])

    def find(self, title: Any, composer: Any) -> uuid.UUID | None:
        if not isinstance(title, str) or not isinstance(composer, str) or not title.strip() or not composer.strip():
            return None
        key = (title, composer)
        if key not in self.memo:
            surname = (plain(composer).split() or [""])[-1]
            matches = {pid for pid, names in self.by_title.get(plain(title), []) if surname in names}
            self.memo[key] = matches.pop() if len(matches) == 1 else None
        return self.memo[key]
