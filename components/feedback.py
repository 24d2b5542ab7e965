"""Telling the musician what happened: errors in plain words; dialogs that outlive what opened them."""

from __future__ import annotations

from nicegui import ui

from core.i18n import _
from services.errors import Conflict, NotFound, ServiceError


def show_error(error: ServiceError) -> None:
    if isinstance(error, Conflict | NotFound):
        ui.notify(error.message, type="warning", multi_line=True, close_button=_("OK"))
    else:
        ui.notify(error.message, type="negative", multi_line=True)


def report_event_error(error: Exception) -> None:
    """What a page shows when one of its handlers fails with a service error it did not catch.

    Registered once per page (``components.page_route``), so a refused or failed service call
    (a server fault included: ``components.browser_sign_in.service``) is never silent. Other errors
    are the page's own and only logged (by NiceGUI).
    """
    if isinstance(error, ServiceError):
        show_error(error)


def page_dialog(*, delete_on_hide: bool = False) -> ui.dialog:
    """An open dialog that belongs to the page, not to the element whose click opened it.

    Handlers in a dialog often rebuild the list that held the clicked button; a dialog built
    inside that list would be deleted with it, and the handler's next ``ui.notify`` would fail.

    ``delete_on_hide`` deletes it once closed, stopping what plays or records in it. The listener
    is registered here, at creation: one added after the dialog reached the browser (an await
    while filling it is enough) makes NiceGUI re-mount the dialog with everything in it, from
    their first props, so a player would lose the comments added since it opened.
    """
    with ui.context.client.content:
        dialog = ui.dialog(value=True)
    if delete_on_hide:
        dialog.on("hide", dialog.delete)
    return dialog
