"""The starter catalogue: public-domain piano and guitar works kept in services/data/catalogue.csv.

Each piece gets a stable id from its composer, catalogue number and title, so seeding again
refreshes the same rows instead of adding copies, and an admin's deactivation sticks.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from core.models import SheetMusic, SourceType, utcnow
from services.catalogue import NotationFormat, PieceIn
from services.validation import parse

CATALOGUE_NAMESPACE = uuid.UUID("6f1d8f0e-5d0b-4c59-9a39-0f7d3c1e2a11")
NOTATION_SUFFIXES = {".abc": NotationFormat.ABC, ".musicxml": NotationFormat.MUSICXML, ".mei": NotationFormat.MEI}


@dataclass(frozen=True)
class SeedReport:
    added: int
    updated: int
    unchanged: int


def piece_id(composer: str | None, number: str | None, title: str) -> uuid.UUID:
    """The stable id of a catalogue piece."""
    return uuid.uuid5(CATALOGUE_NAMESPACE, f"{composer or ''}|{number or ''}|{title}".lower())


def starter_pieces() -> Iterator[PieceIn]:
    """Every piece of the starter catalogue, validated like any other input."""
    data = resources.files("services") / "data"
    text = (data / "catalogue.csv").read_text(encoding="utf-8")
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            yield parse(PieceIn, _piece_fields(row, data))
        except Exception as exc:
            raise ValueError(f"catalogue.csv line {line}: {exc}") from exc


def seed_catalogue(session: Session) -> SeedReport:
    """Insert new starter pieces and refresh changed ones; leaves is_active alone."""
    added = updated = unchanged = 0
    for piece in starter_pieces():
        values = piece.model_dump(exclude={"id"}, mode="json")
        row = session.get(SheetMusic, piece.id)
        if row is None:
            assert piece.id is not None  # every starter piece has its stable id (piece_id)
            session.add(SheetMusic(id=piece.id, **values))
            added += 1
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = utcnow()
            updated += 1
        else:
            unchanged += 1
    session.flush()
    return SeedReport(added=added, updated=updated, unchanged=unchanged)


def seed_if_empty(session: Session) -> int:
    """Load the starter catalogue into an empty catalogue; returns how many pieces were added."""
    if session.exec(select(func.count()).select_from(SheetMusic)).one():
        return 0
    return seed_catalogue(session).added


def _piece_fields(row: dict[str, str], data: Any) -> dict[str, Any]:
    number = row["catalog_number"] or row["opus"]
    fields: dict[str, Any] = {
        "id": piece_id(row["composer"], number, row["title"]),
        "title": row["title"],
        "composer": row["composer"] or None,
        "opus": row["opus"] or None,
        "catalog_number": row["catalog_number"] or None,
        "instrument": row["instrument"],
        "difficulty_level": row["difficulty"] or None,
        "grade_level": row["grade"] or None,
        "style_period": row["period"] or None,
        "key_signature": row["key"] or None,
        "time_signature": row["time_signature"] or None,
        "tempo_marking": row["tempo_marking"] or None,
        "suggested_tempo": row["suggested_tempo"] or None,
        "duration_seconds": row["duration_seconds"] or None,
        "tags": [tag for tag in row["tags"].split(";") if tag] or None,
        "source_type": SourceType.PUBLIC_DOMAIN,
        "license_type": "Public domain",
        "source_attribution": "Mirubato starter catalogue",
    }
    if row["notation"]:
        file = data / "notation" / row["notation"]
        suffix = "." + row["notation"].rsplit(".", 1)[-1]
        fields["notation_data"] = {"format": NOTATION_SUFFIXES[suffix], "data": file.read_text(encoding="utf-8")}
    return fields
