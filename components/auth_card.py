"""The centred card the sign-in pages share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

from components.frame import PRIMARY


@contextmanager
def auth_card(heading: str) -> Iterator[None]:
    ui.query("body").classes("bg-grey-2")
    ui.colors(primary=PRIMARY)  # the app's own colour (Quasar's default blue is too light under white text)
    with ui.column().classes("absolute-center items-center w-full max-w-sm px-4") as content:
        content.tag = "main"
        with ui.row().classes("items-center gap-2 q-mb-md"):
            ui.icon("music_note", size="2rem", color="primary")
            ui.label("Mirubato").classes("text-h5 text-weight-bold")
        with ui.card().classes("w-full q-pa-lg gap-4"):
            title = ui.label(heading).classes("text-h6 q-my-none")
            title.tag = "h1"
            yield


def forget_url_token() -> None:
    """Take a link's token out of the address bar and the history as soon as the page loads.

    The page keeps what it needs (the form field, the accept handler); a token left in the URL
    would sit in the history, in bookmarks and in screenshots.
    """
    ui.add_head_html('<script>history.replaceState(null, "", location.pathname)</script>')
