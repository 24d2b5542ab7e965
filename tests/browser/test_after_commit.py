"""What follows a commit is the same whichever entry point made the change (issue 15, core.effects).

A log saved over REST, by another client, shows on the musician's open dashboard at once.
"""

from __future__ import annotations

import time

import httpx
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Server, onboard
from tests.browser.test_rough_edges import api_headers, new_page


def test_a_log_saved_over_rest_updates_the_open_dashboard_within_a_second(browser: Browser, server: Server):
    context, page = new_page(browser)
    email = "rest-and-dashboard@example.com"
    onboard(page, server, email)
    headers = api_headers(server, email)
    expect(page.get_by_text("Nothing logged yet")).to_be_visible()
    body = {"activityType": "repertoire", "durationSeconds": 1500, "workTitle": "Etude from another device"}
    saved = httpx.post(f"{server.url}/api/practice/logs", json=body, headers=headers)
    assert saved.status_code == 201, saved.text
    started = time.monotonic()
    expect(page.get_by_text("Etude from another device")).to_be_visible(timeout=1000)
    print(f"dashboard showed the REST log after {time.monotonic() - started:.2f} s")
    removed = httpx.delete(f"{server.url}/api/practice/logs/{saved.json()['id']}", headers=headers)
    assert removed.status_code in {200, 204}, removed.text
    expect(page.get_by_text("Etude from another device")).to_be_hidden(timeout=1000)
    context.close()
