"""The quick log: an activity, minutes, optionally a piece and a rating, in one dialog."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from components.feedback import page_dialog
from components.format import ACTIVITY_LABELS, duration
from components.log_form import LogForm
from services.sync import ChangeResult


def open_quick_log(
    preset: dict[str, Any] | None = None,
    *,
    timezone: str,
    instrument: str,
    on_saved: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Open the dialog, prefilled from a template (``preset``); saves only on the button."""
    preset = preset or {}
    initial = {
        "activityType": preset.get("activityType", "repertoire"),
        "durationSeconds": preset.get("durationSeconds") or 1200,
        "composer": preset.get("composer"),
        "workTitle": preset.get("workTitle"),
        "movementSection": preset.get("movementSection"),
        "instrument": preset.get("instrument") or instrument,
    }

    async def answered(answer: ChangeResult) -> None:
        if answer.status != "applied" or answer.log is None:
            return
        dialog.close()
        label = ACTIVITY_LABELS.get(answer.log.activity_type, answer.log.activity_type)
        ui.notify(f"Logged {duration(answer.log.duration_seconds)} of {label}", type="positive")
        if on_saved:
            await on_saved()

    with page_dialog() as dialog, ui.card().classes("w-full max-w-lg gap-3"):
        ui.label(preset.get("templateName") or "Quick log").classes("text-h6")
        form = LogForm(
            timezone=timezone, instrument=initial["instrument"], initial=initial, compact=True, on_answer=answered
        )
        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=dialog.close).props("flat")
            form.save_button("Save")
