"""What a new musician does on day one, in a real browser against a real server process."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, sign_in_through_email, wait_for_empty_outbox


def clock_seconds(page: Page) -> int:
    parts = [int(p) for p in page.get_by_test_id("timer-clock").inner_text().split(":")]
    return sum(value * 60**power for power, value in enumerate(reversed(parts)))


def test_a_new_musician_practises_logs_edits_and_builds_a_repertoire(page, server):
    sign_in_through_email(page, server, "clara.wieck@example.com")
    page.get_by_label("Your name").fill("Clara Wieck")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url(f"{server.url}/")
    expect(page.get_by_text("Hello, Clara Wieck")).to_be_visible()
    screenshot(page, "dashboard-empty")

    # The timer: start from the dashboard, survive a reload, stop, review, save.
    page.get_by_role("button", name="Start timer").click()
    page.get_by_test_id("timer-pause").wait_for()
    page.wait_for_timeout(2500)
    before = clock_seconds(page)
    page.reload()
    page.get_by_test_id("timer-pause").wait_for()
    page.wait_for_timeout(1200)
    after = clock_seconds(page)
    print(f"timer before reload {before} s, after reload {after} s")
    assert before >= 2 and after > before
    screenshot(page, "timer-running")
    page.get_by_test_id("timer-stop").click()
    page.get_by_text("Save your practice").wait_for()
    screenshot(page, "timer-review")
    page.get_by_role("button", name="Save all").click()
    page.get_by_text(re.compile(r"Saved \d+ s of practice")).wait_for()
    # Until the outbox has delivered it, the save may reach the server while the history is open,
    # and its refresh redraw the rows under the next click (the click was lost once on a loaded CI run).
    wait_for_empty_outbox(page)

    # The log shows on the dashboard and in the history.
    page.goto(f"{server.url}/")
    expect(page.get_by_text("Warm-up").first).to_be_visible()
    screenshot(page, "dashboard")
    page.goto(f"{server.url}/history")
    expect(page.get_by_text("Today")).to_be_visible()
    screenshot(page, "history")

    # Edit it.
    # (a link: it opens the edit page, and a link opens in a new tab on request as a button cannot)
    page.get_by_role("link", name="Edit").first.click()
    page.wait_for_url(re.compile(r".*/log/.+/edit"))
    page.get_by_label("Notes", exact=True).fill("Slow hands separately, then together.")
    screenshot(page, "log-edit")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"{server.url}/history")

    # Delete it, undo, delete it again.
    page.get_by_role("button", name="Delete").first.click()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Warm-up").first).to_be_visible()
    page.get_by_role("button", name="Delete").first.click()
    expect(page.get_by_text("No practice between")).to_be_visible()

    # A new log by the full form, with a piece typed in.
    page.goto(f"{server.url}/log/new")
    page.get_by_label("Composer").fill("Robert Schumann")
    page.get_by_label("Title").fill("Träumerei")
    page.get_by_label("Minutes").fill("25")
    screenshot(page, "log-new")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{server.url}/history")
    expect(page.get_by_text("Robert Schumann: Träumerei")).to_be_visible()

    # Find a piece by search and filters, see its notation, add it to the repertoire.
    page.goto(f"{server.url}/library")
    page.get_by_label("Search title, composer or catalogue number").fill("elise")
    expect(page.get_by_text("1 piece", exact=True)).to_be_visible()
    page.get_by_label("Search title, composer or catalogue number").fill("")
    # The cleared search reloads the list after its debounce; open the filter once it has (on a loaded
    # CI run the menu opened in that reload's round trip showed no options within 10 s).
    expect(page.get_by_text(re.compile(r"^\d+ pieces$"))).to_be_visible()
    page.get_by_label("Period").click()
    page.get_by_role("option", name="Classical").click()
    expect(page.get_by_text("Für Elise (Bagatelle in A minor)")).to_be_visible()
    screenshot(page, "library")
    page.get_by_text("Für Elise (Bagatelle in A minor)").click()
    page.locator(".mirubato-notation svg").first.wait_for()
    screenshot(page, "piece")
    page.get_by_role("button", name="Add to repertoire").click()
    expect(page.get_by_label("In your repertoire")).to_be_visible()
    page.goto(f"{server.url}/repertoire")
    # Listed, and due for review at once (learning, never practised: README, "Review queue").
    expect(page.get_by_role("link", name="Für Elise (Bagatelle in A minor)")).to_have_count(2)
    expect(page.get_by_text("not practised yet · comes back every 1 d")).to_be_visible()
    screenshot(page, "repertoire")
    page.goto(f"{server.url}/settings")
    screenshot(page, "settings")


def test_every_page_fits_a_phone_without_sideways_scrolling(page, server):
    sign_in_through_email(page, server, "phone@example.com")
    page.get_by_label("Your name").fill("Phone")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url(f"{server.url}/")
    page.set_viewport_size({"width": 390, "height": 844})
    widths = {}
    for path in ("/", "/timer", "/log/new", "/history", "/library", "/repertoire", "/progress", "/settings"):
        page.goto(f"{server.url}{path}")
        page.wait_for_timeout(600)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    print(f"page widths at 390 px: {widths}")
    assert all(width <= 390 for width in widths.values()), widths
