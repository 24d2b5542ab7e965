"""The practice timer page: start, pause, laps per activity, stop and review."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import events, ui

from components.browser_sign_in import Me, act
from components.frame import frame
from components.page_route import signed_in_page
from components.practice_timer import PracticeTimer
from components.practice_tools import PracticeTools
from components.timer_review import open_timer_review
from core.i18n import _
from services import plans, practice_sessions
from services.errors import ServiceError


@signed_in_page("/timer")
async def timer_page(me: Me, start: str = "", plan: str = "") -> RedirectResponse | None:
    instrument = me.profile.default_instrument
    reviewing = False

    async def on_started(event: events.GenericEventArguments) -> None:
        try:
            sitting = await act(
                practice_sessions.start_session, data={"startTime": event.args["startedAt"], "instrument": instrument}
            )
        except ServiceError:
            return  # the logs will still be saved, just not grouped in a session
        timer.run_method("setSession", str(sitting.id))

    def review(stop: dict[str, Any] | None) -> None:
        nonlocal reviewing
        if not stop or reviewing:
            return
        reviewing = True

        async def done(_saved: bool) -> None:
            nonlocal reviewing
            reviewing = False
            timer.run_method("reset")

        open_timer_review(stop, timezone=me.actor.timezone, instrument=instrument, on_done=done)

    # The timer handles space and "t" itself, the tools m, b and the arrows (all work offline); the frame
    # must not navigate on them.
    keys = dict.fromkeys(("t", " ", "m", "b"), _nothing)
    with frame(_("Practice timer"), me, shortcuts=keys):
        with ui.card().classes("w-full items-center q-py-lg"):
            timer = PracticeTimer(
                default_activity="warm_up", reminder_minutes=int(me.preferences.get("reminderMinutes") or 0)
            ).mark("timer")
        with ui.card().classes("w-full"):
            # Time with the tools open is timer time: they play on this page while the clock runs.
            PracticeTools(me).mark("tools")
        timer.on("started", on_started)
        timer.on("stopped", lambda event: review(event.args))

    steps = await _plan_steps(plan)

    async def resume_where_left() -> None:
        pending = await timer.run_method("pendingStop")
        if pending:
            review(pending)
        elif steps:
            timer.run_method("startPlan", steps)
        elif start:
            timer.run_method("startIfIdle")

    ui.context.client.on_connect(resume_where_left)
    ui.add_css(
        ".mirubato-timer-clock { font-size: clamp(3.5rem, 14vw, 6rem); font-variant-numeric: tabular-nums; }"
        ".mirubato-countdown { font-variant-numeric: tabular-nums; }"
        ".sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); "
        "white-space: nowrap; }"
    )
    return None


async def _plan_steps(plan: str) -> dict[str, Any] | None:
    """What the timer needs to run a plan block by block (None: no plan asked for, or not the musician's)."""
    try:
        plan_id = uuid.UUID(plan) if plan else None
    except ValueError:
        plan_id = None
    if plan_id is None:
        return None
    try:
        found = await act(plans.get_plan, write=False, plan_id=plan_id)
    except ServiceError:
        ui.notify(_("That plan is no longer there."), type="warning")
        return None
    return {
        "id": str(found.id),
        "title": found.title,
        "steps": [
            {
                "activity": b.activity_type.value,
                "minutes": b.minutes,
                "title": b.title,
                "composer": b.composer,
                "sheetMusicId": str(b.sheet_music_id) if b.sheet_music_id else None,
                "targetTempo": b.target_tempo,
                "focusAreas": b.focus_areas,
            }
            for b in found.blocks
        ],
    }


def _nothing() -> None:
    return None
