"""After the timer stops: one prefilled log per activity block, saved only when the musician says so.

Each block carries the id the timer gave it, so saving is idempotent: a retry, a reload or a
flaky connection can never log the same practice twice. Saving goes through the outbox.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from nicegui import ui

from components.browser_sign_in import act
from components.feedback import page_dialog
from components.format import ACTIVITY_LABELS, duration
from components.log_form import LogForm
from core.i18n import _
from services import practice_sessions
from services.errors import Conflict, InvalidInput, NotFound
from services.sync import ChangeResult


def open_timer_review(
    stop: dict[str, Any], *, timezone: str, instrument: str, on_done: Callable[[bool], Awaitable[None]]
) -> None:
    """``stop`` is the timer's hand-over: activity blocks (each with its own log id) and a session id."""
    blocks: list[dict[str, Any]] = stop.get("blocks") or []
    session_id = stop.get("sessionId")
    total = sum(int(b.get("seconds", 0)) for b in blocks)
    saved: set[str] = set()
    forms: list[LogForm] = []

    async def answered(answer: ChangeResult) -> None:
        if answer.status != "applied":
            return
        saved.add(str(answer.log_id))
        ui.run_javascript(f"MirubatoForms.markDone({json.dumps(_key_of(forms, answer.log_id))})")
        if len(saved) == len(blocks):
            await _end_session(session_id, blocks)
            dialog.close()
            ui.notify(_("Saved {duration} of practice", duration=duration(total)), type="positive")
            await on_done(True)

    with (
        page_dialog().props("persistent maximized-on-mobile") as dialog,
        ui.card().classes("w-full max-w-3xl gap-3"),
    ):
        ui.label(_("Save your practice · {duration}", duration=duration(total))).classes("text-h6")
        ui.label(_("Check each activity, add the piece and how it went, then save.")).classes("text-grey-7")
        for index, block in enumerate(blocks):
            activity = _(ACTIVITY_LABELS.get(block["activity"], block["activity"]))
            label = f"{activity} · {duration(block['seconds'])}"
            with ui.expansion(label, icon="music_note", value=index == 0).classes("w-full"):
                forms.append(
                    LogForm(
                        timezone=timezone,
                        instrument=instrument,
                        log_id=block["id"],
                        session_id=session_id,
                        initial={
                            "activityType": block["activity"],
                            "startTime": block["startTime"],
                            "durationSeconds": max(1, int(block["seconds"])),
                            **_from_the_metronome(block),
                        },
                        on_answer=answered,
                    )
                )

        async def discard() -> None:
            await _end_session(session_id, blocks)
            dialog.close()
            await on_done(False)

        keys = json.dumps([form.key for form in forms])
        with ui.row().classes("w-full justify-end gap-2"):
            ui.button(_("Discard"), on_click=lambda: _confirm_discard(discard)).props("flat color=negative")
            ui.button(_("Later"), on_click=dialog.close).props("flat")
            save = ui.button(_("Save all"), icon="check").props("unelevated color=primary")
            save.on("click", js_handler=f"() => MirubatoForms.submitAll({keys})")


def _from_the_metronome(block: dict[str, Any]) -> dict[str, Any]:
    """What the practice tools (or the plan's block) noted: the tempo reached, the target, the piece, the focus.

    It comes from the device; the form shows it and the service validates it on save like any value typed.
    """
    keep = {"tempoPracticed", "targetTempo", "workTitle", "composer", "sheetMusicId", "focusAreas"}
    return {name: block[name] for name in keep if block.get(name) not in (None, "")}


def _key_of(forms: list[LogForm], log_id: uuid.UUID) -> str:
    return next((form.key for form in forms if form.log_id == str(log_id)), "")


async def _end_session(session_id: str | None, blocks: list[dict[str, Any]]) -> None:
    try:
        parsed = uuid.UUID(str(session_id)) if session_id else None
    except ValueError:
        parsed = None  # the id came from this device's storage; a damaged one is just skipped
    if parsed is None:
        return
    ends = max((b["endTime"] for b in blocks), default=None)
    with suppress(Conflict, NotFound, InvalidInput):  # already ended or gone: the logs are what matters
        await act(practice_sessions.end_session, session_id=parsed, data={"endTime": ends} if ends else {})


def _confirm_discard(discard: Callable[[], Awaitable[None]]) -> None:
    with page_dialog() as dialog, ui.card():
        ui.label(_("Discard this practice? It will not be logged."))
        with ui.row().classes("w-full justify-end"):
            ui.button(_("Keep it"), on_click=dialog.close).props("flat")

            async def yes() -> None:
                dialog.close()
                await discard()

            ui.button(_("Discard"), on_click=yes).props("unelevated color=negative")
