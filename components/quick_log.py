"""The quick log: an activity, minutes, optionally a piece and a rating, in one dialog."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from components.feedback import show_error
from components.format import ACTIVITY_LABELS, duration
from components.session import act
from services import practice_logs
from services.errors import InvalidInput, ServiceError
from services.practice_shapes import LogOut


def open_quick_log(
    preset: dict[str, Any] | None = None, *, on_saved: Callable[[LogOut], Awaitable[None]] | None = None
) -> None:
    """Open the dialog, prefilled from a template (``preset``); saves only on the button."""
    preset = preset or {}
    client_id = str(uuid.uuid4())  # retries of this dialog's save are one log, not several
    with ui.dialog(value=True) as dialog, ui.card().classes("w-full max-w-md gap-3").mark("quick-log"):
        ui.label(preset.get("templateName") or "Quick log").classes("text-h6")
        activity = (
            ui.select(ACTIVITY_LABELS, value=preset.get("activityType", "repertoire"), label="Activity")
            .props("outlined")
            .classes("w-full")
            .mark("quick-activity")
        )
        minutes = (
            ui.number("Minutes", value=round((preset.get("durationSeconds") or 1200) / 60), min=1, max=1440, step=1)
            .props("outlined")
            .classes("w-full")
            .mark("quick-minutes")
        )
        with ui.row().classes("w-full gap-2 no-wrap"):
            composer = ui.input("Composer", value=preset.get("composer") or "").props("outlined").classes("grow")
            title = (
                ui.input("Piece", value=preset.get("workTitle") or "")
                .props("outlined")
                .classes("grow")
                .mark("quick-piece")
            )
        ui.label("How did it go?").classes("text-caption text-grey-7")
        rating = ui.slider(min=1, max=10, step=1, value=6).props("label-always markers snap").mark("quick-rating")
        notes = ui.textarea("Notes").props("outlined autogrow").classes("w-full")

        async def save() -> None:
            data = {
                "id": client_id,
                "activityType": activity.value,
                "duration": int((minutes.value or 0) * 60),
                "piece": {
                    "composer": composer.value or None,
                    "title": title.value or None,
                    "section": preset.get("movementSection"),
                },
                "tempo": preset.get("tempo"),
                "selfRating": int(rating.value),
                "notes": notes.value or None,
                "instrument": preset.get("instrument"),
            }
            try:
                saved = await act(practice_logs.quick_log, data=data)
            except InvalidInput as error:
                problem = error.problems[0]
                target = minutes if problem.field == "duration" else None
                if target is not None:
                    target.error = "Enter the minutes you practised (1 to 1440)"
                else:
                    ui.notify(error.message, type="negative")
                return
            except ServiceError as error:
                show_error(error)
                return
            dialog.close()
            ui.notify(
                f"Logged {duration(saved.log.duration_seconds)} of "
                f"{ACTIVITY_LABELS.get(saved.log.activity_type, saved.log.activity_type)}",
                type="positive",
            )
            if on_saved:
                await on_saved(saved.log)

        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=dialog.close).props("flat")
            ui.button("Save", on_click=save).props("unelevated color=primary").mark("quick-save")
