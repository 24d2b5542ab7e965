"""Recorded takes in Chromium with a fake microphone: recorded offline on the timer, kept on the
device, uploaded in chunks across a server restart exactly once; heard and commented on by the
teacher at a moment and a bar; the student sees the marker and the bar; a revoked share stops
the teacher's next range request."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from sqlmodel import select

from core.db import Database
from core.models import Role, User
from core.security import SignedLinks
from services import practice_logs, sharing
from services.actor import Actor
from services.adapters.take_store import FileStore
from services.audio_probe import WEBM, duration_ms
from services.rate_limits import RateLimiter
from services.sharing import InviteLinks
from tests import audio_files
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    Server,
    onboard,
    screenshot,
    set_theme,
    start_server,
    stop_server,
    wait_for_empty_outbox,
    wait_until_connected,
)
from tests.processes import free_port

SMALL_CHUNKS = 8192  # a 3-second take then arrives in several requests: the restart falls between two


@pytest.fixture(scope="module")
def microphone(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A Chromium whose microphone plays a 440 Hz tone."""
    wav = audio_files.write_tone(tmp_path_factory.mktemp("mic") / "tone.wav", [(440.0, 0.5)], seconds=2.0)
    args = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}"]  # fmt: skip
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *args])
    yield chromium
    chromium.close()


def takes_on_server(data_dir: Path) -> list[tuple[str, str, str, int | None, int]]:
    with sqlite3.connect(data_dir / "mirubato.db") as connection:
        return connection.execute("SELECT id, log_id, status, duration_ms, size_bytes FROM takes").fetchall()


def record(page: Page, seconds: float, name: str) -> None:
    panel = page.get_by_test_id("recorder")
    panel.get_by_test_id("rec-start").click()
    expect(panel).to_have_attribute("data-status", "recording")
    page.wait_for_timeout(int(seconds * 1000))
    panel.get_by_test_id("rec-stop").click()
    expect(panel).to_have_attribute("data-status", "review")
    panel.get_by_test_id("rec-name").fill(name)
    panel.get_by_test_id("rec-keep").click()
    expect(panel).to_have_attribute("data-status", "idle", timeout=10_000)


def test_a_take_recorded_offline_on_the_timer_reaches_the_server_once_across_a_restart(
    microphone: Browser, tmp_path: Path, mail
):
    port = free_port()
    server = start_server(tmp_path, port, mail)
    context = microphone.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        onboard(page, server, "recorder@example.com", "Rec Order")
        page.goto(f"{server.url}/timer")
        page.get_by_test_id("timer-start").click()
        context.set_offline(True)
        page.wait_for_function("!(window.socket && window.socket.connected)", timeout=15_000)
        page.get_by_test_id("tools-tab-record").click()
        record(page, 3.0, "Offline prelude")
        page.get_by_test_id("timer-stop").click()
        page.get_by_test_id("timer-offline-save").click()
        page.wait_for_function("MirubatoTakes.waiting === 1")
        (block_log,) = page.evaluate("MirubatoOutbox.entries().map((e) => e.logId)")
        expect(page.get_by_test_id("connection-badge")).to_contain_text("1 take to upload")
        screenshot(page, "recording-offline-timer")
        assert takes_on_server(tmp_path) == []

        # The connection comes back; the server goes down after two chunks and comes back up.
        sent: list[int] = []

        def chunk(route: Route) -> None:
            sent.append(1)
            if len(sent) == 3:
                route.abort()  # as the server goes away
            else:
                route.continue_()

        page.route("**/api/takes/*/upload?offset=*", chunk)
        page.evaluate(f"MirubatoTakes.chunkSize = {SMALL_CHUNKS}")
        context.set_offline(False)
        deadline = time.monotonic() + 30
        while len(sent) < 3 and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert len(sent) >= 3, "the upload never started"
        stop_server(server)
        server = start_server(tmp_path, port, mail)
        page.unroute("**/api/takes/*/upload?offset=*")
        page.wait_for_function("window.socket && window.socket.connected", timeout=30_000)
        page.evaluate(f"MirubatoTakes.chunkSize = {SMALL_CHUNKS}")  # the page may have reloaded
        wait_for_empty_outbox(page)
        deadline = time.monotonic() + 40
        while not [t for t in takes_on_server(tmp_path) if t[2] == "ready"] and time.monotonic() < deadline:
            page.wait_for_timeout(250)

        (take,) = takes_on_server(tmp_path)
        take_id, log_id, status, _, size = take
        stored = FileStore(tmp_path / "takes").path(uuid.UUID(take_id)).read_bytes()
        length = duration_ms(lambda start, n: stored[start : start + n], len(stored), WEBM)
        print(f"take: {size} bytes in {len(sent)}+ chunks, {length} ms read from the stored file")
        assert status == "ready" and len(stored) == size and length is not None and 2500 <= length <= 3700
        assert uuid.UUID(log_id) == uuid.UUID(block_log)  # the timer's block, saved offline, holds the take
        page.wait_for_function("MirubatoTakes.waiting === 0")

        # The same id again (a device that never heard the answer) changes nothing.
        again = page.evaluate(
            """async ([id, logId, size]) => {
                const put = await fetch(`/api/takes/${id}`, { method: "PUT", headers: { "X-Mirubato": "1",
                  "Content-Type": "application/json" }, body: JSON.stringify({ logId, sizeBytes: size }) });
                return [put.status, (await put.json()).status];
            }""",
            [take_id, log_id, size],
        )
        assert again == [200, "ready"] and len(takes_on_server(tmp_path)) == 1
    finally:
        context.close()
        stop_server(server)


def promote(server: Server, email: str, role: Role) -> Actor:
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    with database.transaction() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        user.role = role.value
        actor = Actor(id=user.id, role=role)
    database.dispose()
    return actor


def share(server: Server, student: Actor, teacher: Actor) -> uuid.UUID:
    links = InviteLinks(SignedLinks("x" * 40, purpose="share-invite"), base_url=server.url)
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    with database.transaction() as session:
        invitation = sharing.invite_teacher(session, actor=student, data={}, links=links, limiter=RateLimiter())
        token = invitation.link.split("token=")[1]
        share_id = sharing.accept_invite(session, actor=teacher, data={"token": token}, links=links).id
    database.dispose()
    return share_id


def revoke(server: Server, student: Actor, share_id: uuid.UUID) -> None:
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    with database.transaction() as session:
        sharing.revoke_share(session, actor=student, share_id=share_id)
    database.dispose()


def piece_with_notation(server: Server) -> tuple[str, str]:
    with sqlite3.connect(server.data_dir / "mirubato.db") as connection:
        return connection.execute(
            "SELECT id, title FROM sheet_music WHERE notation_data IS NOT NULL ORDER BY title LIMIT 1"
        ).fetchone()


def range_request(page: Page, take_id: str) -> int:
    return page.evaluate(
        "async (id) => (await fetch(`/api/takes/${id}/audio`, { headers: { Range: 'bytes=0-99' } })).status", take_id
    )


def test_a_teacher_comments_on_a_moment_and_a_bar_and_loses_the_take_with_the_share(
    microphone: Browser, server: Server
):
    student_context = microphone.new_context(viewport=DESKTOP)
    teacher_context = microphone.new_context(viewport=DESKTOP)
    for context in (student_context, teacher_context):
        context.set_default_timeout(15_000)
    student, teacher = student_context.new_page(), teacher_context.new_page()
    try:
        onboard(student, server, "pupil@example.com", "Pupil")
        onboard(teacher, server, "teacher@example.com", "Ms Keys")
        pupil = promote(server, "pupil@example.com", Role.MUSICIAN)
        keys = promote(server, "teacher@example.com", Role.TEACHER)
        share_id = share(server, pupil, keys)
        piece_id, title = piece_with_notation(server)
        database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
        with database.transaction() as session:
            log_id = practice_logs.log_practice(
                session, actor=pupil, data={"activityType": "repertoire", "durationSeconds": 600,
                                            "sheetMusicId": piece_id, "workTitle": title},
            ).log.id  # fmt: skip
        database.dispose()

        # The student records 3 s from the log's page; the take goes up with the log.
        student.goto(f"{server.url}/log/{log_id}/edit")
        student.get_by_test_id("log-record").click()
        record(student, 3.0, "Run-through")
        student.get_by_role("button", name="Done").click()
        student.get_by_role("button", name="Save changes").click()
        student.wait_for_url(f"{server.url}/history")
        deadline = time.monotonic() + 30
        while not [t for t in takes_on_server(server.data_dir) if t[2] == "ready"] and time.monotonic() < deadline:
            student.wait_for_timeout(250)
        take_id = next(t[0] for t in takes_on_server(server.data_dir) if t[2] == "ready")

        # The teacher listens from the studio and comments at 0:02 on bar 5.
        teacher.goto(f"{server.url}/studio/{pupil.id}")
        wait_until_connected(teacher)  # the button's handler runs on the server
        teacher.get_by_test_id("student-takes").first.click()
        player = teacher.get_by_test_id("take-player")
        expect(player).to_be_visible(timeout=15_000)
        teacher.wait_for_function("document.querySelector('[data-testid=take-player] audio').readyState >= 1")
        teacher.evaluate(
            "() => { const a = document.querySelector('[data-testid=take-player] audio'); a.currentTime = 2; }"
        )
        teacher.wait_for_function(
            "() => document.querySelector('[data-testid=take-comment-send]').textContent.includes('0:02')"
        )
        player.get_by_test_id("take-comment-text").fill("Listen to the left hand here")
        player.get_by_test_id("take-comment-bar").fill("5")
        player.get_by_test_id("take-comment-send").click()
        expect(player.get_by_test_id("take-marker")).to_have_count(1, timeout=15_000)  # a loaded machine
        marker_at = int(player.get_by_test_id("take-marker").first.get_attribute("data-at-ms") or "0")
        assert 1900 <= marker_at <= 2600
        assert range_request(teacher, take_id) == 206
        screenshot(teacher, "recording-teacher", full_page=False)

        # The student sees the feedback on the dashboard, the marker, and bar 5 in the score.
        student.goto(f"{server.url}/")
        expect(student.get_by_test_id("take-feedback")).to_contain_text("Listen to the left hand here")
        student.goto(f"{server.url}/log/{log_id}/edit")
        student.get_by_test_id("take-marker").first.click()
        student.wait_for_function("document.querySelectorAll('g.measure.mirubato-bar-on').length === 1")
        screenshot(student, "recording-feedback")
        set_theme(server, "pupil@example.com", "dark")
        student.reload()
        student.get_by_test_id("take-marker").first.click()
        screenshot(student, "recording-feedback-dark")

        # The history's row of that log opens its recordings (a button inside the row's HTML,
        # answered by the list's one listener).
        student.goto(f"{server.url}/history")
        student.get_by_role("button", name="Recordings (1)").click()
        expect(student.get_by_test_id("take-player")).to_be_visible()

        # The share ends: the teacher's next range request is refused.
        revoke(server, pupil, share_id)
        assert range_request(teacher, take_id) == 404
    finally:
        student_context.close()
        teacher_context.close()
