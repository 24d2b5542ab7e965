"""Writing a log: the full form for a new log, editing one, and saving a form as a template."""

from __future__ import annotations

import json
import uuid

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.browser_sign_in import Me, act
from components.feedback import page_dialog, show_error
from components.format import duration
from components.frame import frame
from components.log_form import LogForm, initial_from_log
from components.page_route import signed_in_page
from components.takes_panel import takes_panel
from core.i18n import _
from services import catalogue, practice_logs, templates
from services.errors import InvalidInput, NotFound, ServiceError
from services.sync import ChangeResult


@signed_in_page("/log/new")
async def new_log_page(me: Me, piece: str = "") -> RedirectResponse | None:
    initial = await _piece_initial(piece)

    async def answered(answer: ChangeResult) -> None:
        if answer.status == "applied" and answer.log is not None:
            # Translators: {duration} is a length of time (25 min, 1 h 05 min)
            saved = _("Saved {duration} of practice", duration=duration(answer.log.duration_seconds))
            ui.notify(saved, type="positive")
            ui.navigate.to("/history")

    with frame(_("New practice log"), me):
        with ui.card().classes("w-full"):
            form = LogForm(
                timezone=me.actor.timezone,
                instrument=me.profile.default_instrument,
                initial=initial,
                on_answer=answered,
                me=me,
            )
        with ui.row().classes("w-full justify-end gap-2"):
            ui.button(_("Save as template"), icon="bookmark_add", on_click=lambda: save_as_template(form)).props("flat")
            form.save_button(_("Save"))
    return None


@signed_in_page("/log/{log_id}/edit")
async def edit_log_page(me: Me, log_id: str) -> RedirectResponse | None:
    with frame(_("Edit practice log"), me):
        try:
            log = await act(practice_logs.get_log, write=False, log_id=uuid.UUID(log_id))
        except (ValueError, NotFound):
            ui.label(_("This log does not exist or was removed."))
            ui.button(_("Back to history"), on_click=lambda: ui.navigate.to("/history")).props("flat")
            return None

        async def answered(answer: ChangeResult) -> None:
            if answer.status == "applied":
                ui.notify(_("Changes saved"), type="positive")
                ui.navigate.to("/history")
            elif answer.status == "conflict":
                conflict_dialog(answer, log_id)

        with ui.card().classes("w-full"):
            form = LogForm(
                timezone=me.actor.timezone,
                instrument=log.instrument,
                initial=initial_from_log(log),
                log_id=str(log.id),
                base_version=log.version,
                on_answer=answered,
                me=me,
            )
        with ui.row().classes("w-full justify-end gap-2"):
            ui.button(_("Cancel"), on_click=lambda: ui.navigate.to("/history")).props("flat")
            form.save_button(_("Save changes"))
        with ui.card().classes("w-full").mark("log-takes"):
            ui.label(_("Recordings")).classes("text-subtitle1 text-weight-medium")
            await takes_panel(me, log.id, sheet_music_id=log.sheet_music_id)
    return None


def conflict_dialog(answer: ChangeResult, log_id: str) -> None:
    """The log changed on another device: the musician chooses; nothing is overwritten silently."""
    theirs = answer.log
    with page_dialog().props("persistent") as dialog, ui.card().classes("max-w-lg"):
        ui.label(_("Changed on another device")).classes("text-h6")
        ui.label(answer.message or _("This log was changed elsewhere after you opened it."))
        if theirs is not None:
            rating = theirs.self_rating or "-"
            if not theirs.is_active:
                saved = _("The saved version is deleted, rated {rating}/10.", rating=rating)
            else:
                # Translators: {duration} is a length of time (25 min, 1 h 05 min)
                saved = _(
                    "The saved version is now {duration}, rated {rating}/10.",
                    duration=duration(theirs.duration_seconds),
                    rating=rating,
                )
            ui.label(saved).classes("text-grey-7")

        def choose(choice: str) -> None:
            ui.run_javascript(f"MirubatoOutbox.resolve({json.dumps(str(answer.id))}, {json.dumps(choice)})")
            dialog.close()
            if choice == "theirs":
                ui.navigate.to(f"/log/{log_id}/edit")

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Keep theirs"), on_click=lambda: choose("theirs")).props("flat").mark("conflict-theirs")
            ui.button(_("Keep mine"), on_click=lambda: choose("mine")).props("unelevated color=primary").mark(
                "conflict-mine"
            )


async def save_as_template(form: LogForm) -> None:
    """Ask for a name and keep the form's activity, piece, tempo and focus as a quick-log preset."""
    with page_dialog() as dialog, ui.card().classes("w-full max-w-sm"):
        ui.label(_("Save as template")).classes("text-h6")
        name = (
            ui.input(_("Template name"), value=(form.value("workTitle") or "")[:100])
            .props("outlined autofocus")
            .classes("w-full")
        )

        async def save() -> None:
            minutes = form.value("minutes")
            data = {
                "templateName": name.value,
                "activityType": form.value("activityType"),
                "instrument": form.value("instrument"),
                "durationSeconds": round(float(minutes) * 60) if minutes else None,
                "composer": form.value("composer") or None,
                "workTitle": form.value("workTitle") or None,
                "movementSection": form.value("movementSection") or None,
                "tempo": int(form.value("tempoPracticed")) if form.value("tempoPracticed") else None,
                "focusAreas": form.value("focusAreas") or None,
            }
            try:
                _template, created = await act(templates.save_template, data=data)
            except InvalidInput as error:
                name.error = error.problems[0].message if error.problems else error.message
                return
            except ServiceError as error:
                show_error(error)
                return
            dialog.close()
            ui.notify(_("Template saved") if created else _("Template updated"), type="positive")

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Save"), on_click=save).props("unelevated color=primary")


async def _piece_initial(piece: str) -> dict[str, object]:
    if not piece:
        return {}
    try:
        found = await act(catalogue.get_piece, write=False, piece_id=uuid.UUID(piece))
    except (ValueError, NotFound):
        return {}
    return {
        "sheetMusicId": str(found.id),
        "composer": found.composer,
        "workTitle": found.title,
        "targetTempo": found.suggested_tempo,
    }
