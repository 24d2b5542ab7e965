"""Web Push sending: a local HTTP server plays the push service and checks what a browser's would.

The message is decrypted here with `cryptography` primitives, following RFC 8291 and RFC 8188
step by step, independently of pywebpush: a payload only a browser could read proves the
encryption; a token verified with the key in its own header proves the VAPID signature.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.settings import Settings, SettingsError, VapidKeys, load_settings
from services.adapters import web_push
from services.adapters.web_push import PushOutcome, PushTarget, send_push

SUBJECT = "mailto:admin@mirubato.test"
PAYLOAD = {"title": "Time to practise", "body": "Scales in B flat, then the Chopin.", "url": "/"}
# Capability parts of the endpoints: they must never reach a log line.
SECRET_PATH = "sEcReT-subscription-path-0123456789"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    """What the fake push service saw; it answers by the path's first segment."""

    origin: str
    requests: list[Received] = field(default_factory=list)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    service: PushService  # set on the subclass the fixture makes

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.service.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        kind = self.path.split("/")[1]
        status = {"push": 201, "gone": 410, "broken": 500, "moved": 307}[kind]
        # Real push services echo details; none of this may reach a log line.
        answer = f"subscription {self.path} is {kind}".encode()
        self.send_response(status)
        if kind == "moved":
            self.send_header("Location", f"/push/{SECRET_PATH}")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:  # quiet: stderr is not the test's business
        pass


@pytest.fixture(scope="module")
def push_service() -> Iterator[PushService]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service = PushService(origin=f"http://127.0.0.1:{server.server_address[1]}")
    Handler.service = service
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield service
    server.shutdown()
    server.server_close()


@dataclass(frozen=True)
class Browser:
    """A subscription as a browser makes it: its own P-256 key pair and a 16-byte auth secret."""

    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def public_raw(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )

    def target(self, endpoint: str) -> PushTarget:
        return PushTarget(endpoint=endpoint, p256dh=b64url(self.public_raw), auth=b64url(self.auth_secret))

    def decrypt(self, body: bytes) -> bytes:
        """RFC 8291 section 3.4 and RFC 8188 section 2, for the one record a push message has."""
        salt, record_size, id_length = body[:16], int.from_bytes(body[16:20], "big"), body[20]
        server_public = body[21 : 21 + id_length]
        ciphertext = body[21 + id_length :]
        assert id_length == 65 and server_public[0] == 4  # keyid = the sender's uncompressed point
        assert len(ciphertext) <= record_size  # a single record
        shared = self.private_key.exchange(
            ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), server_public)
        )
        ikm = hkdf(self.auth_secret, shared, b"WebPush: info\x00" + self.public_raw + server_public, 32)
        cek = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        plaintext = AESGCM(cek).decrypt(nonce, ciphertext, None)
        unpadded = plaintext.rstrip(b"\x00")
        assert unpadded.endswith(b"\x02")  # the delimiter of the last record, then zero padding
        return unpadded[:-1]


@pytest.fixture
def browser() -> Browser:
    return Browser(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> VapidKeys:
    return Settings(data_dir=tmp_path_factory.mktemp("data"), vapid_private_key=None).resolved_vapid_keys


def verified_claims(authorization: str) -> tuple[dict[str, object], str]:
    """The claims of an RFC 8292 `vapid t=..., k=...` header, after checking the ES256 signature with k."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    token, public_key = fields["t"], fields["k"]
    signed, _, signature = token.rpartition(".")
    header = json.loads(unb64url(signed.split(".")[0]))
    assert header["alg"] == "ES256"
    raw = unb64url(signature)
    assert len(raw) == 64  # JWS: r || s, not DER
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    key.verify(der, signed.encode(), ec.ECDSA(hashes.SHA256()))  # raises InvalidSignature
    return json.loads(unb64url(signed.split(".")[1])), public_key


def test_a_push_service_gets_a_signed_message_only_the_browser_can_read(push_service, browser, keys):
    before = len(push_service.requests)
    endpoint = f"{push_service.origin}/push/{SECRET_PATH}"

    assert send_push(browser.target(endpoint), PAYLOAD, keys, SUBJECT, ttl=3600) is PushOutcome.DELIVERED

    [received] = push_service.requests[before:]
    assert received.path == f"/push/{SECRET_PATH}"
    claims, public_key = verified_claims(received.headers["authorization"])
    assert public_key == keys.public_key
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == SUBJECT
    assert time.time() < int(claims["exp"]) <= time.time() + 24 * 3600
    assert received.headers["content-encoding"] == "aes128gcm"
    assert received.headers["ttl"] == "3600"
    assert json.loads(browser.decrypt(received.body)) == PAYLOAD


def test_another_browser_cannot_read_it(push_service, browser, keys):
    before = len(push_service.requests)
    send_push(browser.target(f"{push_service.origin}/push/{SECRET_PATH}"), PAYLOAD, keys, SUBJECT)
    stranger = Browser(ec.generate_private_key(ec.SECP256R1()), browser.auth_secret)
    with pytest.raises(InvalidTag):
        stranger.decrypt(push_service.requests[before].body)


@pytest.mark.parametrize(
    ("path", "outcome"),
    [("gone", PushOutcome.GONE), ("broken", PushOutcome.FAILED), ("moved", PushOutcome.FAILED)],
)
def test_the_push_service_answer_decides_the_outcome(push_service, browser, keys, path, outcome):
    before = len(push_service.requests)
    target = browser.target(f"{push_service.origin}/{path}/{SECRET_PATH}")
    assert send_push(target, PAYLOAD, keys, SUBJECT) is outcome
    assert len(push_service.requests) == before + 1  # a redirect is not followed


def test_an_unreachable_push_service_is_a_failure_not_an_exception(browser, keys):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    target = browser.target(f"http://127.0.0.1:{port}/push/{SECRET_PATH}")
    assert send_push(target, PAYLOAD, keys, SUBJECT, timeout=2) is PushOutcome.FAILED


@pytest.mark.parametrize(
    "endpoint",
    [
        f"http://push.example.com/push/{SECRET_PATH}",
        f"http://10.0.0.1/push/{SECRET_PATH}",
        f"ftp://push.example.com/{SECRET_PATH}",
        f"https://push.example.com:port/{SECRET_PATH}",
        SECRET_PATH,
    ],
)
def test_only_https_or_a_loopback_push_service_is_sent_to(browser, keys, monkeypatch, endpoint):
    def no_request(*args: object) -> int:
        raise AssertionError("a request was made")

    monkeypatch.setattr(web_push, "_post", no_request)
    assert send_push(browser.target(endpoint), PAYLOAD, keys, SUBJECT) is PushOutcome.FAILED


def test_unusable_subscription_keys_are_a_failure(push_service, keys):
    before = len(push_service.requests)
    target = PushTarget(f"{push_service.origin}/push/{SECRET_PATH}", p256dh=b64url(b"\x04" + b"1" * 64), auth="!!")
    assert send_push(target, PAYLOAD, keys, SUBJECT) is PushOutcome.FAILED
    assert len(push_service.requests) == before


def test_a_payload_too_large_for_web_push_is_the_callers_mistake(browser, keys):
    with pytest.raises(ValueError, match="at most"):
        send_push(browser.target("https://push.example.com/x"), {"body": "x" * 4000}, keys, SUBJECT)


def test_no_log_line_names_the_endpoint_or_the_keys(push_service, browser, keys, caplog):
    caplog.set_level(logging.DEBUG)  # everything, the HTTP libraries' own lines included
    target = browser.target(f"{push_service.origin}/push/{SECRET_PATH}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    for endpoint in (
        target.endpoint,
        f"{push_service.origin}/gone/{SECRET_PATH}",
        f"{push_service.origin}/broken/{SECRET_PATH}",
        f"{push_service.origin}/moved/{SECRET_PATH}",
        f"http://127.0.0.1:{closed}/push/{SECRET_PATH}",
        f"http://push.example.com/push/{SECRET_PATH}",
    ):
        send_push(PushTarget(endpoint, target.p256dh, target.auth), PAYLOAD, keys, SUBJECT, timeout=2)
    send_push(PushTarget(target.endpoint, target.p256dh, "%%%"), PAYLOAD, keys, SUBJECT)

    assert any(record.name == web_push.__name__ for record in caplog.records)
    text = "\n".join([*caplog.text.splitlines(), repr(target), repr(keys)])
    for secret in (SECRET_PATH, target.p256dh, target.auth, keys.private_pem.splitlines()[1]):
        assert secret not in text
    assert "127.0.0.1" in caplog.text  # the host is named
    assert "410" in caplog.text and "500" in caplog.text  # and the status


# --- the server's VAPID keys -----------------------------------------------------------------


def public_point(keys: VapidKeys) -> bytes:
    point = unb64url(keys.public_key)
    assert "=" not in keys.public_key
    assert len(point) == 65 and point[0] == 4  # uncompressed P-256 point: the applicationServerKey
    return point


def matching(keys: VapidKeys) -> bool:
    private = serialization.load_pem_private_key(keys.private_pem.encode(), password=None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    return private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    ) == public_point(keys)


def test_vapid_keys_are_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("MIRUBATO_VAPID_PRIVATE_KEY", raising=False)
    first = Settings(data_dir=tmp_path).resolved_vapid_keys
    again = Settings(data_dir=tmp_path).resolved_vapid_keys
    assert first == again
    assert matching(first)
    assert stat.S_IMODE((tmp_path / "vapid_private.pem").stat().st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == ["vapid_private.pem"]  # no temporary left


def test_processes_starting_at_once_agree_on_one_key(tmp_path, monkeypatch):
    monkeypatch.delenv("MIRUBATO_VAPID_PRIVATE_KEY", raising=False)
    start = threading.Barrier(8)
    found: list[VapidKeys] = []

    def resolve() -> None:
        settings = Settings(data_dir=tmp_path / "new")
        start.wait()
        found.append(settings.resolved_vapid_keys)

    threads = [threading.Thread(target=resolve) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8
    assert len(set(found)) == 1


def test_a_configured_vapid_key_wins_and_nothing_is_written(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    raw = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()
    expected = b64url(
        key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    for configured in (raw, pem):
        keys = Settings(data_dir=tmp_path, vapid_private_key=configured).resolved_vapid_keys
        assert keys.public_key == expected
        assert matching(keys)
    assert not (tmp_path / "vapid_private.pem").exists()


def test_a_bad_vapid_key_stops_the_start_without_repeating_it():
    not_p256 = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    for bad in ("c2hvcnQ", "not a key at all", not_p256.decode()):
        with pytest.raises(SettingsError, match=r"^MIRUBATO_VAPID_PRIVATE_KEY: is not a P-256") as caught:
            load_settings(vapid_private_key=bad)
        assert bad not in str(caught.value)


def test_a_damaged_stored_key_is_not_replaced_silently(tmp_path, monkeypatch):
    monkeypatch.delenv("MIRUBATO_VAPID_PRIVATE_KEY", raising=False)
    (tmp_path / "vapid_private.pem").write_text("-----BEGIN PRIVATE KEY-----\ntruncated")
    with pytest.raises(SettingsError, match="delete the file"):
        Settings(data_dir=tmp_path).resolved_vapid_keys  # noqa: B018


@pytest.mark.parametrize("subject", ["admin@mirubato.example", "http://mirubato.example", "mailto:", " "])
def test_the_vapid_subject_is_a_mailto_or_https_url(subject):
    with pytest.raises(SettingsError, match=r"^MIRUBATO_VAPID_SUBJECT: must be a mailto: or https: URL"):
        load_settings(vapid_subject=subject)


def test_the_vapid_subject_defaults_to_a_mailto_url():
    assert load_settings().vapid_subject.startswith("mailto:")
    assert load_settings(vapid_subject=" https://mirubato.example/contact ").vapid_subject == (
        "https://mirubato.example/contact"
    )
