"""The sheet-music library: search, filters, sort, paging, and a random piece for sight-reading."""

from __future__ import annotations

from html import escape
from math import ceil
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import ui

from components import html_rows
from components.browser_sign_in import Me, act, service
from components.feedback import show_error
from components.frame import frame
from components.page_route import signed_in_page
from components.plain_props import PlainOptionsSelect
from core.i18n import N_, _, ngettext
from services import catalogue
from services.catalogue import Facets, PieceSummary
from services.errors import NotFound, ServiceError

PAGE_SIZE = 20
SORTS = {
    "composer": N_("Composer"),
    "title": N_("Title"),
    "difficulty": N_("Easiest first"),
    "-difficulty": N_("Hardest first"),
    "period": N_("Period"),
    "newest": N_("Newest"),
}


@signed_in_page("/library")
async def library_page(me: Me, q: str = "") -> RedirectResponse | None:
    facets = await service(catalogue.facets, write=False)
    instrument = me.profile.default_instrument
    library = Library(facets, initial={"q": q or None, "instrument": instrument})
    with frame(_("Library"), me, shortcuts={"/": library.focus_search}):
        library.build()
        await library.load()
    return None


class Library:
    def __init__(self, facets: Facets, initial: dict[str, Any]) -> None:
        self.facets = facets
        self.criteria: dict[str, Any] = {"sort": "composer", **{k: v for k, v in initial.items() if v}}
        self.page = 1

    def build(self) -> None:
        with ui.card().classes("w-full gap-3"):
            self.search = ui.input(_("Search title, composer or catalogue number"), value=self.criteria.get("q") or "")
            self.search.props("outlined clearable debounce=300").classes("w-full").mark("library-search")
            with self.search.add_slot("prepend"):
                ui.icon("search")
            self.search.on_value_change(lambda e: self.set("q", e.value))
            with ui.row().classes("w-full gap-2 items-center"):
                instruments = {"piano": _("Piano"), "guitar": _("Guitar")}
                self._select("instrument", instruments, _("Instrument"), "library-instrument")
                self._select("period", {p.value: p.value for p in self.facets.periods}, _("Period"), "library-period")
                self._select("composer", self.facets.composers, _("Composer"), "library-composer", searchable=True)
                self._select("grade", self.facets.grades, _("Grade"), "library-grade")
                self._select("key", self.facets.keys, _("Key"), "library-key", searchable=True)
                self._select("tags", self.facets.tags, _("Tags"), "library-tags", multiple=True)
            with ui.row().classes("w-full gap-4 items-center"):
                # Two plain selects, not a two-thumbed slider: Quasar's range gives screen readers one
                # "slider" whose value reads "1|10", and its thumbs no name (axe-core: critical).
                levels = {level: str(level) for level in range(1, 11)}
                with ui.row().classes("gap-2 items-center no-wrap").mark("library-difficulty"):
                    easiest = ui.select(levels, value=1, label=_("Difficulty from")).props("outlined dense")
                    hardest = ui.select(levels, value=10, label=_("to")).props("outlined dense")
                    for end in (easiest, hardest):
                        end.classes("w-32").on_value_change(
                            lambda: self.set_difficulty({"min": easiest.value, "max": hardest.value})
                        )
                sorts = {key: _(label) for key, label in SORTS.items()}
                sort = ui.select(sorts, value="composer", label=_("Sort")).props("outlined dense").classes("w-40")
                sort.on_value_change(lambda e: self.set("sort", e.value))
                ui.button(_("Random piece"), icon="casino", on_click=self.random).props("outline").mark(
                    "library-random"
                )
        self.summary = ui.label().classes("text-grey-7").mark("library-count")
        self.results = ui.column().classes("w-full gap-2")
        self.pager = (
            ui.pagination(1, 1, direction_links=True, on_change=lambda e: self.turn(e.value))
            .props("max-pages=7 boundary-numbers")
            .mark("library-pager")
        )

    def _select(
        self, name: str, options: Any, label: str, mark: str, *, searchable: bool = False, multiple: bool = False
    ) -> None:
        select = (
            PlainOptionsSelect(
                options,
                value=self.criteria.get(name) or ([] if multiple else None),
                label=label,
                clearable=True,
                with_input=searchable,
                multiple=multiple,
            )
            .props("outlined dense" + (" use-chips" if multiple else ""))
            .classes("min-w-[9rem] grow")
            .mark(mark)
        )
        select.on_value_change(lambda e: self.set(name, e.value))

    def focus_search(self) -> None:
        self.search.run_method("focus")

    async def set(self, name: str, value: Any) -> None:
        self.criteria[name] = value or None
        self.page = 1
        await self.load()

    async def set_difficulty(self, value: Any) -> None:
        low, high = (value or {}).get("min", 1), (value or {}).get("max", 10)
        self.criteria["difficultyMin"] = low if low > 1 else None
        self.criteria["difficultyMax"] = high if high < 10 else None
        self.page = 1
        await self.load()

    async def turn(self, page: int) -> None:
        if page != self.page:
            self.page = page
            await self.load()

    def query(self, **extra: Any) -> dict[str, Any]:
        return {k: v for k, v in {**self.criteria, **extra}.items() if v not in (None, [], "")}

    async def load(self) -> None:
        try:
            found = await act(
                catalogue.list_pieces,
                write=False,
                query=self.query(limit=PAGE_SIZE, offset=(self.page - 1) * PAGE_SIZE),
            )
        except ServiceError as error:
            show_error(error)
            return
        self.summary.text = ngettext("{n} piece", "{n} pieces", found.total)
        self.pager.max = max(1, ceil(found.total / PAGE_SIZE))
        self.pager.value = self.page
        self.pager.set_visibility(found.total > PAGE_SIZE)
        self.results.clear()
        with self.results:
            for piece in found.items:
                _row(piece)
            if not found.items:
                ui.label(_("No piece matches these filters. Try fewer of them.")).classes("text-grey-7")

    async def random(self) -> None:
        criteria = {k: v for k, v in self.query().items() if k not in {"sort"}}
        try:
            piece = await service(catalogue.random_piece, write=False, query=criteria)
        except NotFound:
            ui.notify(_("No piece matches these filters; loosen them for a random pick."), type="warning")
            return
        ui.navigate.to(f"/library/{piece.id}")


def _row(piece: PieceSummary) -> None:
    """One piece: a real card (it follows the dark theme) around one link of escaped HTML.

    As NiceGUI elements a row was thirteen (link, card, row, column, labels, icons, badge and
    tooltips): twenty rows were a quarter of the page's render. Icons and badge keep Quasar's look
    through its classes; the notation icon is named by ``aria-label``, the badge by hidden text
    (``aria-label`` is not allowed on a plain div), and both have a native tooltip.
    """
    details = [piece.composer, piece.catalog_number or piece.opus, piece.style_period, piece.key_signature]
    parts = [
        html_rows.icon("piano" if piece.instrument == "piano" else "music_note", "primary"),
        html_rows.two_lines(
            piece.title, " · ".join(d for d in details if d), first_classes="text-weight-medium ellipsis w-full"
        ),
    ]
    if piece.has_notation:
        parts.append(html_rows.icon("queue_music", "secondary", label=_("Notation available")))
    if piece.difficulty_level:
        difficulty, level = escape(_("Difficulty")), f"{piece.difficulty_level}/10"
        parts.append(
            '<div class="q-badge flex inline items-center no-wrap q-badge--single-line q-badge--outline text-primary"'
            f' title="{difficulty}"><span class="sr-only">{difficulty} </span>{level}</div>'
        )
    # The link fills the card, padding and all: the whole card is a target, as it was.
    with ui.card().classes("w-full").style("padding: 0").mark("library-piece"):
        ui.html("".join(parts), sanitize=False, tag="a").props(f'href="/library/{piece.id}"').classes(
            "w-full row items-center no-wrap gap-3 q-px-md q-py-sm text-inherit no-underline"
        )
