"""The landing page (a placeholder until the musician's app lands)."""

from __future__ import annotations

from nicegui import ui


@ui.page("/")
def home() -> None:
    ui.label("Mirubato").classes("text-h3")
    ui.label("A practice journal for musicians.")
    ui.link("API documentation", "/api/docs")
