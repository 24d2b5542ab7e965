"""Signing in with an existing account elsewhere, over HTTP against a real OpenID provider.

The app runs in this process (NiceGUI's simulated browser: its pages, storage and cookies, no
Chromium); the provider is panva's certified ``oidc-provider`` on loopback (tests/oidc), whose
sign-in and consent pages the test fills in over HTTP. Every refusal must end on the refusal page
with its message and a 4xx status, with no account, identity or session made.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import anyio
import httpx
import pytest
from nicegui import core, ui
from nicegui.testing import User
from sqlmodel import func, select

from components.browser_sign_in import signed_in
from components.linked_accounts import linked_accounts
from components.oidc_buttons import render as render_buttons
from core.db import Database
from core.models import AuditEvent, AuthSession, Role, UserIdentity
from core.models import User as UserRow
from core.settings import Settings
from services import auth, oidc
from services.rate_limits import Limits, RateLimiter
from tests.factories import new_user
from tests.github_standin import GitHubAccount, StandIn, github_settings, running_github
from tests.oidc_provider import RunningProvider, providers_json, running_provider, sign_in_at_provider
from tests.processes import free_port
from tests.simulated_app import SITE, simulated_app

CALLBACK = f"{SITE}/auth/oidc/"
NAMES = ("test", "userinfo", "rogue")
DOWN = f"http://127.0.0.1:{free_port()}"  # nothing listens there


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    uris = [f"{CALLBACK}{name}/callback" for name in NAMES]
    with running_provider(uris, tmp_path_factory.mktemp("oidc")) as running:
        yield running


@pytest.fixture(scope="module")
def userinfo_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    """One that keeps the address out of the id_token: it is at its userinfo endpoint."""
    uris = [f"{CALLBACK}{name}/callback" for name in NAMES]
    with running_provider(uris, tmp_path_factory.mktemp("oidc"), claims_in_userinfo=True) as running:
        yield running


@pytest.fixture(scope="module")
def rogue_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    """One that signs its id_tokens with a key other than the one it publishes (same key id)."""
    uris = [f"{CALLBACK}{name}/callback" for name in NAMES]
    with running_provider(uris, tmp_path_factory.mktemp("oidc"), publish_other_key=True) as running:
        yield running


@pytest.fixture
def github(github_server: StandIn) -> Iterator[StandIn]:
    """The stand-in with its accounts as they began: a test may change an account's addresses."""
    accounts = copy.deepcopy(github_server.accounts)
    yield github_server
    github_server.accounts.clear()
    github_server.accounts.update(accounts)


@pytest.fixture(scope="module")
def github_server() -> Iterator[StandIn]:
    accounts = [
        GitHubAccount(
            id=583231,
            login="octo",
            emails=[
                {"email": "octo-old@example.com", "primary": False, "verified": True, "visibility": None},
                {"email": "Octo@Example.com", "primary": True, "verified": True, "visibility": "public"},
            ],
        ),
        GitHubAccount(
            id=42,
            login="hidden",
            emails=[
                {"email": "hidden@example.com", "primary": True, "verified": False, "visibility": "private"},
                {"email": "hidden-too@example.com", "primary": False, "verified": True, "visibility": None},
            ],
        ),
    ]
    with running_github(accounts) as stand_in:
        yield stand_in


@dataclass
class Site:
    user: User
    http: httpx.AsyncClient
    db: Database


@pytest.fixture
async def site(
    db: Database,
    tmp_path: Path,
    provider: RunningProvider,
    userinfo_provider: RunningProvider,
    rogue_provider: RunningProvider,
    github: StandIn,
) -> AsyncIterator[Site]:
    providers = providers_json(
        provider.setting("test", "Test ID"),
        userinfo_provider.setting("userinfo", "Userinfo ID"),
        rogue_provider.setting("rogue", "Rogue ID"),
        {"name": "down", "label": "Down ID", "issuer": DOWN, "client_id": "c", "client_secret": "s"},
    )
    async for running in _site(db, tmp_path, providers, **github_settings(github)):
        yield running


async def _site(db: Database, tmp_path: Path, providers: str, **more: str) -> AsyncIterator[Site]:
    settings = Settings(
        data_dir=tmp_path,
        base_url=SITE,
        environment="test",
        seed_on_start=False,
        oidc_providers=providers,  # type: ignore[arg-type]  # as the environment gives it: JSON text
        rate_verify_per_ip=1000,
        **more,  # type: ignore[arg-type]  # settings by name, as the environment gives them
    )
    async with simulated_app(settings, db, tmp_path) as client:
        yield Site(user=User(client), http=client, db=db)


async def leave_for_provider(site: Site, name: str = "test", **query: str) -> str:
    answer = await site.http.get(f"/auth/oidc/{name}/start", params=query)
    assert answer.status_code == 303, answer.text[:300]
    location = answer.headers["location"]
    assert "state=" in location and "code_challenge=" in location and "code_challenge_method=S256" in location
    return location


async def at_provider(authorize_url: str, login: str, **kwargs: bool) -> str:
    return await anyio.to_thread.run_sync(
        lambda: sign_in_at_provider(authorize_url, login, redirect_prefix=CALLBACK, **kwargs)
    )


async def come_back(site: Site, callback_url: str) -> httpx.Response:
    parts = urlsplit(callback_url)
    return await site.http.get(urlunsplit(("", "", parts.path, parts.query, "")))


async def refused(site: Site, answer: httpx.Response, reason: oidc.Reason, label: str = "Test ID") -> httpx.Response:
    """The answer sent the browser to the refusal page, which says why, in a 4xx status."""
    assert answer.status_code == 303, answer.text[:300]
    location = answer.headers["location"]
    assert location.startswith("/auth/oidc/refused?"), location
    assert parse_qs(urlsplit(location).query)["reason"] == [reason.value]
    assert "code=" not in location and "state=" not in location
    page = await site.http.get(location)
    assert page.status_code == oidc.STATUS[reason]
    assert 400 <= page.status_code < 500 or reason == oidc.Reason.UNREACHABLE
    assert shows(page, oidc.refusal_message(reason, label)), page.text[-3000:]
    return page


def shows(page: httpx.Response, text: str) -> bool:
    """The page's elements hold ``text`` (NiceGUI writes them into the page as JSON)."""
    return json.dumps(text)[1:-1] in page.text


def counts(db: Database) -> tuple[int, int, int]:
    with db.transaction(write=False) as session:
        return (
            session.exec(select(func.count()).select_from(UserRow)).one(),
            session.exec(select(func.count()).select_from(UserIdentity)).one(),
            session.exec(select(func.count()).select_from(AuthSession)).one(),
        )


def flow_cookies(site: Site) -> list[str]:
    return [cookie.name for cookie in site.http.cookies.jar if cookie.name.startswith(oidc.COOKIE_PREFIX)]


async def test_a_new_account_is_made_for_a_verified_address_and_the_browser_is_signed_in(site):
    authorize = await leave_for_provider(site)
    assert flow_cookies(site), "the flow is kept in a cookie"
    back = await come_back(site, await at_provider(authorize, "clara@example.com"))
    assert back.status_code == 303, back.text[:300]
    assert back.headers["location"] == "/welcome"
    assert not flow_cookies(site), "the flow cookie is gone once used"
    with site.db.transaction(write=False) as session:
        user = session.exec(select(UserRow).where(UserRow.email == "clara@example.com")).one()
        identity = session.exec(select(UserIdentity).where(UserIdentity.user_id == user.id)).one()
        assert (identity.provider, identity.subject, identity.email) == ("test", "clara@example.com", user.email)
        auth = session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).one()
        assert auth.kind == "browser" and auth.browser_id
    await site.user.open("/welcome")
    await site.user.should_see("Your name")


async def sign_in_by_email(site: Site, email: str) -> None:
    """The emailed link's confirm button, as a person presses it (see tests/pages/conftest.py)."""
    limiter = RateLimiter(Limits(1000, 1000, 1000, 1000, 1000, 1000, 1000))
    with site.db.transaction() as session:
        link = auth.request_sign_in(
            session, data={"email": email}, ip="10.0.0.1", limiter=limiter, config=core.app.state.auth_config
        )
    token = link.link.split("token=", 1)[1]
    answer = await site.http.post("/auth/verify", data={"token": token}, headers={"Origin": SITE})
    assert answer.status_code == 303, answer.text[:300]


def identities_of(db: Database, email: str) -> list[tuple[str, str]]:
    with db.transaction(write=False) as session:
        user = session.exec(select(UserRow).where(UserRow.email == email)).one()
        rows = session.exec(select(UserIdentity).where(UserIdentity.user_id == user.id)).all()
        return [(row.provider, row.subject) for row in rows]


def sessions_of(db: Database, email: str) -> int:
    with db.transaction(write=False) as session:
        user = session.exec(select(UserRow).where(UserRow.email == email)).one()
        return len(session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all())


async def test_the_flow_cookie_is_signed_http_only_lax_short_lived_and_only_for_the_flow(site):
    answer = await site.http.get("/auth/oidc/test/start")
    cookie = next(v for k, v in answer.headers.multi_items() if k == "set-cookie" and oidc.COOKIE_PREFIX in v)
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "path", "max-age", "samesite"} <= attributes
    assert "Path=/auth/oidc/" in cookie and "Max-Age=600" in cookie and "SameSite=lax" in cookie
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["response_type"] == ["code"] and query["client_id"] == ["mirubato"]
    assert query["redirect_uri"] == [f"{SITE}/auth/oidc/test/callback"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    assert query["nonce"] and query["state"] and query["code_challenge_method"] == ["S256"]
    # The verifier stays with the browser (in the signed cookie); only its hash goes to the provider.
    assert "code_verifier" not in query


async def test_an_existing_account_with_the_verified_address_gets_the_identity_and_is_signed_in(site):
    fanny = new_user(site.db, email="fanny@example.com", display_name="Fanny")
    before = counts(site.db)
    back = await come_back(site, await at_provider(await leave_for_provider(site), "fanny@example.com"))
    assert back.headers["location"] == "/"  # onboarded already
    assert identities_of(site.db, "fanny@example.com") == [("test", "fanny@example.com")]
    assert counts(site.db) == (before[0], before[1] + 1, before[2] + 1)
    with site.db.transaction(write=False) as session:
        signed = session.exec(select(AuthSession).where(AuthSession.user_id == fanny.id)).one()
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "identity_linked")).one()
        assert event.subject_id == fanny.id and event.details == {"provider": "test", "by": "verified email"}
        assert signed.revoked_at is None
    await site.user.open("/")
    await site.user.should_see("Fanny")


async def test_the_linked_identity_signs_in_again_without_a_new_account(site):
    for _ in range(2):
        site.http.cookies.clear()
        back = await come_back(site, await at_provider(await leave_for_provider(site), "gustav@example.com"))
        assert back.status_code == 303 and back.headers["location"] == "/welcome"
    assert identities_of(site.db, "gustav@example.com") == [("test", "gustav@example.com")]
    assert sessions_of(site.db, "gustav@example.com") == 2


async def test_a_provider_that_keeps_the_address_for_userinfo_signs_in_too(site):
    back = await come_back(site, await at_provider(await leave_for_provider(site, "userinfo"), "ines@example.com"))
    assert back.status_code == 303 and back.headers["location"] == "/welcome", back.headers
    assert identities_of(site.db, "ines@example.com") == [("userinfo", "ines@example.com")]


async def test_a_forged_state_is_refused_before_the_code_is_used(site):
    callback = await at_provider(await leave_for_provider(site), "hanna@example.com")
    parts = urlsplit(callback)
    query = parse_qs(parts.query) | {"state": ["forged-" + "x" * 40]}
    forged = urlunsplit(("", "", parts.path, urlencode(query, doseq=True), ""))
    before = counts(site.db)
    await refused(site, await site.http.get(forged), oidc.Reason.STATE)
    assert counts(site.db) == before
    # The genuine answer still works afterwards: the forged one did not use up the code.
    assert (await come_back(site, callback)).headers["location"] == "/welcome"


async def test_an_answer_arriving_in_another_browser_is_refused(site):
    callback = await at_provider(await leave_for_provider(site), "otto@example.com")
    site.http.cookies.clear()  # a browser that never started this sign-in
    before = counts(site.db)
    await refused(site, await come_back(site, callback), oidc.Reason.STATE)
    assert counts(site.db) == before


async def test_a_replayed_code_is_refused(site):
    authorize = await leave_for_provider(site)
    flow_cookie = next(c for c in site.http.cookies.jar if c.name.startswith(oidc.COOKIE_PREFIX))
    callback = await at_provider(authorize, "ravel@example.com")
    assert (await come_back(site, callback)).headers["location"] == "/welcome"
    after_first = counts(site.db)
    # The same answer again: its flow cookie is gone ...
    await refused(site, await come_back(site, callback), oidc.Reason.STATE)
    # ... and with a copy of that cookie, the provider refuses the code a second time.
    site.http.cookies.jar.set_cookie(flow_cookie)
    await refused(site, await come_back(site, callback), oidc.Reason.CODE)
    assert counts(site.db) == after_first
    assert sessions_of(site.db, "ravel@example.com") == 1


async def test_an_id_token_with_another_nonce_is_refused(site):
    authorize = await leave_for_provider(site)
    parts = urlsplit(authorize)
    query = parse_qs(parts.query) | {"nonce": ["a-nonce-this-browser-never-had"]}
    tampered = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, doseq=True), ""))
    before = counts(site.db)
    callback = await at_provider(tampered, "nina@example.com")
    await refused(site, await come_back(site, callback), oidc.Reason.TOKEN)
    assert counts(site.db) == before


async def test_an_id_token_signed_by_a_key_the_provider_does_not_publish_is_refused(site):
    before = counts(site.db)
    callback = await at_provider(await leave_for_provider(site, "rogue"), "mallory@example.com")
    await refused(site, await come_back(site, callback), oidc.Reason.TOKEN, label="Rogue ID")
    assert counts(site.db) == before


async def test_an_unverified_address_never_makes_or_finds_an_account(site):
    new_user(site.db, email="unverified-vera@example.com", display_name="Vera")
    before = counts(site.db)
    for login in ("unverified-ursula@example.com", "unverified-vera@example.com"):
        site.http.cookies.clear()
        callback = await at_provider(await leave_for_provider(site), login)
        await refused(site, await come_back(site, callback), oidc.Reason.UNVERIFIED)
    assert counts(site.db) == before


async def test_cancelling_at_the_provider_is_refused_with_access_denied(site):
    before = counts(site.db)
    callback = await at_provider(await leave_for_provider(site), "any", abort=True)
    assert parse_qs(urlsplit(callback).query)["error"] == ["access_denied"]
    await refused(site, await come_back(site, callback), oidc.Reason.DENIED)
    assert counts(site.db) == before


async def test_a_deactivated_account_is_not_signed_in(site):
    new_user(site.db, email="ida@example.com", is_active=False)
    before = counts(site.db)
    callback = await at_provider(await leave_for_provider(site), "ida@example.com")
    await refused(site, await come_back(site, callback), oidc.Reason.DEACTIVATED)
    assert counts(site.db) == before


async def test_an_unknown_provider_is_404(site):
    await refused(site, await site.http.get("/auth/oidc/nope/start"), oidc.Reason.UNKNOWN, label="")
    await refused(site, await site.http.get("/auth/oidc/nope/callback?code=x&state=y"), oidc.Reason.UNKNOWN)


async def test_a_signed_in_musician_links_an_account_with_another_address_and_signs_in_with_it(site):
    await sign_in_by_email(site, "robert@example.com")
    callback = await at_provider(await leave_for_provider(site, intent="link"), "schumann@example.org")
    back = await come_back(site, callback)
    assert back.status_code == 303 and back.headers["location"] == "/settings"
    assert identities_of(site.db, "robert@example.com") == [("test", "schumann@example.org")]
    with site.db.transaction(write=False) as session:
        assert session.exec(select(UserRow).where(UserRow.email == "schumann@example.org")).first() is None
    # Later, in another browser: the identity signs in the account it is linked to.
    site.http.cookies.clear()
    again = await come_back(site, await at_provider(await leave_for_provider(site), "schumann@example.org"))
    assert again.headers["location"] == "/welcome"
    assert sessions_of(site.db, "robert@example.com") == 2


@pytest.mark.parametrize("role", [Role.MUSICIAN, Role.TEACHER, Role.ADMIN])
async def test_whoever_is_signed_in_links_to_their_own_account_only(site, role):
    await sign_in_by_email(site, "someone@example.com")
    with site.db.transaction() as session:
        session.exec(select(UserRow).where(UserRow.email == "someone@example.com")).one().role = role.value
    back = await come_back(site, await at_provider(await leave_for_provider(site, intent="link"), "me@example.org"))
    assert back.headers["location"] == "/settings"
    assert identities_of(site.db, "someone@example.com") == [("test", "me@example.org")]
    assert counts(site.db)[0] == 1


async def test_a_provider_that_cannot_be_reached_is_a_503_on_the_sign_in_card(site):
    answer = await site.http.get("/auth/oidc/down/start")
    await refused(site, answer, oidc.Reason.UNREACHABLE, label="Down ID")
    assert not flow_cookies(site)


async def test_linking_needs_a_signed_in_browser(site):
    answer = await site.http.get("/auth/oidc/test/start", params={"intent": "link"})
    page = await refused(site, answer, oidc.Reason.SIGNED_OUT)
    assert shows(page, "Back to Settings")
    assert not flow_cookies(site)


async def test_an_identity_linked_to_another_account_is_not_linked_again(site):
    await come_back(site, await at_provider(await leave_for_provider(site), "dora@example.com"))
    site.http.cookies.clear()
    await sign_in_by_email(site, "emil@example.com")
    callback = await at_provider(await leave_for_provider(site, intent="link"), "dora@example.com")
    await refused(site, await come_back(site, callback), oidc.Reason.TAKEN)
    assert identities_of(site.db, "emil@example.com") == []
    assert identities_of(site.db, "dora@example.com") == [("test", "dora@example.com")]


async def test_a_link_finished_after_signing_out_is_refused(site):
    await sign_in_by_email(site, "lotte@example.com")
    authorize = await leave_for_provider(site, intent="link")
    with site.db.transaction() as session:
        for row in session.exec(select(AuthSession)).all():
            row.revoked_at = row.created_at  # signed out everywhere meanwhile
    callback = await at_provider(authorize, "lotte-elsewhere@example.org")
    await refused(site, await come_back(site, callback), oidc.Reason.SIGNED_OUT)
    assert identities_of(site.db, "lotte@example.com") == []


async def test_the_settings_section_lists_links_and_unlinks(site):
    @ui.page("/test-linked-accounts")
    async def section() -> None:
        assert await signed_in() is not None
        await linked_accounts()

    await sign_in_by_email(site, "amy@example.com")
    await site.user.open("/test-linked-accounts")
    await site.user.should_see("No account is linked yet.")
    await site.user.should_see("Link Test ID")
    back = await come_back(site, await at_provider(await leave_for_provider(site, intent="link"), "amy@example.org"))
    assert back.headers["location"] == "/settings"
    await site.user.open("/test-linked-accounts")
    await site.user.should_see("Test ID is linked: you can sign in with it now.")
    await site.user.should_see("amy@example.org")
    site.user.find(marker="unlink-test").click()
    await site.user.should_see("Test ID is no longer linked. Email links still sign you in.")
    await site.user.should_see("No account is linked yet.")
    assert identities_of(site.db, "amy@example.com") == []


async def test_the_sign_in_buttons_lead_to_each_provider(site):
    @ui.page("/test-sign-in-buttons")
    def buttons() -> None:
        render_buttons()

    await site.user.open("/test-sign-in-buttons")
    for name, label in (("test", "Test ID"), ("userinfo", "Userinfo ID"), ("rogue", "Rogue ID"), ("github", "GitHub")):
        button = site.user.find(marker=f"oidc-sign-in-{name}").elements.pop()
        assert button.props["label"] == f"Sign in with {label}"
        assert button.props["href"] == f"/auth/oidc/{name}/start"


async def github_returns(site: Site, github: StandIn, login: str) -> str:
    github.signing_in_as = login
    authorize = await leave_for_provider(site, "github")
    query = parse_qs(urlsplit(authorize).query)
    assert query["scope"] == ["read:user user:email"] and "nonce" not in query
    answer = await anyio.to_thread.run_sync(lambda: httpx.get(authorize, follow_redirects=False))
    assert answer.status_code == 302
    return answer.headers["location"]


async def test_github_signs_in_with_the_primary_verified_address(site, github):
    back = await come_back(site, await github_returns(site, github, "octo"))
    assert back.status_code == 303 and back.headers["location"] == "/welcome", back.headers
    assert identities_of(site.db, "octo@example.com") == [("github", "583231")]
    sent = github.token_requests[-1]
    assert sent["client_secret"] == "github-client-secret" and len(sent["code_verifier"]) >= 43
    # The same GitHub account signs in to the same Mirubato account, whatever its address becomes.
    site.http.cookies.clear()
    github.accounts["octo"].emails[1]["email"] = "octo-new@example.com"
    again = await come_back(site, await github_returns(site, github, "octo"))
    assert again.headers["location"] == "/welcome"
    assert sessions_of(site.db, "octo@example.com") == 2
    with site.db.transaction(write=False) as session:
        assert session.exec(select(UserRow).where(UserRow.email == "octo-new@example.com")).first() is None


async def test_github_without_a_verified_primary_address_is_refused(site, github):
    before = counts(site.db)
    callback = await github_returns(site, github, "hidden")
    await refused(site, await come_back(site, callback), oidc.Reason.UNVERIFIED, label="GitHub")
    assert counts(site.db) == before


async def test_a_github_code_used_twice_is_refused(site, github):
    authorize_back = await github_returns(site, github, "octo")
    flow_cookie = next(c for c in site.http.cookies.jar if c.name.startswith(oidc.COOKIE_PREFIX))
    assert (await come_back(site, authorize_back)).status_code == 303
    before = counts(site.db)
    site.http.cookies.jar.set_cookie(flow_cookie)
    await refused(site, await come_back(site, authorize_back), oidc.Reason.CODE, label="GitHub")
    assert counts(site.db) == before
