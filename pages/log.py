"""Writing a log: the full form for a new log, editing one, and saving a form as a template."""

from __future__ import annotations

import uuid

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.feedback import show_error
from components.format import duration
from components.frame import frame
from components.log_form import LogForm, initial_from_log
from components.session import act, signed_in
from services import catalogue, practice_logs, templates
from services.errors import Conflict, InvalidInput, NotFound, ServiceError


@ui.page("/log/new")
async def new_log_page(piece: str = "") -> RedirectResponse | None:
    me = await signed_in()
    if me is None:
        return RedirectResponse("/login")
    initial = {}
    if piece:
        try:
            found = await act(catalogue.get_piece, write=False, piece_id=uuid.UUID(piece))
            initial = {
                "sheetMusicId": str(found.id),
                "composer": found.composer,
                "workTitle": found.title,
                "targetTempo": found.suggested_tempo,
            }
        except (ValueError, NotFound):
            pass
    client_id = str(uuid.uuid4())
    with frame("New practice log", me):
        with ui.card().classes("w-full"):
            form = LogForm(timezone=me.actor.timezone, instrument=_default_instrument(me), initial=initial)

        async def save() -> None:
            try:
                saved = await act(practice_logs.log_practice, data={**form.values(), "id": client_id})
            except InvalidInput as error:
                form.show_problems(error)
                return
            except ServiceError as error:
                show_error(error)
                return
            ui.notify(f"Saved {duration(saved.log.duration_seconds)} of practice", type="positive")
            ui.navigate.to("/history")

        with ui.row().classes("w-full justify-end gap-2"):
            ui.button("Save as template", icon="bookmark_add", on_click=lambda: save_as_template(form)).props(
                "flat"
            ).mark("log-save-template")
            ui.button("Save", icon="check", on_click=save).props("unelevated color=primary").mark("log-save")
    return None


@ui.page("/log/{log_id}/edit")
async def edit_log_page(log_id: str) -> RedirectResponse | None:
    me = await signed_in()
    if me is None:
        return RedirectResponse("/login")
    with frame("Edit practice log", me):
        try:
            log = await act(practice_logs.get_log, write=False, log_id=uuid.UUID(log_id))
        except (ValueError, NotFound):
            ui.label("This log does not exist or was removed.").mark("log-missing")
            ui.button("Back to history", on_click=lambda: ui.navigate.to("/history")).props("flat")
            return None
        with ui.card().classes("w-full"):
            form = LogForm(timezone=me.actor.timezone, instrument=log.instrument, initial=initial_from_log(log))

        async def save() -> None:
            try:
                await act(practice_logs.update_log, log_id=log.id, data={**form.values(), "version": log.version})
            except InvalidInput as error:
                form.show_problems(error)
                return
            except Conflict as error:
                _changed_elsewhere(error.message, log_id)
                return
            except ServiceError as error:
                show_error(error)
                return
            ui.notify("Changes saved", type="positive")
            ui.navigate.to("/history")

        with ui.row().classes("w-full justify-end gap-2"):
            ui.button("Cancel", on_click=lambda: ui.navigate.to("/history")).props("flat")
            ui.button("Save changes", icon="check", on_click=save).props("unelevated color=primary").mark("log-save")
    return None


async def save_as_template(form: LogForm) -> None:
    """Ask for a name and keep the form's activity, piece, tempo and focus as a quick-log preset."""
    with ui.dialog(value=True) as dialog, ui.card().classes("w-full max-w-sm"):
        ui.label("Save as template").classes("text-h6")
        name = (
            ui.input("Template name", value=(form.title.value or form.activity.value or "")[:100])
            .props("outlined autofocus")
            .classes("w-full")
            .mark("template-name")
        )

        async def save() -> None:
            values = form.values()
            data = {
                "templateName": name.value,
                "activityType": values["activityType"],
                "instrument": values["instrument"],
                "durationSeconds": values["durationSeconds"],
                "composer": values["composer"],
                "workTitle": values["workTitle"],
                "movementSection": values["movementSection"],
                "tempo": values.get("tempoPracticed"),
                "focusAreas": values.get("focusAreas") or None,
            }
            try:
                _, created = await act(templates.save_template, data=data)
            except InvalidInput as error:
                name.error = error.problems[0].message if error.problems else error.message
                return
            except ServiceError as error:
                show_error(error)
                return
            dialog.close()
            ui.notify("Template saved" if created else "Template updated", type="positive")

        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=dialog.close).props("flat")
            ui.button("Save", on_click=save).props("unelevated color=primary").mark("template-save")


def _changed_elsewhere(message: str, log_id: str) -> None:
    with ui.dialog(value=True) as dialog, ui.card():
        ui.label("Changed on another device").classes("text-h6")
        ui.label(message)
        ui.label("Reload to see the newest version, then make your change again.")
        with ui.row().classes("w-full justify-end"):
            ui.button("Keep editing", on_click=dialog.close).props("flat")
            ui.button("Reload", on_click=lambda: ui.navigate.to(f"/log/{log_id}/edit")).props("unelevated")


def _default_instrument(me) -> str:  # type: ignore[no-untyped-def]
    return me.preferences.get("defaultInstrument") or me.profile.primary_instrument or "piano"
