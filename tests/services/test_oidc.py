"""The decisions of signing in with a provider, without a provider: the id_token's checks, the flow
cookie's seal, the settings, and the database side (which account, links, the list, unlinking)."""

from __future__ import annotations

import base64
import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import itsdangerous.timed
import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OctKey, RSAKey
from sqlmodel import select

from core.models import AuthSession, UserIdentity
from core.settings import SettingsError, load_settings
from services import oidc
from services.auth import AuthConfig
from services.errors import NotFound
from services.oidc import Flow, FlowSeal, Intent, ProvenIdentity, Reason, Refused
from tests.factories import new_user

ISSUER = "https://id.example"
CLIENT = "mirubato"
NONCE = "nonce-of-this-browser"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
KEYS = KeySet.import_key_set({"keys": [KEY.as_dict(private=False)]})
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
PROVIDERS = {
    "test": oidc.Provider(
        name="test", label="Test ID", kind="oidc", client_id=CLIENT, client_secret="s", scopes=("openid",)
    )
}
CONFIG = AuthConfig(base_url="http://test")


def id_token(key: object = KEY, header: dict[str, str] | None = None, **changes: object) -> str:
    claims: dict[str, object] = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "subject-1",
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 300,
        "nonce": NONCE,
        "email": "a@example.com",
        "email_verified": True,
    }
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(header or {"alg": "RS256", "kid": "k1"}, claims, key)  # type: ignore[arg-type]


def verify(token: str) -> dict[str, object]:
    return oidc.verify_id_token(token, KEYS, issuer=ISSUER, client_id=CLIENT, nonce=NONCE, now=NOW)


def test_a_genuine_id_token_passes():
    assert verify(id_token())["sub"] == "subject-1"
    assert verify(id_token(aud=[CLIENT, "other"], azp=CLIENT))["sub"] == "subject-1"


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "https://evil.example"},
        {"aud": "another-client"},
        {"aud": [CLIENT, "other"]},  # several audiences and no azp
        {"azp": "another-client"},
        {"exp": int(NOW.timestamp()) - 600},
        {"iat": None},
        {"nonce": "another-nonce"},
        {"nonce": None},
        {"sub": None},
        {"sub": ""},
    ],
    ids=lambda changes: ",".join(f"{k}={v}" for k, v in changes.items()),
)
def test_an_id_token_failing_any_check_is_refused(changes):
    with pytest.raises(JoseError):
        verify(id_token(**changes))


def test_a_token_signed_by_another_key_with_the_same_key_id_is_refused():
    impostor = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    with pytest.raises(JoseError):
        verify(id_token(impostor))


def test_a_token_signed_with_a_shared_secret_or_unsigned_is_refused():
    secret = OctKey.import_key("s" * 32)
    with pytest.raises(JoseError):
        verify(id_token(secret, header={"alg": "HS256", "kid": "k1"}))
    payload = id_token().split(".")[1]
    none_header = base64.urlsafe_b64encode(b'{"alg":"none"}').decode().rstrip("=")
    with pytest.raises(JoseError):
        verify(f"{none_header}.{payload}.")


def flow(**changes: object) -> Flow:
    values: dict[str, object] = {
        "provider": "test",
        "intent": Intent.SIGN_IN,
        "state": "state-1",
        "nonce": NONCE,
        "verifier": "v" * 64,
    }
    return Flow(**(values | changes))  # type: ignore[arg-type]


def test_a_sealed_flow_opens_only_for_its_state_unchanged_and_in_time(monkeypatch):
    seal = FlowSeal("k" * 40, timedelta(minutes=10))
    sealed = seal.seal(flow())
    assert seal.open(sealed, state="state-1") == flow()
    for bad, state in ((sealed, "state-2"), (sealed[:-2] + "xx", "state-1"), ("", "state-1"), (sealed, "")):
        with pytest.raises(Refused) as refusal:
            seal.open(bad, state=state)
        assert refusal.value.reason == Reason.STATE and refusal.value.status_code == 400
    other_server = FlowSeal("o" * 40, timedelta(minutes=10))
    with pytest.raises(Refused):
        other_server.open(sealed, state="state-1")
    later = time.time() + 11 * 60
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    with pytest.raises(Refused):
        seal.open(sealed, state="state-1")


def test_each_refusal_has_a_message_and_a_client_error_status_but_outages():
    for reason in Reason:
        message = oidc.refusal_message(reason, "Test ID")
        assert message and "{" not in message
        expected = range(503, 504) if reason in (Reason.UNREACHABLE, Reason.STORAGE) else range(400, 500)
        assert oidc.STATUS[reason] in expected


def test_providers_come_from_the_settings():
    settings = load_settings(
        oidc_providers=json.dumps(
            [{"name": "google", "issuer": "https://accounts.google.com", "client_id": "c", "client_secret": "s"}]
        ),
        github_client_id="g",
        github_client_secret="h",
    )
    providers = oidc.providers_from(settings)
    assert list(providers) == ["google", "github"]
    assert providers["google"].label == "Google" and providers["google"].scopes == ("openid", "email", "profile")
    assert providers["github"].kind == "github" and providers["github"].api_url == "https://api.github.com"
    assert "s" not in repr(providers["google"]).split("client_id")[1].split("scopes")[0].replace("'s'", "")


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("[{", "not JSON"),
        ('[{"name": "github", "issuer": "https://x.example", "client_id": "c", "client_secret": "s"}]', "GitHub"),
        ('[{"name": "a", "issuer": "http://id.example", "client_id": "c", "client_secret": "s"}]', "https"),
        ('[{"name": "a", "issuer": "https://id.example", "client_id": "c"}]', "client_secret"),
    ],
)
def test_a_bad_provider_setting_names_the_variable(value, says):
    with pytest.raises(SettingsError, match="MIRUBATO_OIDC_PROVIDERS") as error:
        load_settings(oidc_providers=value)
    assert says in str(error.value)


def identity(subject: str = "subject-1", email: str = "a@example.com") -> ProvenIdentity:
    return ProvenIdentity(provider="test", subject=subject, email=email)


def test_an_identity_signs_in_its_account_even_when_an_address_matches_another(db):
    owner = new_user(db, email="owner@example.com")
    new_user(db, email="a@example.com")
    with db.transaction() as session:
        session.add(UserIdentity(user_id=owner.id, provider="test", subject="subject-1", email="old@example.com"))
    with db.transaction() as session:
        signed = oidc.sign_in_with_identity(session, identity=identity(), providers=PROVIDERS, ip="1", config=CONFIG)
    assert signed.user_id == owner.id
    with db.transaction(write=False) as session:
        assert session.exec(select(UserIdentity)).one().email == "a@example.com"


def test_unlinking_is_for_the_owner_only(db):
    owner, other = new_user(db), new_user(db)
    with db.transaction() as session:
        row = UserIdentity(user_id=owner.id, provider="test", subject="s", email="x@example.com")
        session.add(row)
        session.flush()
        row_id = row.id
    with db.transaction() as session, pytest.raises(NotFound):
        oidc.unlink_identity(session, actor=other, identity_id=row_id)
    with db.transaction() as session:
        listed = oidc.list_identities(session, actor=owner, providers=PROVIDERS)
        assert [(i.provider, i.label) for i in listed.identities] == [("test", "Test ID")]
        assert oidc.list_identities(session, actor=other, providers=PROVIDERS).identities == []
        oidc.unlink_identity(session, actor=owner, identity_id=row_id)
    with db.transaction() as session, pytest.raises(NotFound):
        oidc.unlink_identity(session, actor=owner, identity_id=uuid.uuid4())


def test_linking_needs_the_same_live_sign_in_that_asked(db):
    musician = new_user(db)
    with db.transaction() as session:
        live = AuthSession(user_id=musician.id, kind="browser", expires_at=datetime.now(UTC) + timedelta(days=1))
        session.add(live)
        session.flush()
        live_id = str(live.id)
    with db.transaction(write=False) as session:
        started = oidc.new_flow(session, provider=PROVIDERS["test"], intent=Intent.LINK, browser_session_id=live_id)
        assert started.user_id == str(musician.id)
        with pytest.raises(Refused) as anonymous:
            oidc.new_flow(session, provider=PROVIDERS["test"], intent=Intent.LINK, browser_session_id=None)
        assert anonymous.value.status_code == 401
    someone_else = flow(intent=Intent.LINK, user_id=str(uuid.uuid4()))
    with db.transaction() as session, pytest.raises(Refused):
        oidc.link_identity(
            session, identity=identity(), flow=someone_else, providers=PROVIDERS, browser_session_id=live_id
        )
    with db.transaction() as session:
        linked = oidc.link_identity(
            session, identity=identity(), flow=started, providers=PROVIDERS, browser_session_id=live_id
        )
    assert linked == oidc.Linked(label="Test ID", already=False)
