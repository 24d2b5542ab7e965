"""How every page is declared: NiceGUI's ``ui.page`` with a build time that suits a busy server.

NiceGUI gives a page 3 s to build and otherwise answers with its error page (a 500). Under a burst
of page loads (measured: 50 dashboards at once, p50 2.7 s) that turned waiting into failing.
A page that is slow because the server is busy should arrive late, not break.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

PAGE_BUILD_SECONDS = 30.0


def page(path: str, **kwargs: Any) -> ui.page:
    return ui.page(path, response_timeout=PAGE_BUILD_SECONDS, **kwargs)
