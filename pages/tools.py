"""The practice room: metronome with speed trainer, drone and tuner, beside the running timer.

Opened from a piece (``?piece=<id>``) the metronome starts at the tempo last used for that piece
(else the best logged, else the catalogue's suggestion), aims at the repertoire's target tempo,
and what it reaches goes into the timer's review. Offline, the service worker's shell runs the
same tools.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.browser_sign_in import Me, act
from components.frame import frame
from components.page_route import signed_in_page
from components.practice_tools import PracticeTools
from core.i18n import _
from services import practice_tools
from services.errors import NotFound


@signed_in_page("/tools")
async def tools_page(me: Me, piece: str = "", tab: str = "metronome") -> RedirectResponse | None:
    chosen, tempo, target = await _piece_and_tempo(piece)
    # The tools handle space (start/stop), m, b and the arrows themselves; the frame must not act on them.
    with frame(_("Practice tools"), me, shortcuts={" ": lambda: None, "m": lambda: None, "b": lambda: None}):
        with ui.card().classes("w-full"):
            PracticeTools(
                me, piece=chosen, tempo=tempo, target=target, tab=tab, space_toggles=True, timer_strip=True
            ).mark("tools")
        ui.label(
            # Translators: Space, the arrows and b are keys of the keyboard
            _(
                "Space starts and stops the metronome, the arrows change the tempo (up/down by 5), b taps the tempo."
                " Time here counts for the timer while it runs."
            )
        ).classes("text-caption text-grey-7")
    return None


async def _piece_and_tempo(piece_id: str) -> tuple[dict[str, Any] | None, int | None, int | None]:
    if not piece_id:
        return None, None, None
    try:
        start = await act(practice_tools.piece_start, write=False, piece_id=uuid.UUID(piece_id))
    except (ValueError, NotFound):
        return None, None, None  # an old or mistyped link: the tools still open, without a piece
    return {"id": str(start.id), "title": start.title, "composer": start.composer}, start.tempo, start.target
