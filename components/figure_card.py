"""A card for one headline figure: a small icon and caption on top, the figure below (dashboard, progress)."""

from __future__ import annotations

from nicegui import ui


def figure_card(title: str, icon: str) -> ui.card:
    card = ui.card().classes("w-full gap-1")
    with card, ui.row().classes("items-center gap-1 text-grey-7"):
        ui.icon(icon, size="xs")
        ui.label(title).classes("text-caption text-uppercase")
    return card
