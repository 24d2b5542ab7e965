"""The outbox from the musician's side (issue 22): rows counted over the REST API afterwards.

Two accounts in one browser, two tabs pressing Save at the same instant, a page clock 3 h fast,
and every control a musician uses offline, clicked with the connection down. The server runs
on SQLite, and on PostgreSQL too when MIRUBATO_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    Server,
    onboard,
    ready_for_offline,
    screenshot,
    sign_in_through_email,
    start_server,
    stop_server,
    wait_for_empty_outbox,
)
from tests.conftest import BACKENDS, PG_URL_VARIABLE, fresh_postgres_database
from tests.processes import free_port

# A device whose clock runs 3 hours fast: every Date the page makes is shifted.
FAST_CLOCK = """(() => {
  const shift = 3 * 3600 * 1000;
  const Real = Date;
  class Shifted extends Real {
    constructor(...args) { if (args.length) super(...args); else super(Real.now() + shift); }
    static now() { return Real.now() + shift; }
  }
  window.Date = Shifted;
})();"""


@pytest.fixture(scope="module", params=BACKENDS)
def outbox_server(request, mail, tmp_path_factory) -> Iterator[Server]:
    env = {"MIRUBATO_RATE_LOGIN_PER_ADDRESS": "1000"}
    if request.param == "postgresql" and os.environ.get(PG_URL_VARIABLE):
        env["MIRUBATO_DATABASE_URL"] = fresh_postgres_database("mirubato_outbox_browser")
    running = start_server(tmp_path_factory.mktemp(f"outbox-{request.param}"), free_port(), mail, **env)
    try:
        yield running
    finally:
        stop_server(running)


class Api:
    """The REST API as each user sees it, for counting rows (one real sign-in per user)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.tokens: dict[str, str] = {}

    def headers(self, email: str) -> dict[str, str]:
        if email not in self.tokens:
            httpx.post(f"{self.server.url}/api/auth/login", json={"email": email})
            token = self.server.mail.last_token(email)
            answer = httpx.post(f"{self.server.url}/api/auth/verify", json={"token": token}).json()
            self.tokens[email] = answer["accessToken"]
        return {"Authorization": f"Bearer {self.tokens[email]}"}

    def logs(self, email: str) -> list[dict]:
        answer = httpx.get(f"{self.server.url}/api/practice/logs", params={"limit": 200}, headers=self.headers(email))
        assert answer.status_code == 200, answer.text
        return answer.json()["items"]


def new_context(browser: Browser, **options) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=DESKTOP, **options)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def go_offline(context: BrowserContext, page: Page) -> None:
    context.set_offline(True)
    page.wait_for_function("!(window.socket && window.socket.connected)", timeout=15_000)


def save_log_form(page: Page, title: str, notes: str = "") -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Minutes").fill("12")
    if notes:
        page.get_by_label("Notes", exact=True).fill(notes)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved on this device").first.wait_for()


def test_a_log_saved_offline_never_lands_in_the_account_that_signs_in_next(browser: Browser, outbox_server):
    api = Api(outbox_server)
    context, alice = new_context(browser)
    onboard(alice, outbox_server, "alice-shared@example.com", "Alice")
    alice.goto(f"{outbox_server.url}/log/new")
    go_offline(context, alice)
    save_log_form(alice, "Alice's offline etude", notes="Alice's private note")
    alice.close()
    # Her sign-in ends elsewhere while the browser is offline ("sign out everywhere" on her phone).
    logout = httpx.post(
        f"{outbox_server.url}/api/auth/logout",
        json={"everywhere": True},
        headers=api.headers("alice-shared@example.com"),
    )
    assert logout.status_code == 204
    api.tokens.clear()

    context.set_offline(False)
    bob = context.new_page()
    onboard(bob, outbox_server, "bob-shared@example.com", "Bob")
    bob.wait_for_function("window.socket && window.socket.connected")
    bob.wait_for_timeout(3000)  # several flushes of the outbox
    assert api.logs("bob-shared@example.com") == []
    assert bob.evaluate("[MirubatoOutbox.entries().length, MirubatoOutbox.others().length]") == [0, 1]
    bob.goto(f"{outbox_server.url}/sync")
    expect(bob.get_by_text("saved on this device by another account")).to_be_visible()
    screenshot(bob, "sync-other-account")

    bob.get_by_role("button", name="Account menu").click()
    bob.get_by_text("Sign out", exact=True).click()
    bob.wait_for_url(f"{outbox_server.url}/login")
    sign_in_through_email(bob, outbox_server, "alice-shared@example.com")  # Alice again, on the same browser
    bob.wait_for_function("window.socket && window.socket.connected")
    wait_for_empty_outbox(bob)
    logs = api.logs("alice-shared@example.com")
    assert [(log["workTitle"], log["practiceNotes"]) for log in logs] == [
        ("Alice's offline etude", "Alice's private note")
    ]
    assert api.logs("bob-shared@example.com") == []
    context.close()


def test_two_tabs_pressing_save_at_the_same_instant_lose_nothing(browser: Browser, outbox_server):
    api = Api(outbox_server)
    context, first = new_context(browser)
    onboard(first, outbox_server, "two-tabs@example.com", "Tabs")
    second = context.new_page()
    for page in (first, second):
        page.goto(f"{outbox_server.url}/log/new")
    go_offline(context, first)
    for round_ in range(5):
        buttons = []
        for tab, page in enumerate((first, second)):
            page.get_by_label("Title").fill(f"Round {round_} tab {tab}")
            page.get_by_label("Minutes").fill("5")
            buttons.append(page.get_by_role("button", name="Save", exact=True).element_handle())
        at = int(time.time() * 1000) + 400
        for page, button in zip((first, second), buttons, strict=True):
            page.evaluate("([button, at]) => setTimeout(() => button.click(), at - Date.now())", [button, at])
        first.wait_for_timeout(700)
    assert first.evaluate("MirubatoOutbox.entries().length") == 10
    context.set_offline(False)
    first.wait_for_function("window.socket && window.socket.connected", timeout=20_000)
    wait_for_empty_outbox(first)
    titles = sorted(log["workTitle"] for log in api.logs("two-tabs@example.com"))
    assert titles == sorted(f"Round {r} tab {t}" for r in range(5) for t in range(2))
    context.close()


def test_a_device_clock_three_hours_fast_stores_practice_when_it_happened(browser: Browser, outbox_server):
    api = Api(outbox_server)
    context, page = new_context(browser)
    context.add_init_script(FAST_CLOCK)
    onboard(page, outbox_server, "fast-clock@example.com", "Fast")
    page.get_by_role("button", name="Quick log").click()
    page.get_by_test_id("quick-minutes").fill("20")
    page.get_by_test_id("quick-save").click()
    expect(page.get_by_text("Logged 20 min")).to_be_visible()

    page.goto(f"{outbox_server.url}/timer")
    go_offline(context, page)
    page.get_by_test_id("timer-start").click()
    page.wait_for_timeout(2100)
    page.get_by_test_id("timer-stop").click()
    page.get_by_test_id("timer-offline-save").click()
    context.set_offline(False)
    page.wait_for_function("window.socket && window.socket.connected", timeout=20_000)
    wait_for_empty_outbox(page)

    now = datetime.now(UTC)
    logs = api.logs("fast-clock@example.com")
    assert len(logs) == 2
    for log in logs:
        end = datetime.fromisoformat(log["endTime"])
        assert abs(end - now) < timedelta(minutes=2), (log["startTime"], log["endTime"], now)
    timed = next(log for log in logs if log["durationSeconds"] < 60)
    assert 2 <= timed["durationSeconds"] < 20  # the seconds the timer ran, not rounded up to a minute
    context.close()


def test_every_control_used_offline_works_with_the_connection_down(browser: Browser, outbox_server):
    api = Api(outbox_server)
    email = "offline-controls@example.com"
    context, page = new_context(browser)
    onboard(page, outbox_server, email, "Offline")
    template = {"templateName": "Scales warm-up", "activityType": "scales", "durationSeconds": 600}
    assert httpx.post(
        f"{outbox_server.url}/api/practice/templates", json=template, headers=api.headers(email)
    ).is_success
    kept = httpx.post(
        f"{outbox_server.url}/api/practice/logs",
        json={"activityType": "repertoire", "durationSeconds": 900, "workTitle": "Kept after undo",
              "startTime": (datetime.now(UTC) - timedelta(hours=1)).isoformat()},
        headers=api.headers(email),
    )  # fmt: skip
    assert kept.status_code == 201

    page.goto(f"{outbox_server.url}/history")
    ready_for_offline(page)
    go_offline(context, page)
    page.get_by_role("button", name="Delete").first.click()
    expect(page.get_by_text("Kept after undo")).to_be_hidden()
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Kept after undo")).to_be_visible()
    assert page.evaluate("MirubatoOutbox.entries().length") == 0  # the removal was taken back before it was sent

    context.set_offline(False)
    page.goto(f"{outbox_server.url}/")
    ready_for_offline(page)
    go_offline(context, page)
    page.get_by_role("button", name="Quick log").click()
    dialog = page.get_by_test_id("quick-log")
    expect(dialog).to_be_visible()
    page.get_by_test_id("quick-cancel").click()  # closing needs no server either
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Quick log").click()
    page.get_by_test_id("quick-minutes").fill("15")
    page.get_by_label("Title").fill("Quick, offline")
    page.get_by_test_id("quick-save").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Scales warm-up").click()
    expect(page.get_by_text("Scales warm-up").last).to_be_visible()
    page.get_by_test_id("quick-save").click()
    expect(page.get_by_test_id("connection-badge")).to_contain_text("2 waiting")
    page.set_viewport_size(PHONE)
    expect(page.get_by_test_id("connection-badge-short")).to_have_text("2 waiting")  # not only an icon on a phone
    screenshot(page, "offline-dashboard")

    page.goto(f"{outbox_server.url}/log/new")  # the service worker's shell, with the full log form open
    expect(page.get_by_text("You are offline.")).to_be_visible()
    page.get_by_label("Composer").fill("Carl Czerny")
    page.get_by_label("Piece").last.fill("Op. 299 No. 1")
    page.get_by_label("dynamics").check()
    page.get_by_label("phrasing").check()
    page.get_by_test_id("shell-save").click()
    page.get_by_test_id("shell-toggle").click()
    page.wait_for_timeout(2100)
    page.get_by_test_id("shell-stop").click()
    page.get_by_test_id("shell-timer-save").click()
    screenshot(page, "offline-shell-full-form")
    assert page.evaluate("MirubatoOutbox.entries().length") == 4

    context.set_offline(False)
    page.wait_for_url(f"{outbox_server.url}/log/new", timeout=20_000)
    page.wait_for_function("window.socket && window.socket.connected", timeout=20_000)
    wait_for_empty_outbox(page)
    logs = api.logs(email)
    by_title = {log["workTitle"]: log for log in logs}
    assert len(logs) == 5  # the kept log and the four saved offline, each once
    assert by_title["Kept after undo"]["isActive"] is True
    assert by_title["Quick, offline"]["durationSeconds"] == 900
    assert by_title["Op. 299 No. 1"]["focusAreas"] == ["dynamics", "phrasing"]
    assert by_title["Op. 299 No. 1"]["composer"] == "Carl Czerny"
    seen = [(log["activityType"], log["durationSeconds"], log["workTitle"]) for log in logs]
    assert any(kind == "scales" and seconds == 600 for kind, seconds, _ in seen), seen
    assert any(kind == "warm_up" and 2 <= seconds < 20 for kind, seconds, _ in seen), seen  # the timer's seconds
    context.close()
