"""How every page is declared: NiceGUI's ``ui.page`` with time limits that suit phones and busy servers.

NiceGUI gives a page 3 s to build and otherwise answers with its error page (a 500). Under a burst
of page loads (measured: 50 dashboards at once, p50 2.7 s) that turned waiting into failing.
A page that is slow because the server is busy should arrive late, not break.

It also forgets a page whose socket has been gone for 3 s, and the page then reloads when the
socket comes back: measured here, a 1.5-2 s network drop on a phone or a busy server missing a
keep-alive lost what was on screen. Kept for 30 s, the page resumes: the server replays what
the browser missed, including the answers to saves. (The keep-alive itself stays global: a
large global value would let proxies cut idle sockets.)
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

PAGE_BUILD_SECONDS = 30.0
RECONNECT_SECONDS = 30.0


def page(path: str, **kwargs: Any) -> ui.page:
    return ui.page(path, response_timeout=PAGE_BUILD_SECONDS, reconnect_timeout=RECONNECT_SECONDS, **kwargs)
