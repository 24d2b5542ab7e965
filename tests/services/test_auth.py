"""Sign-in at the service layer on a real database: single use under concurrency, sessions, audit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
from sqlmodel import select

from core.models import AuditEvent, AuthSession, Role, SessionKind
from services import auth, auth_sessions
from services.actor import Actor
from services.errors import Forbidden, Unauthenticated
from services.rate_limits import Limits, RateLimiter
from tests.factories import new_user

CONFIG = auth.AuthConfig(base_url="http://mirubato.test")


def limiter() -> RateLimiter:
    return RateLimiter(Limits(verify_per_ip=1000, login_per_ip=1000))


def link_for(db, email: str) -> str:
    with db.transaction() as session:
        link = auth.request_sign_in(session, data={"email": email}, ip="203.0.113.1", limiter=limiter(), config=CONFIG)
    return link.link.split("token=")[1]


def redeem(db, token: str, kind=SessionKind.BROWSER, shared=None) -> auth.SignedIn:
    with db.transaction() as session:
        return auth.redeem_sign_in(
            session,
            data={"token": token},
            kind=kind,
            ip="203.0.113.1",
            limiter=shared or limiter(),
            config=CONFIG,
            browser_id="browser-1",
        )


def test_fifty_concurrent_redemptions_of_one_link_give_exactly_one_sign_in(db):
    token = link_for(db, "race@example.com")
    barrier = Barrier(50)
    shared = limiter()

    def attempt(_: int) -> bool:
        barrier.wait()
        try:
            redeem(db, token, shared=shared)
        except Unauthenticated:
            return False
        return True

    with ThreadPoolExecutor(50) as pool:
        outcomes = list(pool.map(attempt, range(50)))
    print(f"50 concurrent redemptions of one link: {outcomes.count(True)} succeeded, {outcomes.count(False)} refused")
    assert outcomes.count(True) == 1


def test_only_a_hash_of_the_token_is_stored(db):
    token = link_for(db, "hash@example.com")
    with db.transaction(write=False) as session:
        from core.models import LoginToken

        stored = session.exec(select(LoginToken)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert stored.expires_at - stored.created_at == timedelta(minutes=10)


def test_the_first_sign_in_creates_the_account_and_asks_for_onboarding(db):
    signed_in = redeem(db, link_for(db, "New.Person@Example.com"))
    assert signed_in.needs_onboarding
    with db.transaction(write=False) as session:
        actor = auth_sessions.actor_for_browser_session(session, session_id=signed_in.session_id)
        assert actor is not None and actor.role == Role.MUSICIAN and actor.session_id == signed_in.session_id
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "sign_in")).all()
    assert [e.actor_id for e in events] == [signed_in.user_id]


def test_a_signed_out_or_deactivated_session_no_longer_acts(db):
    signed_in = redeem(db, link_for(db, "out@example.com"))
    with db.transaction() as session:
        actor = auth_sessions.actor_for_browser_session(session, session_id=signed_in.session_id)
        auth_sessions.sign_out(session, actor=actor)
    with db.transaction(write=False) as session:
        assert auth_sessions.actor_for_browser_session(session, session_id=signed_in.session_id) is None
        assert auth_sessions.actor_for_browser_session(session, session_id="not-a-uuid") is None
        actions = [e.action for e in session.exec(select(AuditEvent)).all()]
    assert actions == ["sign_in", "sign_out"]


def test_only_an_admin_revokes_another_users_sessions(db):
    victim = redeem(db, link_for(db, "victim@example.com"))
    musician = new_user(db)
    admin = new_user(db, role="admin")
    with pytest.raises(Forbidden), db.transaction() as session:
        auth_sessions.revoke_user_sessions(session, actor=musician, user_id=victim.user_id)
    with db.transaction() as session:
        ended = auth_sessions.revoke_user_sessions(
            session, actor=Actor(id=admin.id, role=Role.ADMIN), user_id=victim.user_id
        )
    assert ended == 1
    with db.transaction(write=False) as session:
        assert auth_sessions.actor_for_browser_session(session, session_id=victim.session_id) is None
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "admin_revoke_sessions")).one()
    assert (event.actor_id, event.subject_id) == (admin.id, victim.user_id)


def test_a_deactivated_account_cannot_sign_in(db):
    new_user(db, email="gone@example.com", is_active=False)
    with pytest.raises(Unauthenticated, match="deactivated"):
        redeem(db, link_for(db, "gone@example.com"))


def test_a_page_load_only_reads_and_says_when_the_session_is_due_to_slide(db):
    signed_in = redeem(db, link_for(db, "slide@example.com"))
    with db.transaction(write=False) as session:
        actor, due = auth_sessions.open_page(session, session_id=str(signed_in.session_id))
        assert not session.dirty and not session.new  # a page load writes nothing: no write turn
    assert actor is not None and actor.id == signed_in.user_id and not due  # just signed in
    with db.transaction() as session:
        row = session.get(AuthSession, signed_in.session_id)
        row.last_seen_at -= auth_sessions.TOUCH_EVERY + timedelta(minutes=1)
        expired_at = row.expires_at
    with db.transaction(write=False) as session:
        actor, due = auth_sessions.open_page(session, session_id=str(signed_in.session_id))
    assert due and actor is not None and actor.session_id is not None
    with db.transaction() as session:
        auth_sessions.touch_browser_session(session, session_id=actor.session_id, lifetime=timedelta(days=30))
    with db.transaction(write=False) as session:
        assert session.get(AuthSession, signed_in.session_id).expires_at > expired_at
        assert auth_sessions.open_page(session, session_id=str(signed_in.session_id))[1] is False
        assert auth_sessions.open_page(session, session_id="not-a-uuid") == (None, False)
