"""Importing sheet music: a CSV of many pieces, or one MusicXML file (admins only).

A preview parses everything and reports each bad row with its line, field and problem; the
import adds the good rows and skips the bad ones and the ones already in the catalogue, in one
transaction, so a file is never half-imported by accident.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping
from typing import Any, Literal

from defusedxml import ElementTree
from pydantic import Field
from sqlmodel import Session

from core.i18n import _
from core.models import SheetMusic, SourceType
from services import audit
from services.actor import Actor, require_admin
from services.catalogue import PieceIn, create_piece
from services.catalogue_seed import piece_id
from services.errors import InvalidInput
from services.validation import Input, Output, parse

MAX_ROWS = 5000
MAX_CONTENT = 3_000_000
# The csv module refuses a cell over 131,072 characters by default (a process-wide limit). A
# file may hold at most MAX_CONTENT characters anyway, so any cell is read, and an over-long
# one is reported against its row and column like every other bad value.
csv.field_size_limit(max(csv.field_size_limit(), MAX_CONTENT))
CSV_COLUMNS = [
    "composer", "title", "opus", "catalog_number", "instrument", "difficulty", "grade", "period", "key",
    "time_signature", "tempo_marking", "suggested_tempo", "duration_seconds", "tags",
]  # fmt: skip
REQUIRED_COLUMNS = {"title", "instrument"}
COLUMN_OF = {
    "difficulty_level": "difficulty",
    "grade_level": "grade",
    "style_period": "period",
    "key_signature": "key",
    "id": "title",
}
FIFTHS_MAJOR = ["Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#"]
FIFTHS_MINOR = ["Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#", "G#", "D#", "A#"]


class ImportIn(Input):
    format: Literal["csv", "musicxml"]
    content: str = Field(max_length=MAX_CONTENT, description="The file's text (a .mxl file: the score inside it)")
    dry_run: bool = Field(default=True, description="Only report what would happen")


class RowProblem(Output):
    line: int
    field: str
    message: str


class ImportRow(Output):
    line: int
    title: str
    composer: str | None
    status: Literal["new", "exists", "error"]


class ImportReport(Output):
    dry_run: bool
    added: int
    existing: int
    errors: int
    rows: list[ImportRow]
    problems: list[RowProblem]


def import_catalogue(session: Session, *, actor: Actor, data: ImportIn | Mapping[str, Any]) -> ImportReport:
    """Preview (dry run) or import a CSV or MusicXML file; bad rows are reported, never imported."""
    require_admin(actor, _("Only administrators can import into the catalogue."))
    request = parse(ImportIn, data)
    parsed = _csv_rows(request.content) if request.format == "csv" else [(1, _musicxml_piece(request.content))]
    rows, problems, good = [], [], []
    for line, fields in parsed:
        title = str(fields.get("title") or "")
        try:
            piece = parse(PieceIn, fields)
        except InvalidInput as error:
            rows.append(ImportRow(line=line, title=title, composer=fields.get("composer"), status="error"))
            problems += [RowProblem(line=line, field=_column(p.field), message=p.message) for p in error.problems]
            continue
        exists = session.get(SheetMusic, piece.id) is not None
        rows.append(
            ImportRow(line=line, title=piece.title, composer=piece.composer, status="exists" if exists else "new")
        )
        if not exists:
            good.append(piece)
    if not request.dry_run:
        for piece in good:
            create_piece(session, actor=actor, data=piece)
        audit.record(
            session, "admin_catalogue_import", actor_id=actor.id, details={"added": len(good), "errors": len(problems)}
        )
    return ImportReport(
        dry_run=request.dry_run,
        added=len(good),
        existing=sum(r.status == "exists" for r in rows),
        errors=sum(r.status == "error" for r in rows),
        rows=rows,
        problems=problems,
    )


def _column(field: str) -> str:
    """The CSV column a problem is about (the file's names, not the service's)."""
    return COLUMN_OF.get(field.split(".")[0], field)


def _csv_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        return _read_rows(reader)
    except csv.Error as error:
        # Translators: {error} is the CSV reader's own explanation, in English.
        message = _("line {line} is not valid CSV ({error})", line=reader.line_num, error=error)
        raise InvalidInput("content", message) from None


def _read_rows(reader: csv.DictReader[str]) -> list[tuple[int, dict[str, Any]]]:
    header = {name.strip() for name in reader.fieldnames or []}
    if missing := REQUIRED_COLUMNS - header:
        columns = ", ".join(sorted(missing))
        # Translators: {columns} lists column names as the file must spell them (title, instrument).
        raise InvalidInput("content", _("the CSV needs the columns {columns} (first line)", columns=columns))
    if unknown := header - set(CSV_COLUMNS):
        unknown_names, known_names = ", ".join(sorted(unknown)), ", ".join(CSV_COLUMNS)
        # Translators: both lists hold column names as files spell them (composer, title, ...).
        message = _("unknown columns: {unknown}; known: {known}", unknown=unknown_names, known=known_names)
        raise InvalidInput("content", message)
    rows = []
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            raise InvalidInput("content", _("at most {count} rows per file", count=MAX_ROWS))
        values = {key.strip(): (value or "").strip() for key, value in row.items() if key}
        rows.append((line, _piece_fields(values)))
    return rows


def _piece_fields(row: dict[str, str]) -> dict[str, Any]:
    number = row.get("catalog_number") or row.get("opus") or None
    title = row.get("title", "")
    fields: dict[str, Any] = {
        "id": str(piece_id(row.get("composer") or None, number, title)) if title else None,
        "title": title or None,
        "composer": row.get("composer") or None,
        "opus": row.get("opus") or None,
        "catalog_number": row.get("catalog_number") or None,
        "instrument": row.get("instrument") or None,
        "difficulty_level": row.get("difficulty") or None,
        "grade_level": row.get("grade") or None,
        "style_period": row.get("period") or None,
        "key_signature": row.get("key") or None,
        "time_signature": row.get("time_signature") or None,
        "tempo_marking": row.get("tempo_marking") or None,
        "suggested_tempo": row.get("suggested_tempo") or None,
        "duration_seconds": row.get("duration_seconds") or None,
        "tags": [tag.strip() for tag in (row.get("tags") or "").split(";") if tag.strip()] or None,
        "source_type": SourceType.LICENSED.value,
        "source_attribution": "Imported by an administrator",
    }
    return {name: value for name, value in fields.items() if value is not None}


def _musicxml_piece(text: str) -> dict[str, Any]:
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except Exception as exc:  # defusedxml raises its own errors for entity tricks, ElementTree for bad XML
        # Translators: {error} is the name of the XML parser's error (ParseError, ...).
        message = _("is not a readable MusicXML file ({error})", error=exc.__class__.__name__)
        raise InvalidInput("content", message) from None
    if root.tag not in ("score-partwise", "score-timewise"):
        raise InvalidInput("content", _("is not MusicXML (no score-partwise or score-timewise root)"))
    title = root.findtext("work/work-title") or root.findtext("movement-title") or ""
    composer = next((c.text for c in root.iter("creator") if c.get("type") == "composer" and c.text), None)
    part_name = (root.findtext("part-list/score-part/part-name") or "").lower()
    fields = _piece_fields(
        {"title": title.strip(), "composer": (composer or "").strip(), "instrument": _instrument(part_name)}
    )
    if (key := _key_name(root)) is not None:
        fields["key_signature"] = key
    beats, beat_type = root.findtext(".//attributes/time/beats"), root.findtext(".//attributes/time/beat-type")
    if beats and beat_type:
        fields["time_signature"] = f"{beats}/{beat_type}"
    fields["notation_data"] = {"format": "musicxml", "data": text}
    return fields


def musicxml_from_mxl(data: bytes) -> str:
    """The score inside a compressed MusicXML (.mxl) file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
            path = next(e.get("full-path") for e in container.iter() if e.tag.endswith("rootfile"))
            return archive.read(path).decode("utf-8")
    except (zipfile.BadZipFile, KeyError, StopIteration, UnicodeDecodeError):
        raise InvalidInput("content", _("is not a compressed MusicXML (.mxl) file")) from None


def _instrument(part_name: str) -> str:
    return "guitar" if "guitar" in part_name else "piano"


def _key_name(root: Any) -> str | None:
    fifths, mode = root.findtext(".//attributes/key/fifths"), root.findtext(".//attributes/key/mode") or "major"
    try:
        index = int(fifths) + 7 if fifths is not None else None
    except ValueError:
        return None
    if index is None or not 0 <= index < 15:
        return None
    return f"{FIFTHS_MINOR[index]} minor" if mode == "minor" else f"{FIFTHS_MAJOR[index]} major"
