"""Signing in with a real browser: the emailed link, the confirm page, onboarding, revocation."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.browser.conftest import screenshot, sign_in_through_email, start_server, stop_server
from tests.processes import free_port


def storage_cookie(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "session")


def test_a_new_user_signs_in_by_the_emailed_link_and_is_onboarded(page, server):
    page.goto(f"{server.url}/login")
    screenshot(page, "sign-in")
    page.get_by_label("Email address").fill("fanny@example.com")
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_text("Check your email").wait_for()
    screenshot(page, "sign-in-check-email")
    before = storage_cookie(page)

    token = server.mail.last_token("fanny@example.com")
    page.goto(f"{server.url}/auth/verify?token={token}")
    page.get_by_text("fanny@example.com").wait_for()
    assert page.url == f"{server.url}/auth/verify"  # the token left the address bar (and the history)
    screenshot(page, "sign-in-confirm")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}/welcome")
    assert storage_cookie(page) != before, "the storage cookie must be new after sign-in"
    assert "token" not in page.url

    page.get_by_label("Your name").fill("Fanny Mendelssohn")
    screenshot(page, "welcome")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url(f"{server.url}/")
    page.get_by_text("Hello, Fanny Mendelssohn").wait_for()


def test_the_same_link_does_not_work_twice(page, server):
    sign_in_through_email(page, server, "twice@example.com")
    token = server.mail.last_token("twice@example.com")
    page.goto(f"{server.url}/auth/verify?token={token}")
    page.get_by_text("invalid, has expired or was already used").wait_for()


def test_signing_out_everywhere_ends_the_browser_session_on_its_next_load(page, server):
    sign_in_through_email(page, server, "everywhere@example.com")
    page.goto(f"{server.url}/welcome")
    page.get_by_label("Your name").fill("Clara")
    page.get_by_role("button", name="Start practising").click()
    page.get_by_text("Hello, Clara").wait_for()

    api = httpx.Client(base_url=server.url)
    api.post("/api/auth/login", json={"email": "everywhere@example.com"})
    tokens = api.post("/api/auth/verify", json={"token": server.mail.last_token("everywhere@example.com")}).json()
    revoked = api.post(
        "/api/auth/logout", json={"everywhere": True}, headers={"Authorization": f"Bearer {tokens['accessToken']}"}
    )
    assert revoked.status_code == 204
    page.reload()
    page.wait_for_url(f"{server.url}/login")


def test_signing_out_in_the_browser_returns_to_the_sign_in_page(page, server):
    sign_in_through_email(page, server, "leaver@example.com")
    page.get_by_label("Your name").fill("Leaver")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url(f"{server.url}/")
    page.get_by_role("button", name="Account menu").click()
    page.get_by_text("Sign out", exact=True).click()
    page.wait_for_url(f"{server.url}/login")
    page.goto(f"{server.url}/")
    page.wait_for_url(f"{server.url}/login")


def test_a_sign_in_form_posted_from_another_site_is_refused(server):
    httpx.post(f"{server.url}/api/auth/login", json={"email": "csrf@example.com"})
    token = server.mail.last_token("csrf@example.com")
    forged = httpx.post(f"{server.url}/auth/verify", data={"token": token}, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 303 and forged.headers["location"].endswith("problem=origin")
    assert httpx.post(f"{server.url}/api/auth/verify", json={"token": token}).status_code == 200


def test_fifty_concurrent_redemptions_against_the_server_give_one_success(server):
    httpx.post(f"{server.url}/api/auth/login", json={"email": "race@example.com"})
    token = server.mail.last_token("race@example.com")

    def redeem(_: int) -> int:
        return httpx.post(f"{server.url}/api/auth/verify", json={"token": token}, timeout=30).status_code

    with ThreadPoolExecutor(50) as pool:
        statuses = list(pool.map(redeem, range(50)))
    print(
        f"50 concurrent HTTP redemptions: {statuses.count(200)} x 200, {statuses.count(401)} x 401, "
        f"others {[s for s in statuses if s not in (200, 401)]}"
    )
    assert statuses.count(200) == 1 and statuses.count(401) == 49


def test_api_clients_and_health_checks_get_no_browser_session(server):
    """Cookie-less requests to the API leave nothing behind (NiceGUI alone gives each a new browser storage)."""
    for path in ("/api/health", "/metrics", "/api/sheet-music"):
        response = httpx.get(f"{server.url}{path}")
        assert response.status_code == 200 and "set-cookie" not in response.headers, path
    assert "session=" in httpx.get(f"{server.url}/login").headers.get("set-cookie", "")  # a page still gets one


def test_with_its_redis_down_a_browser_sign_in_is_refused_clearly_and_the_link_kept(mail, tmp_path):
    """A sign-in kept only in one process's memory would end at the next restart or on another process."""
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    server = start_server(tmp_path, free_port(), mail, NICEGUI_REDIS_URL=dead_redis)
    try:
        with httpx.Client(base_url=server.url, timeout=20) as browser:
            browser.post("/api/auth/login", json={"email": "redisless@example.com"})
            token = server.mail.last_token("redisless@example.com")
            browser.get(f"/auth/verify?token={token}")
            answer = browser.post("/auth/verify", data={"token": token}, headers={"Origin": server.url})
            assert answer.status_code == 303 and answer.headers["location"] == "/login?problem=storage"
            page = browser.get("/login?problem=storage")
            assert "cannot keep sign-ins at the moment" in page.text
        # The link was not used up: an API client (no browser storage needed) can still redeem it.
        assert httpx.post(f"{server.url}/api/auth/verify", json={"token": token}).status_code == 200
    finally:
        stop_server(server)
