"""Plotly figures as PNG images (for the PDF report), drawn by Kaleido in a headless Chromium.

One render at a time per process: each starts a browser (about 1.5 s and 200 MB), and a report
that waits its turn is better than a server that runs out of memory. Without a browser the
report is still made, with a note where the charts would be.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import threading
from collections.abc import Callable, Sequence
from typing import Any

import kaleido
import plotly.graph_objects as go

log = logging.getLogger(__name__)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
WIDTH, HEIGHT, SCALE = 900, 380, 2
_one_at_a_time = threading.Lock()


def find_browser(configured: str | None = None) -> str | None:
    """The configured browser, or the first Chromium on PATH, or None."""
    if configured:
        return configured
    return next((found for name in BROWSER_NAMES if (found := shutil.which(name))), None)


def render_png(
    figures: Sequence[dict[str, Any]], *, browser: str | None, on_done: Callable[[int], None] | None = None
) -> list[bytes] | None:
    """PNG bytes of each figure, or None when no browser can draw them; ``on_done(n)`` after each."""
    if browser is None or not figures:
        return None
    with _one_at_a_time:
        try:
            return asyncio.run(_render(figures, browser, on_done or (lambda _: None)))
        except Exception:  # a missing or crashing browser must not cost the musician the whole report
            log.exception("could not draw the report's charts with %s", browser)
            return None


async def _render(figures: Sequence[dict[str, Any]], browser: str, on_done: Callable[[int], None]) -> list[bytes]:
    images = []
    async with kaleido.Kaleido(n=1, mathjax=False, path=browser, timeout=60) as renderer:
        for index, figure in enumerate(figures):
            height = int(figure.get("layout", {}).get("height") or HEIGHT)
            options = {"format": "png", "width": WIDTH, "height": height, "scale": SCALE}
            # As a graph object, Kaleido encodes the dates and numbers as plotly.py always does.
            images.append(await renderer.calc_fig(go.Figure(figure), opts=options))
            on_done(index + 1)
    return images
