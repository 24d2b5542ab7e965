"""axe-core (from the npm registry, tests/a11y) over every page, for a musician, a teacher and an admin:
no serious or critical violation of WCAG 2.2 A/AA rules, in the light theme on a desktop and the dark
theme on a 390 px phone. Plus keyboard checks: every page's first Tab lands on the skip link, and a
focused control shows a visible outline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from sqlmodel import select

from core.db import Database
from core.models import Role, SheetMusic, User
from core.security import SignedLinks
from services import practice_logs, sharing, users
from services.actor import Actor
from services.rate_limits import RateLimiter
from services.sharing import InviteLinks
from tests.browser.conftest import DESKTOP, PHONE, Server, onboard
from tests.factories import log_body

AXE = Path(__file__).resolve().parents[1] / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = f"""async () => {{
  const result = await axe.run(document, {{runOnly: {{type: "tag", values: {json.dumps(TAGS)}}},
                                           resultTypes: ["violations"]}});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({{
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").slice(0, 160))}}));
}}"""
EMAILS = {role: f"axe-{role}@example.com" for role in ("musician", "teacher", "admin")}
MUSICIAN_PAGES = ["/", "/timer", "/plans", "/tools", "/log/new", "/history", "/library", "/library/{piece}",
                  "/repertoire", "/progress", "/sharing", "/settings", "/sync", "/log/{log}/edit"]  # fmt: skip
TEACHER_PAGES = ["/", "/studio", "/studio/{musician}"]
ADMIN_PAGES = ["/admin"]

pytestmark = pytest.mark.skipif(not AXE.exists(), reason="run scripts/test: it installs axe-core into tests/a11y")


def _prepare(server: Server) -> dict[str, str]:
    """Roles, a log, a share from the musician to the teacher, through the services."""
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    links = InviteLinks(SignedLinks("a" * 40, purpose="share-invite"), base_url=server.url)
    with database.transaction() as session:
        people = {role: session.exec(select(User).where(User.email == email)).one() for role, email in EMAILS.items()}
        people["teacher"].role = Role.TEACHER.value
        people["admin"].role = Role.ADMIN.value
        musician = Actor(id=people["musician"].id)
        log = practice_logs.log_practice(session, actor=musician, data=log_body()).log
        token = sharing.invite_teacher(session, actor=musician, data={}, links=links, limiter=RateLimiter())
        sharing.accept_invite(
            session, actor=Actor(id=people["teacher"].id), data={"token": token.link.split("=")[1]}, links=links
        )
        piece = session.exec(select(SheetMusic.id)).first()
    database.dispose()
    return {"log": str(log.id), "musician": str(people["musician"].id), "piece": str(piece)}


def _set_theme(server: Server, theme: str) -> None:
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    with database.transaction() as session:
        for user in session.exec(select(User).where(User.email.in_(list(EMAILS.values())))):  # type: ignore[attr-defined]
            users.update_preferences(session, actor=Actor(id=user.id), data={"theme": theme})
    database.dispose()


def _violations(page: Page, url: str) -> list[dict[str, object]]:
    page.goto(url)
    page.locator("main h1").wait_for()
    page.wait_for_timeout(300)  # charts and lazy parts settle
    return _run_axe(page)


def _run_axe(page: Page) -> list[dict[str, object]]:
    # Evaluated through the DevTools protocol: the page's Content Security Policy (nonces) stays on.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;0")
    return list(page.evaluate(RUN_AXE))


@pytest.fixture(scope="module")
def signed_in_pages(browser: Browser, server: Server):
    pages: dict[str, Page] = {}
    for role, email in EMAILS.items():
        context = browser.new_context(viewport=DESKTOP)
        context.set_default_timeout(15_000)
        pages[role] = context.new_page()
        onboard(pages[role], server, email, name=role.title())
    ids = _prepare(server)
    yield pages, ids
    for page in pages.values():
        page.context.close()


def test_every_page_for_every_role_has_no_serious_accessibility_violation(signed_in_pages, server: Server):
    pages, ids = signed_in_pages
    found: dict[str, list[dict[str, object]]] = {}
    for theme, viewport in (("light", DESKTOP), ("dark", PHONE)):
        _set_theme(server, theme)
        for role, paths in (("musician", MUSICIAN_PAGES), ("teacher", TEACHER_PAGES), ("admin", ADMIN_PAGES)):
            page = pages[role]
            page.set_viewport_size(viewport)
            for path in paths:
                url = server.url + path.format(**ids)
                violations = _violations(page, url)
                if violations:
                    found[f"{role} {theme} {viewport['width']}px {path}"] = violations
    assert found == {}, json.dumps(found, indent=1)[:6000]


def test_the_sign_in_page_has_no_serious_accessibility_violation(browser: Browser, server: Server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.get_by_label("Email address").wait_for()
    page.wait_for_timeout(300)
    assert _run_axe(page) == []
    context.close()


def test_the_keyboard_reaches_the_page_first_and_shows_where_it_is(signed_in_pages, server: Server):
    pages, _ids = signed_in_pages
    page = pages["musician"]
    page.set_viewport_size(DESKTOP)
    page.goto(f"{server.url}/history")
    page.locator("main h1").wait_for()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
                   return {mark: e.className, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                           left: e.getBoundingClientRect().left}; }"""
    )
    assert "mirubato-skip" in focused["mark"]
    assert focused["outline"] == "solid" and focused["width"] >= 2
    assert focused["left"] >= 0  # on screen while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the page, not back in the header
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
