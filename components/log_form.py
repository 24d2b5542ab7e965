"""The practice log form: every field of a log, with the piece from the library or typed in.

It only gathers values and shows problems next to their fields; the page decides what saving
means (create, edit, or one of several logs after the timer).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import ui

from components.format import ACTIVITY_LABELS, FOCUS_AREAS
from components.session import act
from services import catalogue, suggestions
from services.errors import InvalidInput
from services.practice_shapes import LogOut

Search = Callable[[str], Awaitable[None]]
FIELD_OF_ERROR = {"startTime": "start", "endTime": "minutes", "durationSeconds": "minutes"}


class LogForm(ui.column):
    """Fields for one practice log, prefilled from ``initial`` (a log, the timer, or a template)."""

    def __init__(
        self, *, timezone: str, instrument: str, initial: dict[str, Any] | None = None, compact: bool = False
    ) -> None:
        super().__init__()
        self.classes("w-full gap-3")
        self.timezone = timezone
        self.piece_id: str | None = None
        values = {"activityType": "repertoire", "instrument": instrument, **(initial or {})}
        start = _parse_time(values.get("startTime")) or datetime.now(ZoneInfo(timezone)) - timedelta(
            seconds=values.get("durationSeconds") or 1800
        )
        start = start.astimezone(ZoneInfo(timezone))
        self._exact_start = start  # the inputs show minutes; keep the timer's seconds unless edited
        with self:
            with ui.row().classes("w-full gap-3 items-start"):
                self.activity = (
                    ui.select(ACTIVITY_LABELS, value=values["activityType"], label="Activity")
                    .props("outlined")
                    .classes("min-w-[12rem] grow")
                    .mark("log-activity")
                )
                self.instrument = ui.toggle({"piano": "Piano", "guitar": "Guitar"}, value=values["instrument"]).mark(
                    "log-instrument"
                )
            with ui.row().classes("w-full gap-3"):
                self.day = (
                    ui.input("Date", value=start.date().isoformat())
                    .props("outlined type=date")
                    .classes("grow")
                    .mark("log-date")
                )
                self.start = (
                    ui.input("Start", value=start.strftime("%H:%M"))
                    .props("outlined type=time")
                    .classes("grow")
                    .mark("log-start")
                )
                self.minutes = (
                    ui.number(
                        "Minutes", value=round((values.get("durationSeconds") or 1800) / 60, 1), min=1, max=1440, step=1
                    )
                    .props("outlined")
                    .classes("grow")
                    .mark("log-minutes")
                )
            self._piece_fields(values)
            if not compact:
                self._practice_fields(values)
            self.notes = (
                ui.textarea("Notes", value=values.get("practiceNotes") or "")
                .props("outlined autogrow maxlength=10000")
                .classes("w-full")
                .mark("log-notes")
            )
        self.fields: dict[str, Any] = {
            "activityType": self.activity,
            "instrument": self.instrument,
            "start": self.start,
            "minutes": self.minutes,
            "composer": self.composer,
            "workTitle": self.title,
            "movementSection": self.section,
            "practiceNotes": self.notes,
            **getattr(self, "_practice_widgets", {}),
        }

    def _piece_fields(self, values: dict[str, Any]) -> None:
        self.piece_id = str(values["sheetMusicId"]) if values.get("sheetMusicId") else None
        options = {self.piece_id: _piece_label(values)} if self.piece_id else {}
        self.piece = (
            ui.select(
                options,
                value=self.piece_id,
                with_input=True,
                clearable=True,
                label="Piece from the library (type to search)",
            )
            .props("outlined use-input input-debounce=250 hide-selected fill-input")
            .classes("w-full")
            .mark("log-piece")
        )
        self.piece.on("input-value", lambda e: self._search_pieces(e.args))
        self.piece.on_value_change(self._piece_chosen)
        with ui.row().classes("w-full gap-3"):
            self.composer = (
                ui.input("Composer", value=values.get("composer") or "", autocomplete=[])
                .props("outlined maxlength=200")
                .classes("grow")
                .mark("log-composer")
            )
            self.title = (
                ui.input("Title", value=values.get("workTitle") or "", autocomplete=[])
                .props("outlined maxlength=300")
                .classes("grow")
                .mark("log-title")
            )
        self.section = (
            ui.input("Movement or section", value=values.get("movementSection") or "")
            .props("outlined maxlength=200")
            .classes("w-full")
            .mark("log-section")
        )
        self.composer.on("update:model-value", lambda e: self._suggest_composers(e.args), throttle=0.4)
        self.title.on("update:model-value", lambda e: self._suggest_titles(e.args), throttle=0.4)

    def _practice_fields(self, values: dict[str, Any]) -> None:
        with ui.row().classes("w-full gap-3"):
            tempo = (
                ui.number("Tempo practised (BPM)", value=values.get("tempoPracticed"), min=1, max=400)
                .props("outlined")
                .classes("grow")
                .mark("log-tempo")
            )
            target = (
                ui.number("Target tempo (BPM)", value=values.get("targetTempo"), min=1, max=400)
                .props("outlined")
                .classes("grow")
                .mark("log-target-tempo")
            )
        focus = (
            ui.select(
                FOCUS_AREAS,
                value=list(values.get("focusAreas") or []),
                multiple=True,
                new_value_mode="add-unique",
                label="Focus areas",
            )
            .props("outlined use-chips use-input")
            .classes("w-full")
            .mark("log-focus")
        )
        with ui.column().classes("w-full gap-0"):
            ui.label("How did it go? (1 = struggled, 10 = excellent)").classes("text-caption text-grey-7")
            rating = (
                ui.slider(min=1, max=10, step=1, value=values.get("selfRating") or 6)
                .props("label-always markers snap")
                .classes("q-px-sm")
                .mark("log-rating")
            )
        with ui.expansion("Accuracy and recording", icon="tune").classes("w-full"):
            with ui.row().classes("w-full gap-3"):
                accuracy = (
                    ui.number("Accuracy %", value=values.get("accuracyPercentage"), min=0, max=100)
                    .props("outlined")
                    .classes("grow")
                    .mark("log-accuracy")
                )
                played = (
                    ui.number("Notes played", value=values.get("notesPlayed"), min=0).props("outlined").classes("grow")
                )
                correct = (
                    ui.number("Notes correct", value=values.get("notesCorrect"), min=0)
                    .props("outlined")
                    .classes("grow")
                )
            audio = (
                ui.input("Recording link (https://...)", value=values.get("audioRecordingUrl") or "")
                .props("outlined")
                .classes("w-full")
            )
        self._practice_widgets = {
            "tempoPracticed": tempo,
            "targetTempo": target,
            "focusAreas": focus,
            "selfRating": rating,
            "accuracyPercentage": accuracy,
            "notesPlayed": played,
            "notesCorrect": correct,
            "audioRecordingUrl": audio,
        }

    def values(self) -> dict[str, Any]:
        """The log as the services take it (camelCase, times with the user's offset)."""
        self.clear_problems()
        start = _combine(self.day.value, self.start.value, self.timezone)
        if start is not None and start == self._exact_start.replace(second=0, microsecond=0):
            start = self._exact_start
        data: dict[str, Any] = {
            "activityType": self.activity.value,
            "instrument": self.instrument.value,
            "startTime": start.isoformat() if start else None,
            "durationSeconds": round(float(self.minutes.value) * 60) if self.minutes.value else None,
            "sheetMusicId": self.piece_id,
            "composer": (self.composer.value or "").strip() or None,
            "workTitle": (self.title.value or "").strip() or None,
            "movementSection": (self.section.value or "").strip() or None,
            "practiceNotes": (self.notes.value or "").strip() or None,
        }
        for name, widget in getattr(self, "_practice_widgets", {}).items():
            value = widget.value
            data[name] = (value or None) if not isinstance(value, int | float) else value
        for name in ("tempoPracticed", "targetTempo", "notesPlayed", "notesCorrect"):
            if data.get(name) is not None:
                data[name] = int(data[name])
        return data

    def show_problems(self, error: InvalidInput) -> None:
        """Put each problem next to its field; the rest in a notification."""
        unplaced = []
        for problem in error.problems:
            widget = self.fields.get(FIELD_OF_ERROR.get(problem.field, problem.field.split("[")[0]))
            if widget is not None and hasattr(widget, "error"):
                widget.error = problem.message[:1].upper() + problem.message[1:]
            else:
                unplaced.append(problem.message)
        if unplaced or not error.problems:
            ui.notify("; ".join(unplaced) or error.message, type="negative", multi_line=True)

    def clear_problems(self) -> None:
        for widget in self.fields.values():
            if hasattr(widget, "error"):
                widget.error = None

    async def _search_pieces(self, text: Any) -> None:
        if not isinstance(text, str) or len(text.strip()) < 2:
            return
        page = await act(
            lambda session, actor: catalogue.list_pieces(session, actor=actor, query={"q": text, "limit": 15}),
            write=False,
        )
        options = {
            str(p.id): f"{p.composer}: {p.title}" + (f" ({p.catalog_number})" if p.catalog_number else "")
            for p in page.items
        }
        if self.piece.value and self.piece.value not in options:
            options[self.piece.value] = (
                self.piece.options.get(self.piece.value, "") if isinstance(self.piece.options, dict) else ""
            )
        self.piece.set_options(options, value=self.piece.value)

    async def _piece_chosen(self, event: Any) -> None:
        self.piece_id = event.value or None
        if not self.piece_id:
            return
        piece = await act(
            lambda session, actor: catalogue.get_piece(session, actor=actor, piece_id=uuid.UUID(self.piece_id)),
            write=False,
        )
        self.composer.value, self.title.value = piece.composer or "", piece.title
        widgets = getattr(self, "_practice_widgets", {})
        if piece.suggested_tempo and "targetTempo" in widgets and not widgets["targetTempo"].value:
            widgets["targetTempo"].value = piece.suggested_tempo

    async def _suggest_composers(self, text: Any) -> None:
        if isinstance(text, str) and len(text) >= 2:
            self.composer.set_autocomplete(await act(suggestions.composers, write=False, text=text))

    async def _suggest_titles(self, text: Any) -> None:
        if isinstance(text, str) and len(text) >= 2:
            self.title.set_autocomplete(
                await act(suggestions.titles, write=False, text=text, composer=self.composer.value or None)
            )


def initial_from_log(log: LogOut) -> dict[str, Any]:
    return log.model_dump(by_alias=True, mode="json")


def _piece_label(values: dict[str, Any]) -> str:
    return f"{values.get('composer') or ''}: {values.get('workTitle') or ''}".strip(": ")


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _combine(day: str | None, clock: str | None, timezone: str) -> datetime | None:
    try:
        parsed_day = date.fromisoformat(day or "")
        hours, minutes = (int(part) for part in (clock or "").split(":")[:2])
    except ValueError:
        return None
    return datetime(parsed_day.year, parsed_day.month, parsed_day.day, hours, minutes, tzinfo=ZoneInfo(timezone))
