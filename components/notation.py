"""A piece's notation, rendered by verovio in a worker process, with bars that can be highlighted."""

from __future__ import annotations

import json
from typing import Any

from nicegui import run, ui

from core.i18n import _
from services.adapters.notation import NotationError, render_svg

# Bars are verovio's ``g.measure`` groups in document order over all pages: bar N is the Nth.
HIGHLIGHT = """
(root, first, last) => {
  const box = document.querySelector(root);
  if (!box) return 0;
  const bars = [...box.querySelectorAll("g.measure")];
  bars.forEach((bar, i) => bar.classList.toggle("mirubato-bar-on", first !== null && i + 1 >= first && i + 1 <= last));
  const on = bars[(first || 1) - 1];
  if (first !== null && on) on.scrollIntoView({ block: "nearest", behavior: "smooth" });
  return bars.length;
}
"""


async def show_notation(notation_data: dict[str, Any] | None, *, size_percent: int = 100) -> ui.column | None:
    """The notation's pages in a column (marked ``notation`` for tests), or a line saying why there is none."""
    if not notation_data:
        ui.label(_("No notation for this piece yet.")).classes("text-grey-7")
        return None
    scale = round(60 * size_percent / 100)
    try:
        pages = await run.cpu_bound(render_svg, notation_data["data"], scale)
    except NotationError:
        ui.label(_("The notation of this piece could not be read.")).classes("text-negative")
        return None
    with ui.column().classes("w-full gap-0 mirubato-score") as column:
        for svg in pages or ():  # None: the server is shutting down
            # verovio writes this SVG from catalogue data (admins only) and escapes text; DOMPurify would strip it.
            ui.html(svg, sanitize=False).classes("mirubato-notation w-full").mark("notation")
    ui.add_css(
        ".mirubato-notation svg { width: 100%; height: auto; } "
        ".body--dark .mirubato-notation svg { filter: invert(0.9); } "
        ".mirubato-notation g.mirubato-bar-on { fill: #c2185b; stroke: #c2185b; } "
        ".mirubato-notation g.mirubato-bar-on .staff > path { stroke-width: 30; }"
    )
    return column


def highlight_bars(column: ui.column, first: int | None, last: int | None) -> None:
    """Colour bars ``first``..``last`` of the notation in ``column`` (None clears)."""
    ui.run_javascript(
        f"({HIGHLIGHT})({json.dumps(f'#c{column.id}')}, {json.dumps(first)}, {json.dumps(last or first)})"
    )
