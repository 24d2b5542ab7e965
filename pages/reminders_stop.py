"""The unsubscribe link of a reminder email: one button turns reminders off (no sign-in needed).

Opening the link changes nothing (mail scanners open links); the button does. The token leaves
the address bar as the page loads.
"""

from __future__ import annotations

from nicegui import app, ui

from components.auth_card import forget_url_token
from components.browser_sign_in import service
from components.page_route import page
from core.i18n import _
from services import reminders
from services.errors import ServiceError
from services.reminders import STOP_PATH


@page(STOP_PATH)
async def stop_reminders_page(token: str = "") -> None:
    forget_url_token()
    with ui.column().classes("absolute-center items-center gap-3 q-pa-md text-center").mark("reminders-stop"):
        ui.icon("notifications_off", size="xl", color="primary")
        ui.label(_("Stop practice reminders?")).classes("text-h6")
        ui.label(_("You can turn them on again in Settings.")).classes("text-grey-7")
        result = ui.label().classes("text-body1")

        async def stop() -> None:
            try:
                await service(reminders.stop_by_link, token=token, links=app.state.reminder_links)
            except ServiceError as error:
                result.set_text(error.message)
                result.classes("text-negative")
                return
            button.disable()
            result.set_text(_("Done: no more reminders."))

        button = (
            ui.button(_("Stop reminders"), on_click=stop).props("unelevated color=primary").mark("reminders-stop-go")
        )
