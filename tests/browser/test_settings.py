"""Settings in a real browser: the theme applies, and deleting the account removes everything."""

from __future__ import annotations

import base64
import json
import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in_through_email


def onboard(page, server, email: str, name: str) -> None:
    sign_in_through_email(page, server, email)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url(f"{server.url}/")


def test_the_dark_theme_preference_applies_to_every_page(page, server):
    onboard(page, server, "night@example.com", "Night Owl")
    page.goto(f"{server.url}/settings")
    page.get_by_label("Theme").click()
    page.get_by_role("option", name="Dark").click()
    page.get_by_role("button", name="Save preferences").click()
    page.wait_for_timeout(1000)
    page.goto(f"{server.url}/history")
    expect(page.locator("body")).to_have_class(re.compile(r"\bbody--dark\b"))


def browser_storage_id(page) -> str:
    """NiceGUI's per-browser storage id, from Starlette's signed session cookie (base64 JSON, then signature)."""
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "session")
    payload = cookie.split(".")[0]
    return json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))["id"]


def test_deleting_the_account_removes_the_browsers_server_side_storage(page, server):
    onboard(page, server, "leaving@example.com", "Leaving")
    mine = server.data_dir / "nicegui" / f"storage-user-{browser_storage_id(page)}.json"
    page.wait_for_timeout(500)
    assert "sid" in mine.read_text()
    page.goto(f"{server.url}/settings")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_label("Email address").fill("leaving@example.com")
    page.get_by_role("button", name="Delete for good").click()
    page.wait_for_url(f"{server.url}/login?problem=deleted")
    expect(page.get_by_text("Your account and all its data have been deleted")).to_be_visible()
    page.wait_for_timeout(1000)
    print(f"after deletion the storage file exists: {mine.exists()}")
    assert not mine.exists() or "sid" not in mine.read_text()
