"""A plan in Chromium: made on the plans page, due on the dashboard, run block by block on the timer
(countdown, extend, next, finish), reviewed with each block's piece, and ticked off on Today."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, onboard, screenshot, set_theme

EMAIL = "planner@example.com"


def test_a_plan_is_made_run_block_by_block_and_ticked_off(page: Page, server: Server):
    onboard(page, server, EMAIL, "Plan Ner")
    page.goto(f"{server.url}/plans")
    page.get_by_role("button", name="New plan").click()
    dialog = page.locator(".nicegui-card").filter(has_text="A new plan")
    dialog.get_by_label("Name").fill("Morning")
    dialog.get_by_role("button", name="Add a block").click()
    dialog.get_by_label("Piece or exercise").nth(1).fill("Für Elise")
    screenshot(page, "plan-editor", full_page=False)
    dialog.get_by_role("button", name="Save plan").click()
    plan = page.locator(".nicegui-card").filter(has_text="Morning")
    expect(plan).to_contain_text("Every day · 15 min")

    page.goto(f"{server.url}/")
    today = page.locator(".nicegui-card").filter(has_text="of 2 done")
    expect(today).to_contain_text("0 of 2 done")
    today.get_by_role("button", name="Start plan").click()
    page.wait_for_url(re.compile(r"/timer\?plan="))
    runner = page.get_by_test_id("plan-runner")
    expect(page.get_by_test_id("plan-step")).to_have_text("Warm-up")
    expect(page.get_by_test_id("plan-countdown")).to_have_text(re.compile(r"^4:5\d$"))
    page.get_by_test_id("plan-extend").click()
    expect(page.get_by_test_id("plan-countdown")).to_have_text(re.compile(r"^6:5\d$"))
    page.wait_for_timeout(1200)  # a block shorter than a second is not logged
    page.get_by_test_id("plan-skip").click()
    expect(page.get_by_test_id("plan-step")).to_have_text("Repertoire · Für Elise")
    expect(page.get_by_test_id("plan-announce")).to_have_text("Next: Repertoire · Für Elise, 10 minutes")
    expect(runner).to_contain_text("block 2 of 2")
    screenshot(page, "plan-runner")
    page.wait_for_timeout(1200)
    page.get_by_test_id("plan-skip").click()  # "Finish"
    review = page.locator(".nicegui-card").filter(has_text="Save your practice")
    expect(review).to_be_visible()
    review.get_by_text("Repertoire ·").click()
    expect(review.get_by_label("Title", exact=True).last).to_have_value("Für Elise")
    review.get_by_role("button", name="Save all").click()
    expect(review).to_be_hidden(timeout=15_000)

    page.goto(f"{server.url}/")
    expect(page.locator(".nicegui-card").filter(has_text="of 2 done")).to_contain_text("2 of 2 done")
    set_theme(server, EMAIL, "dark")
    page.reload()
    screenshot(page, "dashboard-today-dark")
    set_theme(server, EMAIL, "light")
    page.goto(f"{server.url}/settings")
    page.get_by_role("button", name="Make an address").click()
    expect(page.get_by_label("Calendar address")).to_have_value(re.compile(r"/api/calendar/plans\.ics\?key="))
    screenshot(page, "settings-reminders")
