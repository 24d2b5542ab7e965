"""Notation to SVG on the server, with verovio (ABC, MusicXML and MEI in, one SVG per page out)."""

from __future__ import annotations

from functools import lru_cache

import verovio

PAGE_WIDTH = 1500  # verovio units; the SVG scales to its container


class NotationError(Exception):
    """The notation data could not be read."""


@lru_cache(maxsize=128)
def render_svg(data: str, scale: int = 60) -> tuple[str, ...]:
    """Render notation data to SVG pages. CPU-bound: call it through run.cpu_bound."""
    toolkit = verovio.toolkit()
    toolkit.setOptions(
        {
            "scale": max(20, min(scale, 100)),
            "pageWidth": PAGE_WIDTH,
            "adjustPageHeight": True,
            "footer": "none",
            "header": "encoded",
            "svgViewBox": True,
            "svgRemoveXlink": True,
        }
    )
    if not toolkit.loadData(data):
        raise NotationError("verovio could not read this notation")
    return tuple(toolkit.renderToSVG(page) for page in range(1, toolkit.getPageCount() + 1))
