"""The repertoire: the musician's pieces by status, best tempo against target, notes, a timeline each."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.browser_sign_in import Me, act
from components.feedback import show_error
from components.format import STATUS_LABELS, duration, short_date
from components.frame import frame
from components.page_route import signed_in_page
from core.i18n import N_, _, ngettext
from services import repertoire, review_queue
from services.errors import InvalidInput, ServiceError
from services.repertoire import RepertoireItem
from services.review_queue import ReviewItem

TABS = {"all": N_("All"), **STATUS_LABELS}


@signed_in_page("/repertoire")
async def repertoire_page(me: Me) -> RedirectResponse | None:
    with frame(_("Repertoire"), me):
        review = ReviewPanel()
        await review.load()
        view = RepertoireView()
        with ui.tabs(on_change=lambda e: view.show(e.value)).props("align=left inline-label").classes("w-full") as tabs:
            for key, label in TABS.items():
                ui.tab(key, _(label))
        tabs.value = "all"
        view.list = ui.column().classes("w-full gap-3")
        await view.show("all")
    return None


class ReviewPanel:
    """Pieces due for review or neglected (services/review_queue.py has the rule), to snooze or drop."""

    def __init__(self) -> None:
        self.container = ui.column().classes("w-full gap-2")

    async def load(self) -> None:
        queue = await act(review_queue.review_queue, write=False)
        self.container.clear()
        shown = queue.due + [i for i in queue.neglected if i not in queue.due]
        if not shown and not queue.set_aside:
            return
        with self.container, ui.card().classes("w-full gap-2").mark("review-queue"):
            ui.label(_("Due for review")).classes("text-subtitle1 text-weight-medium")
            if not shown:
                ui.label(_("Nothing due today.")).classes("text-grey-7")
            for item in shown:
                with ui.row().classes("w-full items-center no-wrap gap-2").mark("review-item"):
                    with ui.column().classes("grow gap-0 min-w-0"):
                        ui.link(item.title, f"/library/{item.sheet_music_id}").classes("ellipsis text-inherit")
                        since = (
                            ngettext("not practised for {n} days", "not practised for {n} days", item.days_since)
                            if item.days_since is not None
                            else _("not practised yet")
                        )
                        # Translators: {since} is "not practised for {n} days" or "not practised yet"; d: days
                        again = _("{since} · comes back every {days} d", since=since, days=item.interval_days)
                        ui.label(again).classes(
                            "text-caption " + ("text-negative" if item.neglected else "text-grey-7")
                        )
                    ui.button(_("Snooze a week"), on_click=lambda i=item: self.change(i, {"snoozeDays": 7})).props(
                        "flat dense no-caps"
                    )
                    ui.button(_("Drop"), on_click=lambda i=item: self.change(i, {"dropped": True})).props(
                        "flat dense no-caps color=negative"
                    )
            if queue.set_aside:
                names = ", ".join(i.title for i in queue.set_aside)
                ui.label(_("Set aside: {names}", names=names)).classes("text-caption text-grey-7")

    async def change(self, item: ReviewItem, data: dict[str, object]) -> None:
        await act(review_queue.change_review, sheet_music_id=item.sheet_music_id, data=data)
        await self.load()


class RepertoireView:
    def __init__(self) -> None:
        self.list = ui.column()
        self.status = "all"

    async def show(self, status: str) -> None:
        self.status = status
        items = await act(repertoire.list_repertoire, write=False, status=None if status == "all" else status)
        self.list.clear()
        with self.list:
            if not items:
                with ui.card().classes("w-full items-center q-pa-lg"):
                    ui.icon("queue_music", size="2.5rem", color="grey-5")
                    ui.label(_("No pieces here yet. Add pieces from the library.")).classes("text-grey-7")
                    ui.button(_("Open the library"), on_click=lambda: ui.navigate.to("/library")).props("flat")
            for item in items:
                self._card(item)

    def _card(self, item: RepertoireItem) -> None:
        with ui.card().classes("w-full gap-2").mark("repertoire-item"):
            with ui.row().classes("w-full items-center no-wrap gap-3"):
                with ui.column().classes("gap-0 grow min-w-0"):
                    ui.link(item.title, f"/library/{item.piece_id}").classes(
                        "text-weight-medium ellipsis w-full text-inherit"
                    )
                    ui.label(" · ".join(x for x in (item.composer, item.catalog_number) if x)).classes(
                        "text-caption text-grey-7"
                    )
                status = (
                    ui.select({code: _(label) for code, label in STATUS_LABELS.items()}, value=item.status)
                    .props("outlined dense")
                    .classes("w-36")
                    .mark("repertoire-status")
                )
                status.on_value_change(lambda e, i=item: self.save(i, status=e.value))
            self._tempo(item)
            with ui.expansion(_("Notes and timeline"), icon="timeline").classes("w-full"):
                notes = ui.textarea(_("Notes"), value=item.notes or "").props("outlined autogrow").classes("w-full")
                target = (
                    ui.number(_("Target tempo (BPM)"), value=item.target_tempo, min=1, max=400)
                    .props("outlined dense")
                    .classes("w-48")
                )
                with ui.row().classes("gap-2"):
                    ui.button(
                        _("Save"),
                        on_click=lambda i=item: self.save(
                            i, notes=notes.value or None, targetTempo=int(target.value) if target.value else None
                        ),
                    ).props("unelevated dense")
                    ui.button(_("Remove from repertoire"), on_click=lambda i=item: self.remove(i)).props(
                        "flat dense color=negative"
                    )
                timeline = ui.column().classes("w-full gap-0")
                ui.timer(0.1, lambda i=item, t=timeline: self.timeline(i, t), once=True)

    def _tempo(self, item: RepertoireItem) -> None:
        target = item.target_tempo or item.suggested_tempo
        # Translators: "x" as in "3 times"
        practised = _("Practised {times}x", times=item.times_practiced) if item.times_practiced else None
        details = [practised or _("Not practised yet")]
        if target and item.best_tempo:
            with ui.row().classes("w-full items-center gap-3 no-wrap"):
                tempo_bar = ui.linear_progress(min(item.best_tempo / target, 1), show_value=False, size="10px")
                tempo_bar.classes("grow").props["aria-label"] = _("Best tempo towards the target tempo")
                ui.label(_("{best} / {target} BPM", best=item.best_tempo, target=target)).classes(
                    "text-caption whitespace-nowrap"
                ).mark("repertoire-tempo")
        if target and not item.best_tempo:
            details.append(_("target {target} BPM", target=target))
        ui.label(" · ".join(details)).classes("text-caption text-grey-7")

    async def timeline(self, item: RepertoireItem, container: ui.column) -> None:
        points = await act(repertoire.piece_timeline, write=False, piece_id=item.piece_id)
        with container:
            if not points:
                ui.label(_("No practice of this piece logged yet.")).classes("text-caption text-grey-7")
            for point in points[::-1][:20]:
                details = [short_date(point.start_time), duration(point.duration_seconds)]
                if point.tempo_practiced:
                    details.append(_("{tempo} BPM", tempo=point.tempo_practiced))
                if point.self_rating:
                    details.append(f"{point.self_rating}/10")
                ui.label(" · ".join(details)).classes("text-caption")

    async def save(self, item: RepertoireItem, **changes: object) -> None:
        data = {"status": item.status, "targetTempo": item.target_tempo, "notes": item.notes, **changes}
        try:
            await act(repertoire.add_to_repertoire, piece_id=item.piece_id, data=data)
        except InvalidInput as error:
            ui.notify(error.message, type="negative")
            return
        except ServiceError as error:
            show_error(error)
            return
        ui.notify(_("Saved"), type="positive")
        await self.show(self.status)

    async def remove(self, item: RepertoireItem) -> None:
        await act(repertoire.remove_from_repertoire, piece_id=item.piece_id)
        await self.show(self.status)
