"""Signing in with an account elsewhere in a real browser: Chromium, a `mirubato serve` process and a
real OpenID provider (panva's oidc-provider, tests/oidc) on loopback, through its own pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import Server, screenshot, start_server, stop_server
from tests.oidc_provider import RunningProvider, providers_json, running_provider
from tests.processes import free_port


@pytest.fixture(scope="module")
def oidc_site(mail, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, RunningProvider]]:
    port = free_port()
    folder = tmp_path_factory.mktemp("oidc-server")
    with running_provider([f"http://127.0.0.1:{port}/auth/oidc/test/callback"], folder) as provider:
        server = start_server(
            folder, port, mail, MIRUBATO_OIDC_PROVIDERS=providers_json(provider.setting("test", "Test ID"))
        )
        try:
            yield server, provider
        finally:
            stop_server(server)


def cookies(page) -> dict[str, str]:
    return {c["name"]: c["value"] for c in page.context.cookies()}


def test_signing_in_through_the_providers_own_pages(page, oidc_site):
    server, provider = oidc_site
    # What "Sign in with Test ID" on the sign-in page links to.
    page.goto(f"{server.url}/auth/oidc/test/start")
    page.wait_for_url(f"{provider.issuer}/interaction/**")
    before = cookies(page)["session"]

    # Cancelled at the provider: back on our sign-in card, told so, with a 403.
    with page.expect_response(lambda r: "/auth/oidc/refused" in r.url) as refusal:
        page.get_by_text("[ Cancel ]").click()
    assert refusal.value.status == 403
    page.get_by_text("Signing in with Test ID was cancelled or refused.").wait_for()
    assert "code=" not in page.url and "state=" not in page.url
    screenshot(page, "oidc-cancelled")

    # Again, from the card's own button, and through: sign in and consent at the provider.
    page.get_by_role("link", name="Sign in with Test ID").click()
    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.locator("input[name=login]").fill("johannes@example.com")
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{server.url}/welcome")
    after = cookies(page)
    assert after["session"] != before, "the storage cookie must be new after sign-in"
    assert not [name for name in after if name.startswith("mirubato_oidc_")], "the flow cookie is gone"

    page.get_by_label("Your name").fill("Johannes Brahms")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url(f"{server.url}/")
    page.get_by_text("Hello, Johannes Brahms").wait_for()

    # A fresh browser (the provider's cookies go too): the same account opens on the dashboard.
    page.context.clear_cookies()
    page.goto(f"{server.url}/auth/oidc/test/start")
    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.locator("input[name=login]").fill("johannes@example.com")
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{server.url}/")
    page.get_by_text("Hello, Johannes Brahms").wait_for()
