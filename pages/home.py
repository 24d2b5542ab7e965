"""The home page: the musician's dashboard (until it lands, a greeting and sign-out)."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.session import browser_actor, keep_alive, service
from pages.auth import sign_out
from services import users


@ui.page("/", title="Mirubato")
async def home() -> RedirectResponse | None:
    actor = await browser_actor()
    if actor is None:
        return RedirectResponse("/login")
    await keep_alive(actor)
    profile = await service(users.get_profile, write=False, actor=actor)
    ui.label(f"Hello, {profile.display_name or profile.email}").classes("text-h5").mark("home-greeting")
    ui.button("Sign out", on_click=lambda: sign_out(actor)).mark("sign-out")
    return None
