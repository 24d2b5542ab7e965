"""Changes saved on this device: what still waits to sync, and what needs a decision."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.browser_sign_in import Me
from components.frame import frame
from components.outbox_review import OutboxReview
from components.page_route import signed_in_page
from core.i18n import _


@signed_in_page("/sync")
async def sync_page(me: Me) -> RedirectResponse | None:
    with frame(_("Saved on this device"), me):
        ui.label(
            _(
                "Changes you saved while offline sync by themselves. If a log was changed on another device in "
                "the meantime, choose which version to keep."
            )
        ).classes("text-grey-7")
        OutboxReview()
    return None
