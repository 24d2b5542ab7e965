"""The practice room's settings, kept per user: reference A, click sound, accent, and the last
metronome tempo per piece. The tools themselves run in the browser (components/static/
practice-tools.js); these follow a musician from device to device.

Stored in the user's preferences (``tools`` and ``pieceTempos``), so they travel with an export
and go with the account.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints
from sqlmodel import Session

from core.models import utcnow
from services import catalogue, repertoire
from services.actor import Actor
from services.users import own_row
from services.validation import Input, Output, parse

MAX_PIECE_TEMPOS = 200  # the most recently used pieces; older ones fall off
DEFAULTS: dict[str, Any] = {"referenceA": 440, "clickSound": "wood", "accent": True}

ClickSound = Literal["wood", "beep", "click"]
# "sheet:<catalogue id>" for a piece from the library, "title:<title in lower case>" for one typed in.
PieceKey = Annotated[str, StringConstraints(pattern=r"^(sheet|title):.+$", min_length=7, max_length=320)]
Bpm = Annotated[int, Field(ge=20, le=300, description="Beats per minute")]


class PieceTempo(Input):
    key: PieceKey
    bpm: Bpm


class ToolSettingsUpdate(Input):
    reference_a: int | None = Field(default=None, ge=415, le=466, description="Reference A4 in Hz")
    click_sound: ClickSound | None = None
    accent: bool | None = None
    piece_tempo: PieceTempo | None = Field(default=None, description="The tempo last used for one piece")


class ToolSettingsOut(Output):
    reference_a: int
    click_sound: ClickSound
    accent: bool
    updated_at: int = Field(description="When these last changed, in milliseconds since 1970 (server clock)")
    piece_tempos: dict[str, int]


def tool_settings(session: Session, *, actor: Actor) -> ToolSettingsOut:
    """The acting user's practice-room settings, defaults filled in."""
    return from_preferences(own_row(session, actor).preferences or {})


def update_tool_settings(
    session: Session, *, actor: Actor, data: ToolSettingsUpdate | Mapping[str, Any]
) -> ToolSettingsOut:
    """Change the settings given; a piece tempo is remembered as that piece's most recent."""
    update = parse(ToolSettingsUpdate, data)
    user = own_row(session, actor)
    preferences = dict(user.preferences or {})
    tools = {**DEFAULTS, **(preferences.get("tools") or {})}
    changes = update.model_dump(exclude_unset=True, exclude_none=True, exclude={"piece_tempo"}, by_alias=True)
    if changes:
        tools.update(changes)
        tools["updatedAt"] = int(time.time() * 1000)
        preferences["tools"] = tools
    if update.piece_tempo is not None:
        tempos = {k: v for k, v in (preferences.get("pieceTempos") or {}).items() if k != update.piece_tempo.key}
        tempos[update.piece_tempo.key] = update.piece_tempo.bpm  # last in, the most recent
        preferences["pieceTempos"] = dict(list(tempos.items())[-MAX_PIECE_TEMPOS:])
    user.preferences = preferences
    user.updated_at = utcnow()
    session.add(user)
    session.flush()
    return from_preferences(preferences)


class PieceStart(Output):
    """Where the metronome starts for a piece of the catalogue."""

    id: uuid.UUID
    title: str
    composer: str | None
    tempo: int | None = Field(description="The tempo last used for it, else the best logged, else the suggested")
    target: int | None = Field(description="The repertoire's target tempo, else the catalogue's suggestion")


def piece_start(session: Session, *, actor: Actor, piece_id: uuid.UUID) -> PieceStart:
    """The piece, the tempo its metronome starts at and the tempo it aims for (NotFound: no such piece)."""
    piece = catalogue.get_piece(session, actor=actor, piece_id=piece_id)
    activity = repertoire.piece_activity(session, actor=actor, piece_id=piece_id)
    remembered = from_preferences(own_row(session, actor).preferences or {}).piece_tempos.get(f"sheet:{piece.id}")
    return PieceStart(
        id=piece.id,
        title=piece.title,
        composer=piece.composer,
        tempo=remembered or activity.best_tempo or piece.suggested_tempo,
        target=activity.target_tempo or piece.suggested_tempo,
    )


def from_preferences(preferences: Mapping[str, Any]) -> ToolSettingsOut:
    """The settings within a user's preferences (pages have them already, with the profile)."""
    tools = {**DEFAULTS, **(preferences.get("tools") or {})}
    return ToolSettingsOut(
        reference_a=tools["referenceA"],
        click_sound=tools["clickSound"],
        accent=tools["accent"],
        updated_at=tools.get("updatedAt", 0),
        piece_tempos=dict(preferences.get("pieceTempos") or {}),
    )
