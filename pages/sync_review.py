"""Changes saved on this device: what still waits to sync, and what needs a decision."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.frame import frame
from components.outbox_review import OutboxReview
from components.page_route import page
from components.session import signed_in


@page("/sync")
async def sync_page() -> RedirectResponse | None:
    me = await signed_in()
    if me is None:
        return RedirectResponse("/login")
    with frame("Saved on this device", me):
        ui.label(
            "Changes you saved while offline sync by themselves. If a log was changed on another device in "
            "the meantime, choose which version to keep."
        ).classes("text-grey-7")
        OutboxReview()
    return None
