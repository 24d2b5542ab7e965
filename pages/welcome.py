"""First sign-in: who you are and what you play, so days, levels and defaults fit you."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.auth_card import auth_card
from components.browser_sign_in import Me, act
from components.page_route import signed_in_page
from core.i18n import N_, _
from services import users
from services.errors import InvalidInput

INSTRUMENTS = {"piano": N_("Piano"), "guitar": N_("Guitar")}
LEVELS = {
    "beginner": N_("Beginner"),
    "intermediate": N_("Intermediate"),
    "advanced": N_("Advanced"),
    "professional": N_("Professional"),
}
# The browser tab's title (NiceGUI's before the page is built; the page sets it again in its language).
TITLE = N_("Welcome · Mirubato")


@signed_in_page("/welcome", title=TITLE)
async def welcome_page(me: Me) -> RedirectResponse | None:
    actor = me.actor
    ui.page_title(_(TITLE))
    with auth_card(_("Welcome to Mirubato")):
        ui.label(_("A few details so your practice days, levels and defaults fit you.")).classes("text-grey-7")
        name = ui.input(_("Your name")).props("outlined autofocus maxlength=100").classes("w-full").mark("welcome-name")
        instrument = ui.toggle({code: _(label) for code, label in INSTRUMENTS.items()}, value="piano").mark(
            "welcome-instrument"
        )
        level = (
            ui.select({code: _(label) for code, label in LEVELS.items()}, value="beginner", label=_("Skill level"))
            .props("outlined")
            .classes("w-full")
            .mark("welcome-level")
        )
        zone = ui.input(_("Time zone"), value=actor.timezone).props("outlined").classes("w-full").mark("welcome-zone")
        save = ui.button(_("Start practising")).props("unelevated color=primary").classes("w-full").mark("welcome-save")

    async def detect_zone() -> None:
        try:
            detected = await ui.run_javascript("Intl.DateTimeFormat().resolvedOptions().timeZone", timeout=5)
        except TimeoutError:
            return  # the page was left before the browser answered; the field keeps UTC
        if detected and zone.value == "UTC":
            zone.value = detected

    async def finish() -> None:
        changes = {
            "displayName": name.value or None,
            "primaryInstrument": instrument.value,
            "skillLevel": level.value,
            "timezone": zone.value,
        }
        try:
            await act(users.update_profile, data=changes)
        except InvalidInput as exc:
            fields = {"displayName": name, "timezone": zone}
            for problem in exc.problems:
                if problem.field in fields:
                    fields[problem.field].error = problem.message
            return
        ui.navigate.to("/")

    save.on_click(finish)
    ui.context.client.on_connect(detect_zone)
    return None
