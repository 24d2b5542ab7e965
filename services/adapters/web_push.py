"""Web Push: one notification to one browser subscription, encrypted (RFC 8291) and signed (RFC 8292).

A subscription's endpoint is a capability URL and its keys are secrets: whoever has them can
send to that browser. So nothing here puts the endpoint, the keys or the push service's answer
in a log line or an exception; the log names the push service's host and the HTTP status.

pywebpush encrypts the payload (aes128gcm). The POST is sent here with http.client rather than
through pywebpush's ``webpush()`` (requests): requests follows redirects, reads ``.netrc``
(whose credentials would replace the VAPID Authorization header), urllib3 logs every request
line with the endpoint's path at DEBUG, and ``WebPushException`` carries the response body in
its message. The VAPID token is signed with joserfc, as the app's own tokens are.
"""

from __future__ import annotations

import http.client
import json
import logging
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from joserfc import jwt
from joserfc.jwk import ECKey
from pywebpush import WebPusher

from core.settings import VapidKeys

log = logging.getLogger(__name__)

# http is accepted only for a push service on this machine (tests, local development).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# RFC 8291 section 4: push services accept 4096 bytes of ciphertext; a single aes128gcm record
# of that size holds 4096 - 86 (header) - 16 (tag) - 1 (padding delimiter) bytes of payload.
MAX_PAYLOAD_BYTES = 3993
# RFC 8292 section 2: a token must not live longer than 24 hours.
TOKEN_SECONDS = 12 * 3600


class PushOutcome(StrEnum):
    DELIVERED = "delivered"  # the push service took the message (it delivers within the TTL)
    GONE = "gone"  # 404 or 410: the subscription has ended; the caller deletes it
    FAILED = "failed"  # anything else, network errors included; worth trying again later


@dataclass(frozen=True)
class PushTarget:
    """A browser's PushSubscription: its endpoint and keys (base64url), as ``toJSON()`` gives them."""

    endpoint: str
    p256dh: str
    auth: str

    def __repr__(self) -> str:  # a dataclass repr would print the secrets into any traceback or log
        return f"PushTarget(host={urlsplit(self.endpoint).hostname!r})"


def send_push(
    target: PushTarget,
    payload: Mapping[str, Any],
    keys: VapidKeys,
    subject: str,
    ttl: int = 12 * 3600,
    timeout: float = 10,
) -> PushOutcome:
    """Encrypt ``payload`` as JSON for ``target`` and hand it to its push service.

    Raises only for the caller's mistakes (a payload too large for Web Push); every failure of
    the subscription, the network or the push service is an outcome.
    """
    data = json.dumps(payload, separators=(",", ":")).encode()
    if len(data) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"a push payload holds at most {MAX_PAYLOAD_BYTES} bytes of JSON, not {len(data)}")
    url = urlsplit(target.endpoint)
    host = url.hostname or "?"
    try:
        port = url.port
    except ValueError:  # a port that is not a number
        port = None
        host = "?"
    if host == "?" or not (url.scheme == "https" or (url.scheme == "http" and host in LOOPBACK_HOSTS)):
        log.warning("web push to %s refused: the endpoint is not a usable https URL", host)
        return PushOutcome.FAILED
    try:
        pusher = WebPusher({"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}})
        body: bytes = pusher.encode(data, "aes128gcm")["body"]
    except Exception as exc:  # pywebpush, http_ece and base64 each raise their own kinds for a bad key
        log.warning("web push to %s not sent: the subscription's keys are unusable (%s)", host, type(exc).__name__)
        return PushOutcome.FAILED
    origin = f"{url.scheme}://{url.netloc.rpartition('@')[2]}"
    headers = {
        "Authorization": _vapid_authorization(keys, audience=origin, subject=subject),
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "TTL": str(ttl),
        "Connection": "close",  # one message per connection: the answer's body is never read
    }
    try:
        status = _post(
            url.scheme, host, port, url.path + (f"?{url.query}" if url.query else ""), body, headers, timeout
        )
    except (OSError, http.client.HTTPException) as exc:  # refused, unreachable, timed out, TLS, bad answer
        log.warning("web push to %s failed: %s", host, type(exc).__name__)
        return PushOutcome.FAILED
    if 200 <= status < 300:
        log.debug("web push to %s delivered (%d)", host, status)
        return PushOutcome.DELIVERED
    if status in {404, 410}:
        log.info("web push to %s: subscription gone (%d)", host, status)
        return PushOutcome.GONE
    # 3xx lands here too: a push service does not redirect, and following one could leave https.
    log.warning("web push to %s failed: HTTP %d", host, status)
    return PushOutcome.FAILED


def _vapid_authorization(keys: VapidKeys, audience: str, subject: str) -> str:
    """RFC 8292: an ES256 JWT for the push service's origin, and the key that verifies it."""
    claims = {"aud": audience, "exp": int(time.time()) + TOKEN_SECONDS, "sub": subject}
    token = jwt.encode({"typ": "JWT", "alg": "ES256"}, claims, ECKey.import_key(keys.private_pem))
    return f"vapid t={token}, k={keys.public_key}"


def _post(
    scheme: str, host: str, port: int | None, path: str, body: bytes, headers: dict[str, str], timeout: float
) -> int:
    connection: http.client.HTTPConnection
    if scheme == "https":
        # The default context verifies the certificate and the host name.
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("POST", path or "/", body=body, headers=headers)
        return connection.getresponse().status  # the body is never read: it may echo the endpoint
    finally:
        connection.close()
