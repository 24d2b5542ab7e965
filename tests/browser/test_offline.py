"""Offline-first in a real browser: nothing saved offline is lost, and nothing arrives twice."""

from __future__ import annotations

import os
import signal
import sqlite3

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import (
    DESKTOP,
    SERVICE_WORKER_READY,
    Server,
    onboard,
    outbox_size,
    ready_for_offline,
    screenshot,
    start_server,
    stop_server,
    wait_for_empty_outbox,
)
from tests.processes import free_port


def server_logs(server: Server) -> list[tuple[str, str]]:
    """(id, title) of every active log in the server's SQLite file."""
    with sqlite3.connect(server.data_dir / "mirubato.db") as connection:
        return connection.execute("SELECT id, work_title FROM practice_logs WHERE is_active").fetchall()


def go_offline(context: BrowserContext, page: Page) -> None:
    context.set_offline(True)
    page.wait_for_function("!(window.socket && window.socket.connected)", timeout=15_000)


def report(name: str, queued: int, rows: list, expected: int) -> None:
    ids = [row[0] for row in rows]
    print(
        f"{name}: queued {queued}, delivered {len(set(ids))}, server rows {len(ids)}, "
        f"lost {max(0, expected - len(set(ids)))}, duplicated {len(ids) - len(set(ids))}"
    )


def test_twenty_five_logs_saved_offline_reach_the_server_once_each(browser, server):
    context = browser.new_context(viewport=DESKTOP)
    form, timer = context.new_page(), context.new_page()
    onboard(form, server, "basement@example.com", "Basement")
    timer.goto(f"{server.url}/timer")
    form.goto(f"{server.url}/log/new")
    ready_for_offline(form)
    timer.reload()
    timer.get_by_test_id("timer-start").wait_for()

    go_offline(context, form)
    for n in range(10):  # the full form, with the page still the app's own
        form.get_by_label("Title").fill(f"Offline form {n}")
        form.get_by_label("Minutes").fill("12")
        form.get_by_role("button", name="Save", exact=True).click()
        form.get_by_text("Saved on this device").first.wait_for()
    screenshot(form, "offline-form")
    for _ in range(5):  # the timer, whose review works offline too
        timer.get_by_test_id("timer-start").click()
        timer.wait_for_timeout(1100)
        timer.get_by_test_id("timer-stop").click()
        timer.get_by_test_id("timer-offline-save").click()
    screenshot(timer, "offline-timer")

    form.reload()  # still offline: the service worker answers with the offline shell
    expect(form.get_by_text("You are offline.")).to_be_visible()
    screenshot(form, "offline-shell")
    for n in range(10):
        form.get_by_label("Piece").last.fill(f"Shell quick log {n}")
        form.get_by_test_id("shell-save").click()
    assert outbox_size(form) == 25
    assert server_logs(server) == []

    context.set_offline(False)
    form.wait_for_url(f"{server.url}/log/new", timeout=20_000)
    form.wait_for_function("window.socket && window.socket.connected", timeout=20_000)
    wait_for_empty_outbox(form)
    rows = server_logs(server)
    report("offline forms, timer and shell", 25, rows, 25)
    assert len(rows) == 25 and len({row[0] for row in rows}) == 25
    titles = {row[1] for row in rows}
    assert {f"Offline form {n}" for n in range(10)} <= titles
    assert {f"Shell quick log {n}" for n in range(10)} <= titles
    context.close()


QUEUE_QUICK_LOGS = """(count) => {
  const end = Date.now();
  for (let i = 0; i < count; i++) {
    MirubatoOutbox.enqueue({ kind: "create", logId: Mirubato.uuid4(), origin: "test", data: {
      activityType: "scales", durationSeconds: 60, startTime: new Date(end - 60000).toISOString(),
      workTitle: `Queued ${i}` } });
  }
}"""


def test_killing_the_server_in_the_middle_of_a_sync_of_200_loses_nothing_and_doubles_nothing(browser, mail, tmp_path):
    running = start_server(tmp_path, free_port(), mail)
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        onboard(page, running, "power-cut@example.com")
        go_offline(context, page)
        page.evaluate(QUEUE_QUICK_LOGS, 200)
        assert outbox_size(page) == 200
        context.set_offline(False)
        while outbox_size(page) == 200:  # the first batch is being answered: pull the plug now
            page.wait_for_timeout(5)
        os.kill(running.process.pid, signal.SIGKILL)
        running.process.wait()
        left_at_kill = outbox_size(page)
        print(f"server killed with {200 - left_at_kill} of 200 changes acknowledged")
        assert 0 < left_at_kill < 200
        running = start_server(tmp_path, int(running.url.rsplit(":", 1)[1]), mail)
        wait_for_empty_outbox(page, timeout=90)
        rows = server_logs(running)
        report("server killed mid-sync of 200", 200, rows, 200)
        assert len(rows) == 200 and len({row[0] for row in rows}) == 200
    finally:
        context.close()
        stop_server(running)


def test_two_tabs_flushing_the_same_outbox_at_once_make_no_duplicates(browser, server):
    context = browser.new_context(viewport=DESKTOP)
    first, second = context.new_page(), context.new_page()
    onboard(first, server, "two-tabs@example.com")
    second.goto(f"{server.url}/history")
    second.wait_for_function("window.socket && window.socket.connected")
    before = len(server_logs(server))
    go_offline(context, first)
    second.wait_for_function("!(window.socket && window.socket.connected)")
    first.evaluate(QUEUE_QUICK_LOGS, 60)
    context.set_offline(False)
    wait_for_empty_outbox(first)
    wait_for_empty_outbox(second)
    rows = server_logs(server)[before:]
    report("two tabs flushing at once", 60, rows, 60)
    assert len(rows) == 60 and len({row[0] for row in rows}) == 60
    context.close()


def test_a_log_edited_offline_on_two_devices_shows_one_conflict_and_loses_nothing(browser, server):
    phone, laptop = browser.new_context(viewport=DESKTOP), browser.new_context(viewport=DESKTOP)
    phone_page, laptop_page = phone.new_page(), laptop.new_page()
    onboard(phone_page, server, "two-devices@example.com")
    phone_page.goto(f"{server.url}/log/new")
    phone_page.get_by_label("Title").fill("Nocturne")
    phone_page.get_by_role("button", name="Save", exact=True).click()
    phone_page.wait_for_url(f"{server.url}/history")
    log_id = next(row[0] for row in server_logs(server) if row[1] == "Nocturne")
    edit = f"{server.url}/log/{_dashed(log_id)}/edit"
    from tests.browser.conftest import sign_in_through_email

    sign_in_through_email(laptop_page, server, "two-devices@example.com")
    for page in (phone_page, laptop_page):
        page.goto(edit)
        page.get_by_label("Title").wait_for()
    go_offline(phone, phone_page)
    go_offline(laptop, laptop_page)
    phone_page.get_by_label("Title").fill("Nocturne (phone)")
    phone_page.get_by_role("button", name="Save changes").click()
    laptop_page.get_by_label("Title").fill("Nocturne (laptop)")
    laptop_page.get_by_role("button", name="Save changes").click()

    phone.set_offline(False)
    phone_page.wait_for_url(f"{server.url}/history", timeout=20_000)
    laptop.set_offline(False)
    # The answer is a conflict: shown in a dialog if the editing page survived the outage, and always as
    # "needs your decision" in the sync status, which leads to the review page.
    expect(laptop_page.get_by_test_id("connection-badge")).to_contain_text("your decision", timeout=30_000)
    conflicts = laptop_page.evaluate("MirubatoOutbox.entries().filter(e => e.state === 'conflict').length")
    assert conflicts == 1
    assert "Nocturne (phone)" in {row[1] for row in server_logs(server)}
    laptop_page.goto(f"{server.url}/sync")
    expect(laptop_page.get_by_text("Changed elsewhere", exact=True)).to_be_visible()
    screenshot(laptop_page, "sync-conflict")
    laptop_page.get_by_test_id("keep-mine").click()
    wait_for_empty_outbox(laptop_page)
    titles = [row[1] for row in server_logs(server) if row[0] == log_id]
    print(f"conflicting offline edits: {conflicts} conflict shown, kept {titles}, outboxes empty")
    assert titles == ["Nocturne (laptop)"]
    phone.close()
    laptop.close()


def test_the_app_is_installable_and_loads_nothing_from_other_hosts(page, server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    onboard(page, server, "install@example.com")
    page.goto(f"{server.url}/library")
    page.evaluate(SERVICE_WORKER_READY)
    manifest = page.evaluate("fetch('/manifest.webmanifest').then(r => r.json())")
    assert manifest["display"] == "standalone" and {"192x192", "512x512"} <= {i["sizes"] for i in manifest["icons"]}
    scope = page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.scope)")
    assert scope == f"{server.url}/"
    foreign = sorted({url for url in requested if not url.startswith((server.url, "data:", "blob:"))})
    print(f"requests while signing in and browsing: {len(requested)}, to other hosts: {len(foreign)}")
    assert foreign == []


def _dashed(hex_id: str) -> str:
    return hex_id if "-" in hex_id else f"{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"
