"""Page logic in NiceGUI's simulated browser: the sign-in gate, onboarding's field errors, the admin
panel's refusal, a log changed elsewhere refreshing the dashboard (core.effects)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from nicegui.testing import User
from sqlmodel import select

from components import browser_sign_in
from core.db import Database
from core.models import AuthSession
from core.models import User as UserRow
from services import practice_logs, users
from services.actor import Actor
from services.auth_sessions import TOUCH_EVERY
from tests.pages.conftest import SignIn
from web.events import logs_changed


async def test_a_signed_out_browser_goes_to_the_sign_in_page_from_every_signed_in_page(user: User):
    for path in ["/", "/history", "/library", "/progress", "/settings", "/admin", "/timer", "/tools", "/welcome"]:
        await user.open(path)
        await user.should_see("Email me a sign-in link")


async def test_a_new_account_is_asked_for_a_name_and_the_field_says_what_is_wrong(user: User, sign_in: SignIn):
    await sign_in(user, "new-pianist@example.com")
    await user.open("/")
    await user.should_see("Welcome to Mirubato")
    user.find("Time zone").clear().type("Mars/Olympus")
    user.find("Your name").type("Clara")
    user.find("Start practising").click()
    await user.should_see("time zone")  # named beside the field, nothing saved
    user.find("Time zone").clear().type("Europe/Vienna")
    user.find("Start practising").click()
    await user.should_see("Hello, Clara", retries=30)  # a new page's first build: up to 3 s on a busy machine


async def test_the_admin_page_refuses_a_musician_and_says_why(user: User, sign_in: SignIn):
    await sign_in(user, "not-an-admin@example.com")
    await user.open("/admin")
    await user.should_see(marker="admin-forbidden")
    await user.should_not_see("Audit log")


async def test_a_log_saved_elsewhere_refreshes_the_open_dashboard(user: User, sign_in: SignIn, db: Database):
    await sign_in(user, "two-devices@example.com")
    with db.transaction() as session:
        account = session.exec(select(UserRow).where(UserRow.email == "two-devices@example.com")).one()
        actor = Actor(id=account.id, timezone=account.timezone)
        users.update_profile(session, actor=actor, data={"displayName": "Two"})
    await user.open("/")
    await user.should_see("Nothing logged yet")
    with db.transaction() as session:  # another device, the REST API, a command: the same effect
        practice_logs.log_practice(session, actor=actor, data={"activityType": "scales", "durationSeconds": 600})
    await user.should_see("Scales")  # the page refreshed itself; nothing was clicked


async def test_a_page_without_its_socket_is_refreshed_when_it_connects_not_on_each_save(
    user: User, sign_in: SignIn, db: Database
):
    """A page nobody can see (socket dropped, or fetched and never connected) is not rebuilt on
    every save; it catches up once, when its socket comes (components/refresh.py)."""
    await sign_in(user, "asleep@example.com")
    with db.transaction() as session:
        account = session.exec(select(UserRow).where(UserRow.email == "asleep@example.com")).one()
        actor = Actor(id=account.id, timezone=account.timezone)
        users.update_profile(session, actor=actor, data={"displayName": "Asleep"})
    page = await user.open("/")
    await user.should_see("Nothing logged yet")
    [(socket_id, document_id)] = page._socket_to_document_id.items()
    page.handle_disconnect(socket_id)  # the phone went to sleep
    assert not page.has_socket_connection
    with db.transaction() as session:
        practice_logs.log_practice(session, actor=actor, data={"activityType": "scales", "durationSeconds": 600})
    await asyncio.sleep(0.3)  # time enough for a refresh, had one been started
    await user.should_see("Nothing logged yet")
    await page.handle_handshake(socket_id, user.tab_id, None, document_id, None)  # it wakes up
    await user.should_see("Scales")


async def test_a_save_reaches_only_its_own_musicians_pages(user: User, sign_in: SignIn, db: Database):
    await sign_in(user, "mine@example.com")
    with db.transaction() as session:
        account = session.exec(select(UserRow).where(UserRow.email == "mine@example.com")).one()
        users.update_profile(session, actor=Actor(id=account.id, timezone=account.timezone), data={"displayName": "M"})
    page = await user.open("/")
    assert logs_changed.listeners(account.id) == 1
    assert logs_changed.listeners(uuid.uuid4()) == 0
    page.delete()
    assert logs_changed.listeners(account.id) == 0  # and the user's signal is gone with its last page


async def test_a_page_load_checks_the_sign_in_once_however_many_loads_it_makes(
    user: User, sign_in: SignIn, db: Database, monkeypatch
):
    await sign_in(user, "once@example.com")
    with db.transaction() as session:
        account = session.exec(select(UserRow).where(UserRow.email == "once@example.com")).one()
        users.update_profile(session, actor=Actor(id=account.id, timezone=account.timezone), data={"displayName": "O"})
    checks = []
    checking = browser_sign_in.browser_actor

    async def counted():
        checks.append(1)
        return await checking()

    monkeypatch.setattr(browser_sign_in, "browser_actor", counted)
    await user.open("/progress")  # goals, overview, streaks and charts: four loads after the gate's check
    await user.should_see("Export this selection:")
    assert checks == []


async def test_a_page_load_slides_a_session_forward_once_it_is_due(user: User, sign_in: SignIn, db: Database):
    await sign_in(user, "slides@example.com")
    with db.transaction() as session:
        account = session.exec(select(UserRow).where(UserRow.email == "slides@example.com")).one()
        users.update_profile(session, actor=Actor(id=account.id, timezone=account.timezone), data={"displayName": "S"})
        row = session.exec(select(AuthSession).where(AuthSession.user_id == account.id)).one()
        row.last_seen_at -= TOUCH_EVERY + timedelta(minutes=1)
        seen, expires = row.last_seen_at, row.expires_at
    await user.open("/")
    await user.should_see("Hello, S")
    with db.transaction(write=False) as session:
        row = session.exec(select(AuthSession).where(AuthSession.user_id == account.id)).one()
        assert row.last_seen_at > seen + TOUCH_EVERY and row.expires_at > expires
        seen = row.last_seen_at
    await user.open("/history")  # moments later: read only, nothing written
    with db.transaction(write=False) as session:
        assert session.exec(select(AuthSession).where(AuthSession.user_id == account.id)).one().last_seen_at == seen
