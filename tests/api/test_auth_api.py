"""Signing in over REST with a real SMTP server on loopback: links, tokens, refresh, sign-out."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email import message_from_bytes, policy
from threading import Barrier

import pytest

import services.auth
from core.models import utcnow


@pytest.fixture
def api(make_client, mail_sink):
    return make_client(smtp_host=mail_sink.host, smtp_port=mail_sink.port)


def sign_in(api, mail_sink, email="clara@example.com"):
    assert api.post("/api/auth/login", json={"email": email}).status_code == 202
    tokens = api.post("/api/auth/verify", json={"token": mail_sink.last_token(email)})
    assert tokens.status_code == 200, tokens.text
    return tokens.json()


def bearer(tokens):
    return {"Authorization": f"Bearer {tokens['accessToken']}"}


def test_signing_in_by_the_emailed_link_gives_tokens_that_open_the_api(api, mail_sink):
    tokens = sign_in(api, mail_sink)
    assert tokens["tokenType"] == "Bearer" and tokens["expiresIn"] == 15 * 60
    me = api.get("/api/auth/me", headers=bearer(tokens))
    assert me.status_code == 200 and me.json()["email"] == "clara@example.com"
    assert api.get("/api/practice/logs", headers=bearer(tokens)).status_code == 200
    message = mail_sink.to("clara@example.com")[0]
    assert message["Subject"] == "Your Mirubato sign-in link"
    assert "expires in 10 minutes" in message.get_body(("plain",)).get_content()


def test_the_answer_is_the_same_for_known_and_unknown_addresses(api, mail_sink):
    sign_in(api, mail_sink, "known@example.com")
    known = api.post("/api/auth/login", json={"email": "known@example.com"})
    unknown = api.post("/api/auth/login", json={"email": "stranger@example.com"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert len(mail_sink.to("stranger@example.com")) == 1


def test_a_link_works_only_once(api, mail_sink):
    api.post("/api/auth/login", json={"email": "once@example.com"})
    token = mail_sink.last_token("once@example.com")
    assert api.post("/api/auth/verify", json={"token": token}).status_code == 200
    again = api.post("/api/auth/verify", json={"token": token})
    assert again.status_code == 401
    assert "already used" in again.json()["detail"]


@pytest.mark.parametrize(
    ("age", "works"), [(timedelta(minutes=9, seconds=59), True), (timedelta(minutes=10, seconds=1), False)]
)
def test_a_link_expires_after_ten_minutes(api, mail_sink, monkeypatch, age, works):
    api.post("/api/auth/login", json={"email": "late@example.com"})
    token = mail_sink.last_token("late@example.com")
    later = utcnow() + age
    monkeypatch.setattr(services.auth, "utcnow", lambda: later)
    status = api.post("/api/auth/verify", json={"token": token}).status_code
    print(f"link redeemed {age.total_seconds():.0f} s after it was sent: {status}")
    assert status == (200 if works else 401)


def test_a_replayed_refresh_token_revokes_its_whole_family(api, mail_sink, monkeypatch):
    first = sign_in(api, mail_sink)
    second = api.post("/api/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert second.status_code == 200
    second = second.json()
    assert api.get("/api/auth/me", headers=bearer(second)).status_code == 200
    later = utcnow() + timedelta(seconds=31)  # past the grace for a client refreshing twice at once
    monkeypatch.setattr(services.auth, "utcnow", lambda: later)
    replay = api.post("/api/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert replay.status_code == 401
    assert api.post("/api/auth/refresh", json={"refreshToken": second["refreshToken"]}).status_code == 401
    assert api.get("/api/auth/me", headers=bearer(second)).status_code == 401
    print("replayed refresh token: family revoked, 1 live access token and 1 refresh token refused")


def test_two_tabs_refreshing_with_the_same_token_at_once_both_stay_signed_in(api, mail_sink):
    """RFC 9700's grace: the same refresh token twice within 30 s is one client racing itself."""
    first = sign_in(api, mail_sink)
    barrier = Barrier(2)

    def refresh(_: int):
        barrier.wait()
        return api.post("/api/auth/refresh", json={"refreshToken": first["refreshToken"]})

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(refresh, range(2)))
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    pairs = [a.json() for a in answers]
    assert pairs[0]["refreshToken"] != pairs[1]["refreshToken"]
    for pair in pairs:
        assert api.get("/api/auth/me", headers=bearer(pair)).status_code == 200
        assert api.post("/api/auth/refresh", json={"refreshToken": pair["refreshToken"]}).status_code == 200


def test_an_expired_or_tampered_access_token_is_401(api, mail_sink):
    tokens = sign_in(api, mail_sink)
    header, payload, signature = tokens["accessToken"].split(".")
    tampered = {"Authorization": f"Bearer {header}.{payload}.{signature[:-3]}AAA"}
    assert api.get("/api/auth/me", headers=tampered).status_code == 401
    forged_payload = payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB")
    assert (
        api.get("/api/auth/me", headers={"Authorization": f"Bearer {header}.{forged_payload}.{signature}"}).status_code
        == 401
    )
    signer = api.app.state.access_tokens
    me = api.get("/api/auth/me", headers=bearer(tokens)).json()
    import uuid

    expired = signer.issue(user_id=uuid.UUID(me["id"]), session_id=uuid.uuid4(), now=utcnow() - timedelta(hours=1))
    assert api.get("/api/auth/me", headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    assert api.get("/api/auth/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_signing_out_ends_the_sign_in_and_everywhere_ends_all(api, mail_sink):
    one = sign_in(api, mail_sink)
    two = sign_in(api, mail_sink)
    assert api.post("/api/auth/logout", headers=bearer(one)).status_code == 204
    assert api.get("/api/auth/me", headers=bearer(one)).status_code == 401
    assert api.get("/api/auth/me", headers=bearer(two)).status_code == 200
    three = sign_in(api, mail_sink)
    assert api.post("/api/auth/logout", headers=bearer(two), json={"everywhere": True}).status_code == 204
    assert api.get("/api/auth/me", headers=bearer(three)).status_code == 401
    assert api.post("/api/auth/refresh", json={"refreshToken": three["refreshToken"]}).status_code == 401


def test_thirty_rapid_requests_for_one_address_send_at_most_the_limit(api, make_client, mail_sink):
    statuses = [api.post("/api/auth/login", json={"email": "spam@example.com"}) for _ in range(30)]
    sent = len(mail_sink.to("spam@example.com"))
    refused = [r for r in statuses if r.status_code == 429]
    print(f"30 sign-in requests for one address: {sent} emails sent, {len(refused)} answered 429")
    assert sent == 5 and len(refused) == 25
    assert int(refused[0].headers["retry-after"]) > 0
    counts = api.app.state.limiter
    elsewhere = make_client(ip="192.0.2.7", smtp_host=mail_sink.host, smtp_port=mail_sink.port)
    elsewhere.app.state.limiter = counts  # the same server and its counts, another visitor
    assert api.post("/api/auth/login", json={"email": "other@example.com"}).status_code == 429
    assert elsewhere.post("/api/auth/login", json={"email": "other@example.com"}).status_code == 202


def test_sign_in_requests_are_limited_per_ip_across_addresses(make_client, mail_sink):
    api = make_client(smtp_host=mail_sink.host, smtp_port=mail_sink.port, rate_login_per_ip=3)
    statuses = [api.post("/api/auth/login", json={"email": f"u{i}@example.com"}).status_code for i in range(5)]
    assert statuses == [202, 202, 202, 429, 429]


def test_writes_are_limited_per_user_and_others_are_unaffected(make_client, mail_sink):
    api = make_client(smtp_host=mail_sink.host, smtp_port=mail_sink.port, rate_writes_per_user=3)
    busy, calm = sign_in(api, mail_sink, "busy@example.com"), sign_in(api, mail_sink, "calm@example.com")
    log = {"activityType": "scales", "duration": 60}
    statuses = [api.post("/api/practice/quick-log", json=log, headers=bearer(busy)).status_code for _ in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    assert api.get("/api/practice/logs", headers=bearer(busy)).status_code == 200
    assert api.post("/api/practice/quick-log", json=log, headers=bearer(calm)).status_code == 201


def test_a_bad_address_is_422_and_a_dead_mail_server_is_503(make_client):
    api = make_client(smtp_host="127.0.0.1", smtp_port=1)
    assert api.post("/api/auth/login", json={"email": "not-an-address"}).status_code == 422
    down = api.post("/api/auth/login", json={"email": "x@example.com"})
    assert down.status_code == 503 and "try again" in down.json()["detail"]


def test_without_an_smtp_host_the_email_is_kept_in_a_private_file_and_the_log_says_where(make_client, caplog, tmp_path):
    api = make_client()
    with caplog.at_level("DEBUG"):
        assert api.post("/api/auth/login", json={"email": "local@example.com"}).status_code == 202
    (kept,) = (tmp_path / "mail").glob("*.eml")
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    message = message_from_bytes(kept.read_bytes(), policy=policy.default)
    assert message["To"] == "local@example.com"
    assert "/auth/verify?token=" in message.get_body(("plain",)).get_content()
    assert str(kept) in caplog.text and "local@example.com" in caplog.text
    assert "token=" not in caplog.text


def test_a_studio_on_its_own_network_signs_in_with_special_use_addresses_once_it_says_so(make_client, mail_sink):
    strict = make_client(smtp_host=mail_sink.host, smtp_port=mail_sink.port)
    refused = strict.post("/api/auth/login", json={"email": "teacher@studio.test"})
    assert refused.status_code == 422 and "special-use" in refused.text
    studio = make_client(smtp_host=mail_sink.host, smtp_port=mail_sink.port, private_mail_domains="test, local")
    try:
        tokens = sign_in(studio, mail_sink, "teacher@studio.test")
        assert studio.get("/api/auth/me", headers=bearer(tokens)).json()["email"] == "teacher@studio.test"
        assert studio.post("/api/auth/login", json={"email": "pianist@music.local"}).status_code == 202
        assert studio.post("/api/auth/login", json={"email": "x@hidden.onion"}).status_code == 422  # not named
    finally:
        make_client(smtp_host=mail_sink.host, smtp_port=mail_sink.port)  # strict again for the tests after
