"""A card for one headline figure: a small icon and caption on top, the figure below (dashboard, progress)."""

from __future__ import annotations

from nicegui import ui

from components import html_rows


def figure_card(title: str, icon: str) -> ui.card:
    card = ui.card().classes("w-full gap-1")
    with card:
        # The caption as markup (html_rows escapes it): one element instead of a row, an icon and a
        # label, in every figure card of the dashboard and the progress page.
        caption = html_rows.icon(icon, "grey-7", size="18px") + html_rows.text(title, "text-caption text-uppercase")
        ui.html(html_rows.row(caption, "items-center gap-1 text-grey-7"), sanitize=False)
    return card
