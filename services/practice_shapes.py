"""Input and output shapes of practice logs, shared by the log, quick-log and sync use cases."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints, field_validator

from core.models import ActivityType, Instrument
from services.validation import Input, LongText, Offset, Output, Tags, Text100, Text200, Text300, Url

MAX_DURATION_SECONDS = 24 * 3600
MAX_TEMPO = 400

Tempo = Annotated[int, Field(ge=1, le=MAX_TEMPO)]


class LogFields(Input):
    """Everything a musician can say about one stretch of practice."""

    activity_type: ActivityType
    instrument: Instrument | None = Field(default=None, description="Defaults to the user's primary instrument")
    start_time: AwareDatetime | None = Field(default=None, description="Defaults to endTime - durationSeconds")
    end_time: AwareDatetime | None = None
    duration_seconds: int | None = Field(default=None, ge=1, le=MAX_DURATION_SECONDS)
    session_id: uuid.UUID | None = None
    sheet_music_id: uuid.UUID | None = None
    composer: Text200 | None = None
    work_title: Text300 | None = None
    opus_number: Text100 | None = None
    movement_section: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    tempo_practiced: Tempo | None = None
    target_tempo: Tempo | None = None
    focus_areas: Tags | None = Field(default=None, max_length=12)
    self_rating: int | None = Field(default=None, ge=1, le=10)
    accuracy_percentage: float | None = Field(default=None, ge=0, le=100)
    notes_played: int | None = Field(default=None, ge=0, le=1_000_000)
    notes_correct: int | None = Field(default=None, ge=0, le=1_000_000)
    practice_notes: LongText | None = None
    audio_recording_url: Url | None = None


class LogIn(LogFields):
    """A new log. A client may choose its id (a UUID) so that retries are safe."""

    id: uuid.UUID | None = None


class LogUpdate(LogFields):
    """The full new state of a log (PUT replaces). ``version`` guards against lost updates."""

    version: int | None = Field(default=None, ge=1, description="The version this edit was based on")


class PieceRef(Input):
    composer: Text200 | None = None
    title: Text300 | None = None
    section: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None


class QuickLogIn(Input):
    """The spec's quick log: an activity, how long (``duration`` in seconds), optionally a piece."""

    id: uuid.UUID | None = None
    activity_type: ActivityType
    duration: int = Field(ge=1, le=MAX_DURATION_SECONDS, description="Seconds practised")
    piece: PieceRef | None = None
    sheet_music_id: uuid.UUID | None = None
    instrument: Instrument | None = None
    tempo: Tempo | None = None
    self_rating: int | None = Field(default=None, ge=1, le=10)
    notes: LongText | None = None
    end_time: AwareDatetime | None = Field(default=None, description="When practice ended; defaults to now")


class LogQuery(Input):
    date_from: date | None = Field(default=None, alias="from", description="First local day (inclusive)")
    date_to: date | None = Field(default=None, alias="to", description="Last local day (inclusive)")
    activity_type: list[ActivityType] | None = None
    instrument: Instrument | None = None
    sheet_music_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    limit: int = Field(default=50, ge=1, le=200)
    offset: Offset = 0


class LogOut(Output):
    id: uuid.UUID
    activity_type: ActivityType
    instrument: Instrument
    start_time: datetime
    end_time: datetime | None
    duration_seconds: int | None
    session_id: uuid.UUID | None
    sheet_music_id: uuid.UUID | None
    composer: str | None
    work_title: str | None
    opus_number: str | None
    movement_section: str | None
    tempo_practiced: int | None
    target_tempo: int | None
    focus_areas: list[str]
    self_rating: int | None
    accuracy_percentage: float | None
    notes_played: int | None
    notes_correct: int | None
    practice_notes: str | None
    audio_recording_url: str | None
    created_at: datetime
    updated_at: datetime
    is_active: bool
    version: int

    @field_validator("focus_areas", mode="before")
    @classmethod
    def _none_is_empty(cls, value: list[str] | None) -> list[str]:
        return value or []


class SavedLog(Output):
    """A created log, and whether this call created it (false: an identical earlier create)."""

    log: LogOut
    created: bool
