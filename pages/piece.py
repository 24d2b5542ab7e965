"""One piece: its metadata, its notation, the musician's history with it, star, bookmark, repertoire."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.browser_sign_in import Me, act
from components.feedback import show_error
from components.format import ACTIVITY_LABELS, STATUS_LABELS, duration, short_date
from components.frame import frame
from components.notation import show_notation
from components.page_route import signed_in_page
from core.i18n import N_, _, ngettext
from services import catalogue, repertoire
from services.catalogue import PieceOut
from services.errors import NotFound, ServiceError
from services.repertoire import PieceActivity

INSTRUMENTS = {"piano": N_("Piano"), "guitar": N_("Guitar"), "both": N_("Both")}


@signed_in_page("/library/{piece_id}")
async def piece_page(me: Me, piece_id: str) -> RedirectResponse | None:
    try:
        piece = await act(catalogue.get_piece, write=False, piece_id=uuid.UUID(piece_id))
        activity = await act(repertoire.piece_activity, write=False, piece_id=piece.id)
    except (ValueError, NotFound):
        with frame(_("Piece not found"), me):
            ui.label(_("This piece is not in the library.")).mark("piece-missing")
            ui.button(_("Back to the library"), on_click=lambda: ui.navigate.to("/library")).props("flat")
        return None
    with frame(piece.title, me):
        _heading(piece)
        actions = ui.row().classes("w-full gap-2 items-center")
        PieceActions(me, piece, activity, actions).build()
        with ui.element("div").classes("w-full grid gap-4 grid-cols-1 md:grid-cols-3"):
            with ui.card().classes("w-full md:col-span-2"):
                ui.label(_("Notation")).classes("text-subtitle1 text-weight-medium")
                await _notation(piece, me)
            with ui.column().classes("w-full gap-4"):
                _details(piece)
                await _history(piece, activity)
    return None


def _heading(piece: PieceOut) -> None:
    number = piece.catalog_number or piece.opus
    ui.label(" · ".join(x for x in (piece.composer, number) if x)).classes("text-subtitle1 text-grey-8").mark(
        "piece-composer"
    )


async def _notation(piece: PieceOut, me: Me) -> None:
    await show_notation(piece.notation_data, size_percent=int(me.preferences.get("notationSize") or 100))


def _details(piece: PieceOut) -> None:
    instrument = piece.instrument.value
    rows = [
        (_("Instrument"), _(INSTRUMENTS[instrument]) if instrument in INSTRUMENTS else instrument.title()),
        (_("Difficulty"), f"{piece.difficulty_level}/10" if piece.difficulty_level else None),
        (_("Grade"), piece.grade_level),
        (_("Period"), piece.style_period),
        (_("Key"), piece.key_signature),
        (_("Time"), piece.time_signature),
        (_("Tempo"), piece.tempo_marking),
        (_("Suggested tempo"), _("{tempo} BPM", tempo=piece.suggested_tempo) if piece.suggested_tempo else None),
        (_("Length"), duration(piece.duration_seconds) if piece.duration_seconds else None),
        (_("Source"), piece.license_type),
    ]
    with ui.card().classes("w-full gap-1").mark("piece-details"):
        ui.label(_("About")).classes("text-subtitle1 text-weight-medium")
        for label, value in rows:
            if value:
                with ui.row().classes("w-full justify-between no-wrap gap-2"):
                    ui.label(label).classes("text-grey-7")
                    ui.label(str(value)).classes("text-right")
        if piece.tags:
            with ui.row().classes("gap-1 q-pt-sm"):
                for tag in piece.tags:
                    ui.badge(tag).props("outline")


async def _history(piece: PieceOut, activity: PieceActivity) -> None:
    timeline = await act(repertoire.piece_timeline, write=False, piece_id=piece.id)
    with ui.card().classes("w-full gap-1").mark("piece-history"):
        ui.label(_("Your practice")).classes("text-subtitle1 text-weight-medium")
        if not activity.times_practiced:
            ui.label(_("Not practised yet.")).classes("text-grey-7")
            return
        ui.label(ngettext("Practised {n} time", "Practised {n} times", activity.times_practiced)).mark("piece-times")
        if activity.best_tempo:
            target = activity.target_tempo or piece.suggested_tempo
            if target:
                ui.label(_("Best tempo {best} BPM of {target}", best=activity.best_tempo, target=target))
            else:
                ui.label(_("Best tempo {best} BPM", best=activity.best_tempo))
        if activity.best_accuracy is not None:
            best, average = f"{activity.best_accuracy:.0f}", f"{activity.average_accuracy:.0f}"
            ui.label(_("Accuracy: best {best}%, average {average}%", best=best, average=average))
        for point in timeline[-8:][::-1]:
            details = [short_date(point.start_time), duration(point.duration_seconds)]
            details.append(_(ACTIVITY_LABELS[point.activity_type]) if point.activity_type in ACTIVITY_LABELS else "")
            if point.tempo_practiced:
                details.append(_("{tempo} BPM", tempo=point.tempo_practiced))
            ui.label(" · ".join(details)).classes("text-caption text-grey-7")


class PieceActions:
    """Star, bookmark, repertoire status and "log practice" for one piece."""

    def __init__(self, me: Me, piece: PieceOut, activity: PieceActivity, container: ui.row) -> None:
        self.me, self.piece, self.activity, self.container = me, piece, activity, container

    def build(self) -> None:
        self.container.clear()
        with self.container:
            ui.button(
                _("Log practice"), icon="edit_note", on_click=lambda: ui.navigate.to(f"/log/new?piece={self.piece.id}")
            ).props("unelevated color=primary").mark("piece-log")
            ui.button(
                _("Metronome"), icon="av_timer", on_click=lambda: ui.navigate.to(f"/tools?piece={self.piece.id}")
            ).props("outline").mark("piece-metronome")
            if self.activity.in_repertoire:
                status = (
                    ui.select(
                        {code: _(label) for code, label in STATUS_LABELS.items()},
                        value=self.activity.status,
                        label=_("In your repertoire"),
                    )
                    .props("outlined dense")
                    .classes("w-48")
                    .mark("piece-status")
                )
                status.on_value_change(lambda e: self.to_repertoire(e.value))
            else:
                ui.button(
                    _("Add to repertoire"), icon="playlist_add", on_click=lambda: self.to_repertoire("learning")
                ).props("outline").mark("piece-add")
            ui.button(
                icon="star" if self.activity.is_starred else "star_border",
                on_click=lambda: self.flag(isStarred=not self.activity.is_starred),
            ).props("flat round color=amber-8 aria-label=" + json.dumps(_("Star"))).mark("piece-star").tooltip(
                _("Star")
            )
            ui.button(
                icon="bookmark" if self.activity.is_bookmarked else "bookmark_border",
                on_click=lambda: self.flag(isBookmarked=not self.activity.is_bookmarked),
            ).props("flat round color=primary aria-label=" + json.dumps(_("Bookmark"))).mark("piece-bookmark").tooltip(
                _("Bookmark")
            )

    async def to_repertoire(self, status: str) -> None:
        try:
            item = await act(repertoire.add_to_repertoire, piece_id=self.piece.id, data={"status": status})
        except ServiceError as error:
            show_error(error)
            return
        self.activity = self.activity.model_copy(update={"in_repertoire": True, "status": item.status})
        label = _(STATUS_LABELS[status])
        # Translators: a repertoire status (Learning, Polished...) and the title of a piece
        ui.notify(_("{status}: {title}", status=label, title=self.piece.title), type="positive")
        self.build()

    async def flag(self, **flags: Any) -> None:
        self.activity = await act(repertoire.set_flags, piece_id=self.piece.id, data=flags)
        self.build()
