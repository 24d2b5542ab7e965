"""Sharing in real browsers: a student invites a teacher by email, the teacher accepts and looks, then revoked."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import DESKTOP, onboard, screenshot
from tests.factories import earlier_today

TIMEZONE = "Europe/Vienna"

INVITE_LINK = re.compile(r"https?://\S+/share/accept\?token=\S+")


def onboarded(browser: Browser, server, email: str, name: str) -> tuple[Page, BrowserContext]:
    """A person in a browser of their own, signed in and onboarded."""
    context = browser.new_context(viewport=DESKTOP, timezone_id=TIMEZONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    onboard(page, server, email, name=name)
    return page, context


def test_invite_accept_view_and_revoke(browser: Browser, server):
    (student, student_context), (teacher, teacher_context) = (
        onboarded(browser, server, "student@example.com", "Clara"),
        onboarded(browser, server, "teacher@example.com", "Mr Wieck"),
    )

    student.goto(f"{server.url}/log/new")
    # "This week" below must not depend on the hour the test runs (the form's default start is
    # 25 minutes ago, which is last week just after midnight on a Monday)
    start = earlier_today(timedelta(minutes=25), ZoneInfo(TIMEZONE)).astimezone(ZoneInfo(TIMEZONE))
    student.get_by_label("Date").fill(start.date().isoformat())
    student.get_by_label("Start", exact=True).fill(start.strftime("%H:%M"))
    student.get_by_label("Minutes").fill("25")
    student.get_by_role("button", name="Save", exact=True).click()
    student.wait_for_url(f"{server.url}/history")

    student.goto(f"{server.url}/sharing")
    expect(student.get_by_text("Nobody can see your practice.")).to_be_visible()
    student.get_by_label("Teacher's email address").fill("teacher@example.com")
    student.get_by_role("button", name="Send invitation").click()
    expect(student.get_by_text("Invited, not accepted yet")).to_be_visible()
    screenshot(student, "sharing")

    message = next(
        m for m in reversed(server.mail.to("teacher@example.com")) if "shares their practice" in m["Subject"]
    )
    link = INVITE_LINK.search(message.get_body(("plain",)).get_content()).group(0)
    teacher.goto(link)
    expect(teacher.get_by_text("Clara would like you to see their practice")).to_be_visible()
    assert "token" not in teacher.url
    screenshot(teacher, "invitation")
    teacher.get_by_role("button", name="Accept").click()
    teacher.wait_for_url(re.compile(r"/studio/[0-9a-f-]+$"))
    expect(teacher.get_by_text("Clara's practice")).to_be_visible()
    expect(teacher.locator(".js-plotly-plot").first).to_be_visible()

    teacher.get_by_role("button", name="Assign").first.click()
    dialog = teacher.get_by_role("dialog")
    dialog.get_by_label("Piece or exercise").fill("Träumerei")
    dialog.get_by_label("Target tempo (BPM)").fill("72")
    dialog.get_by_role("button", name="Assign").click()
    expect(teacher.get_by_text("Träumerei")).to_be_visible()
    teacher.get_by_role("button", name="Comment").first.click()
    teacher.get_by_role("dialog").get_by_label("Your comment").fill("Lovely phrasing. Slower in bar 9.")
    teacher.get_by_role("dialog").get_by_role("button", name="Send").click()
    expect(teacher.get_by_text("Comment sent.")).to_be_visible()
    screenshot(teacher, "studio-student")

    student.goto(f"{server.url}/")
    expect(student.get_by_text("From your teacher")).to_be_visible()
    expect(student.get_by_text("Lovely phrasing. Slower in bar 9.")).to_be_visible()
    expect(student.get_by_text(re.compile(r"due .* · not practised yet · target 72 BPM"))).to_be_visible()
    screenshot(student, "dashboard-with-teacher")
    teacher.goto(f"{server.url}/studio")
    expect(teacher.get_by_text("This week 25 min")).to_be_visible()
    screenshot(teacher, "studio")

    student.goto(f"{server.url}/sharing")
    expect(student.get_by_text("Can see your practice since")).to_be_visible()
    student.get_by_role("button", name="Stop sharing").click()
    student.get_by_role("dialog").get_by_role("button", name="Stop sharing").click()
    expect(student.get_by_text("Nobody can see your practice.")).to_be_visible()

    teacher.goto(f"{server.url}/studio")
    expect(teacher.get_by_text("No student shares their practice with you yet.")).to_be_visible()
    teacher.goto(link)
    expect(teacher.get_by_text("already used or withdrawn")).to_be_visible()
    student_context.close()
    teacher_context.close()


def test_a_link_invitation_withdrawn_on_the_page_stops_working(browser: Browser, server):
    (student, student_context), (teacher, teacher_context) = (
        onboarded(browser, server, "withdrawing@example.com", "Robert"),
        onboarded(browser, server, "holder@example.com", "Link holder"),
    )

    student.goto(f"{server.url}/sharing")
    student.get_by_role("button", name="Create a link instead").click()
    link = student.get_by_label("Invitation link").input_value()
    expect(student.get_by_text("Invited, not accepted yet")).to_be_visible()
    student.get_by_role("button", name="Withdraw").click()
    student.get_by_role("dialog").get_by_role("button", name="Withdraw").click()
    expect(student.get_by_text("Nobody can see your practice.")).to_be_visible()
    expect(student.get_by_text("The invitation link no longer works.")).to_be_visible()

    teacher.goto(link)
    expect(teacher.get_by_text("already used or withdrawn")).to_be_visible()
    expect(teacher.get_by_role("button", name="Accept")).to_have_count(0)
    student_context.close()
    teacher_context.close()


def test_no_sign_in_or_invitation_token_reaches_the_server_log(server):
    """Runs after the flows above: every token mailed in this module, looked for in the whole log."""
    tokens = set()
    for message in server.mail.messages:
        body = message.get_body(("plain",)).get_content()
        tokens.update(re.findall(r"token=([A-Za-z0-9_.-]{10,})", body))
    assert len(tokens) >= 5  # four sign-ins and an emailed invitation
    log = (server.data_dir / "server.log").read_text()
    assert "GET /auth/verify?token=" in log or "/auth/verify" in log  # the access log is on
    leaked = [token for token in tokens if token in log]
    assert not leaked, f"{len(leaked)} tokens in the server log"
