"""A log's recorded takes: a player each, with feedback pinned to a moment and a bar.

Shown to the log's owner (History, the log's page) and to a teacher the owner shares with (the
student's page in the studio). Comments show as markers on the waveform; choosing one seeks there
and, when the piece has notation in the catalogue, highlights its bars in the score below.
"""

from __future__ import annotations

import uuid
from typing import Any

from nicegui import events, ui

from components.browser_sign_in import Me, act
from components.feedback import page_dialog
from components.format import duration
from components.notation import highlight_bars, show_notation
from core.i18n import N_, _
from services import catalogue, take_feedback, takes
from services.errors import InvalidInput, ServiceError
from services.take_feedback import TakeCommentOut
from services.takes import TakeOut


class TakePlayer(ui.element, component="take_player.js"):
    def __init__(self, take: TakeOut, comments: list[TakeCommentOut], *, can_comment: bool) -> None:
        super().__init__()
        self.take = take
        self._props["options"] = {
            "src": f"/api/takes/{take.id}/audio",
            "durationMs": take.duration_ms,
            "peaks": take.peaks,
            "comments": [_comment_js(c) for c in comments],
            "canComment": can_comment,
        }

    def set_comments(self, comments: list[TakeCommentOut]) -> None:
        self.run_method("setComments", [_comment_js(c) for c in comments])


async def takes_panel(
    me: Me, log_id: uuid.UUID, *, sheet_music_id: uuid.UUID | None = None, found: list[TakeOut] | None = None
) -> int:
    """Every take of the log, in the current container; returns how many there are."""
    listed = found if found is not None else await act(takes.takes_of_log, write=False, log_id=log_id)
    if not listed:
        ui.label(_("No recordings with this log.")).classes("text-grey-7").mark("no-takes")
        return 0
    score: dict[str, Any] = {}
    for take in listed:
        comments = await act(take_feedback.comments_on_take, write=False, take_id=take.id)
        with ui.column().classes("w-full gap-1").mark("take-card"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label(take.name).classes("text-subtitle1 text-weight-medium")
                ui.label(f"{duration(round(take.duration_ms / 1000))} · {_size(take.size_bytes)}").classes(
                    "text-grey-7 text-caption"
                )
            player = TakePlayer(take, comments, can_comment=True)
            player.on("comment", lambda e, p=player: _comment(p, e))
            player.on("delete-comment", lambda e, p=player: _delete_comment(p, e))
            player.on("select-comment", lambda e: _show_bars(score, e))
    if sheet_music_id is not None:
        piece = await act(catalogue.get_piece, write=False, piece_id=sheet_music_id)
        if piece.notation_data:
            with ui.expansion(_("Score"), icon="library_music", value=True).classes("w-full").mark("take-score"):
                score["column"] = await show_notation(
                    piece.notation_data, size_percent=int(me.preferences.get("notationSize") or 100)
                )
    return len(listed)


async def open_takes(me: Me, log: Any, *, title: str = N_("Recordings")) -> None:
    """A dialog with the takes of ``log`` (a LogOut, the owner's or a sharing student's); ``title`` is
    a marked text (N_), translated here."""
    # Deleted once closed: its audio stops with it.
    with (
        page_dialog(delete_on_hide=True).props("maximized-on-mobile") as dialog,
        ui.card().classes("w-full max-w-3xl gap-3"),
    ):
        with ui.row().classes("w-full items-center"):
            ui.label(_(title)).classes("text-h6 grow")
            close = _("Close")
            ui.button(icon="close", on_click=dialog.close).props(f'flat round dense aria-label="{close}"')
        await takes_panel(me, log.id, sheet_music_id=log.sheet_music_id)


async def _comment(player: TakePlayer, event: events.GenericEventArguments) -> None:
    data = event.args if isinstance(event.args, dict) else {}
    try:
        await act(take_feedback.add_comment, take_id=player.take.id, data=data)
    except InvalidInput as error:
        ui.notify(error.message, type="warning")
        return
    except ServiceError as error:
        ui.notify(error.message, type="negative")
        return
    player.set_comments(await act(take_feedback.comments_on_take, write=False, take_id=player.take.id))
    ui.notify(_("Comment added"), type="positive")


async def _delete_comment(player: TakePlayer, event: events.GenericEventArguments) -> None:
    comment_id = (event.args or {}).get("id") if isinstance(event.args, dict) else None
    try:
        await act(take_feedback.delete_comment, comment_id=uuid.UUID(str(comment_id)))
    except (ServiceError, ValueError):
        ui.notify(_("This comment could not be deleted."), type="warning")
        return
    player.set_comments(await act(take_feedback.comments_on_take, write=False, take_id=player.take.id))


def _show_bars(score: dict[str, Any], event: events.GenericEventArguments) -> None:
    column = score.get("column")
    args = event.args if isinstance(event.args, dict) else {}
    first, last = args.get("barFrom"), args.get("barTo")
    if column is None:
        return
    highlight_bars(column, first if isinstance(first, int) else None, last if isinstance(last, int) else None)


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} kB"


def _comment_js(comment: TakeCommentOut) -> dict[str, Any]:
    return {
        "id": str(comment.id),
        "atMs": comment.at_ms,
        "barFrom": comment.bar_from,
        "barTo": comment.bar_to,
        "body": comment.body,
        "authorName": comment.author_name,
        "mine": comment.mine,
    }
