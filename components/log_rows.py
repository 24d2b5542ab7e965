"""A day's logs as one piece of HTML: the history page's rows, each with its recordings, edit and
delete buttons.

Built from NiceGUI elements, a row was eleven of them (row, column, labels, three buttons and their
tooltips), and a fortnight of history some 450: creating, serializing and sending them was most of
the page's render (about 80 ms at p50 on the development machine). As HTML, a day is one element;
the buttons keep Quasar's look through its classes, are named by ``aria-label`` (with a native
tooltip), and one listener on the list answers every row's clicks. Every text from the database is
escaped here, so the HTML needs no sanitizing in the browser.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from html import escape

from nicegui import ui

from components import html_rows
from components.format import ACTIVITY_LABELS, clock, duration, piece_name, shorten
from core.i18n import _
from services.practice_shapes import LogOut

NOTE_PREVIEW_CHARS = 240  # about two lines at desktop width

# A click on a row's button: delete through the outbox, like its undo (both work offline; the row
# hides at once and the answer comes back to the page), or ask the server for the recordings.
CLICKS = """(e) => {
  const button = e.target.closest("[data-log-action]");
  if (!button) return;
  const row = button.closest(".mirubato-log-row");
  if (button.dataset.logAction === "delete")
    MirubatoForms.deleteWithUndo(row.dataset.logId, Number(row.dataset.version), row.dataset.origin, row);
  else emit(row.dataset.logId);
}"""

_BUTTON = (
    '<{tag} class="q-btn q-btn-item non-selectable no-outline q-btn--flat q-btn--round q-btn--actionable '
    'q-focusable q-hoverable q-btn--dense text-primary" {attributes} aria-label="{label}" title="{label}">'
    '<span class="q-focus-helper" tabindex="-1"></span>'
    '<span class="q-btn__content text-center col items-center q-anchor--skip justify-center row">'
    '<i class="q-icon notranslate material-icons" aria-hidden="true" role="presentation">{icon}</i></span></{tag}>'
)


def listen(container: ui.element, on_takes: Callable[[uuid.UUID], object]) -> None:
    """Answer the clicks of every row that will be put in ``container`` (rows come and go; this stays)."""

    def clicked(event: object) -> object:
        try:
            return on_takes(uuid.UUID(str(getattr(event, "args", ""))))
        except ValueError:  # not a row's id: nothing a page of ours sends
            return None

    container.on("click", clicked, js_handler=CLICKS)


def day_html(logs: Iterable[LogOut], *, zone: str, take_counts: dict[uuid.UUID, int], origin: str) -> str:
    return "".join(_row(log, zone, take_counts.get(log.id, 0), origin) for log in logs)


def day_heading(name: str, total: str) -> str:
    """A day's name and its total time, as the row and two labels that showed them were (three
    elements for each of a fortnight's days)."""
    inner = html_rows.text(name, "text-subtitle1 text-weight-medium") + html_rows.text(
        total, "text-weight-medium text-primary"
    )
    return html_rows.row(inner, "w-full items-center justify-between")


def _row(log: LogOut, zone: str, takes: int, origin: str) -> str:
    activity = _(ACTIVITY_LABELS.get(log.activity_type, log.activity_type))
    details = [f"{clock(log.start_time, zone)}–{clock(log.end_time, zone)}", activity]
    if log.self_rating:
        details.append(_("rated {rating}/10", rating=log.self_rating))
    if log.tempo_practiced:
        details.append(_("{tempo} BPM", tempo=log.tempo_practiced))
    notes = ""
    if log.practice_notes and log.practice_notes.strip():
        # Two lines at most on screen; the whole note is one click away, on Edit.
        preview = escape(shorten(log.practice_notes, NOTE_PREVIEW_CHARS))
        notes = f'<div class="text-body2 text-grey-8 ellipsis-2-lines w-full mirubato-log-notes">{preview}</div>'
    buttons = []
    if takes:
        recordings = _("Recordings ({count})", count=takes)
        buttons.append(_button("button", recordings, "graphic_eq", 'type="button" data-log-action="takes"'))
    buttons.append(_button("a", _("Edit"), "edit", f'href="/log/{log.id}/edit"'))
    buttons.append(_button("button", _("Delete"), "delete", 'type="button" data-log-action="delete"'))
    return (
        '<div class="nicegui-row row w-full items-center no-wrap gap-2 q-py-xs mirubato-log-row"'
        f' data-log-id="{log.id}" data-version="{log.version}" data-origin="{escape(origin)}">'
        '<div class="nicegui-column gap-0 grow min-w-0">'
        f'<div class="ellipsis w-full">{escape(piece_name(log.composer, log.work_title, activity))}</div>'
        f'<div class="text-caption text-grey-7">{escape(" · ".join(details))}</div>{notes}</div>'
        f'<div class="text-weight-medium whitespace-nowrap">{escape(duration(log.duration_seconds))}</div>'
        f"{''.join(buttons)}</div>"
    )


def _button(tag: str, label: str, icon: str, attributes: str) -> str:
    return _BUTTON.format(tag=tag, label=escape(label), icon=icon, attributes=attributes)
