"""Pages keep loading after a piece's notation was drawn.

Notation is drawn in worker processes (``run.cpu_bound``). Forked from the server, they inherited
its open client sockets: when the server later closed an idle keep-alive connection, the worker's
copy kept it open and unread, and a browser that reused it waited forever for its next page.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.browser.conftest import DESKTOP, onboard, start_server, stop_server
from tests.mail_sink import MailSink
from tests.processes import free_port

KEEP_ALIVE = 5  # seconds: uvicorn's default, after which the server closes an idle connection


def test_pages_opened_after_the_notation_and_an_idle_pause_load(browser: Browser, mail: MailSink, tmp_path: Path):
    running = start_server(tmp_path, free_port(), mail)  # its own: the first notation starts the workers
    try:
        context = browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(10_000)
        page = context.new_page()
        onboard(page, running, "notation@example.com")
        page.goto(f"{running.url}/library")
        page.get_by_label("Search title, composer or catalogue number").fill("elise")
        page.get_by_text("Für Elise (Bagatelle in A minor)").click()
        page.locator(".mirubato-notation svg").first.wait_for()
        page.wait_for_timeout((KEEP_ALIVE + 1.5) * 1000)  # the server closes the idle connections
        for path in ("/history", "/tools", "/progress", "/log/new", "/"):
            page.goto(f"{running.url}{path}")  # waits for "load": every request answered
            expect(page.locator(".mirubato-page")).to_be_visible()
        context.close()
    finally:
        stop_server(running)
