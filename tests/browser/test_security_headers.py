"""Security headers in a real browser: every page works under the Content Security Policy, and what
the policy is for (a script the server did not write, a frame on another site, a socket opened by
another site's page) is refused. Cookie flags and HSTS behind https on a real server process."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from core.db import Database
from core.models import Role, User
from tests.browser.conftest import DESKTOP, Server, onboard, start_server, stop_server
from tests.processes import free_port

PAGES = ["/", "/timer", "/log/new", "/history", "/library", "/repertoire", "/progress", "/sharing", "/settings",
         "/sync", "/studio", "/admin"]  # fmt: skip
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
"""


def make_admin(server: Server, email: str) -> None:
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    with database.transaction() as session:
        session.exec(select(User).where(User.email == email)).one().role = Role.ADMIN.value
    database.dispose()


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp")


def test_every_page_works_under_the_policy_and_an_injected_script_does_not_run(browser: Browser, server):
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    onboard(page, server, "csp@example.com", name="Policy")
    make_admin(server, "csp@example.com")
    page.goto(f"{server.url}/log/new")
    page.get_by_label("Minutes").fill("12")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{server.url}/history")

    seen: dict[str, list[str]] = {}
    for path in [*PAGES, "/library"]:
        page.goto(f"{server.url}{path}")
        expect(page.locator(".mirubato-page")).to_be_visible()
        page.wait_for_timeout(300)
        if path == "/progress":
            expect(page.locator(".js-plotly-plot").first).to_be_visible()
        seen[path] = violations(page)
    page.get_by_role("link", name=re.compile(".+")).filter(has_text=re.compile("Bach|Chopin|Mozart")).first.click()
    page.wait_for_url(re.compile(r"/library/[0-9a-f-]+$"))
    page.wait_for_timeout(500)
    seen["/library/{id}"] = violations(page)
    assert {path: found for path, found in seen.items() if found} == {}

    # A script the server did not write (as stored markup would bring one) is refused, and said so.
    page.evaluate("""() => {
        window.__ran = false;
        const holder = document.createElement("div");
        holder.innerHTML = '<img src="data:," onerror="window.__ran = true">';
        document.body.append(holder);
        const inline = document.createElement("script");
        inline.textContent = "window.__ran = true";
        document.body.append(inline);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran") is False
    assert any("script-src" in v for v in violations(page))
    context.close()


def test_headers_on_pages_api_answers_and_assets(server):
    with httpx.Client(base_url=server.url, timeout=20) as client:
        page = client.get("/login")
        api = client.get("/api/sheet-music", params={"limit": 1})
        asset = client.get("/static/offline.css")
    for response in (page, api, asset):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "strict-origin"
        assert "strict-transport-security" not in response.headers  # plain http here
    for response in (page, api):
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    policy = page.headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    scripts = re.findall(r"<script\b[^>]*>", page.text)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert api.headers["content-security-policy"].startswith("default-src 'none'")
    cookie = page.headers["set-cookie"]
    assert "Max-Age=2592000" in cookie and "secure" not in cookie.lower()  # 30 days, as the README says


def test_a_page_on_another_site_cannot_open_the_websocket(server):
    """engine.io's handshake, as a browser page on each origin would send it (cross-site websocket hijacking)."""

    def handshake(origin: str) -> int:
        return httpx.get(
            f"{server.url}/_nicegui_ws/socket.io/", params={"EIO": "4", "transport": "polling"},
            headers={"Origin": origin}, timeout=10,
        ).status_code  # fmt: skip

    assert handshake(server.url) == 200
    assert handshake("https://evil.example") == 400
    assert handshake(server.url.replace("127.0.0.1", "localhost")) == 400


@pytest.fixture(scope="module")
def https_server(mail, tmp_path_factory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("https"), free_port(), mail, public_url="https://mirubato.example")
    try:
        yield running
    finally:
        stop_server(running)


def test_behind_https_the_cookie_is_secure_and_hsts_is_sent(https_server):
    with httpx.Client(base_url=https_server.url, timeout=20) as client:
        page = client.get("/login")
    assert page.headers["strict-transport-security"] == "max-age=31536000"
    cookie = page.headers["set-cookie"].lower()
    assert "secure" in cookie and "samesite=lax" in cookie and "max-age=2592000" in cookie


def test_page_events_count_against_the_same_write_limit_as_the_api(browser: Browser, mail, tmp_path):
    """Saves through the websocket are limited like REST writes (here 4 a minute, to see it happen)."""
    limited = start_server(tmp_path, free_port(), mail, MIRUBATO_RATE_WRITES_PER_USER="4")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        onboard(page, limited, "limited@example.com", name="Busy")  # the onboarding save is one write
        page.goto(f"{limited.url}/sharing")
        for _ in range(4):
            page.get_by_role("button", name="Create a link instead").click()
            page.wait_for_timeout(400)
        expect(page.get_by_text("Too many requests in a short time")).to_be_visible()
        expect(page.get_by_text("Invited, not accepted yet")).to_have_count(3)
    finally:
        context.close()
        stop_server(limited)
