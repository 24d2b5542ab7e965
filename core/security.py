"""Security primitives: random tokens and their hashes, and the API's JWT access tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from core.settings import MIN_SECRET_LENGTH

ACCESS_AUDIENCE = "mirubato-api"
ALGORITHM = "HS256"


class InvalidToken(Exception):
    """A token that is malformed, tampered with, expired or meant for someone else."""


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps instead of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    expires_at: datetime


class AccessTokens:
    """Signs and checks short-lived JWT access tokens (issuer, audience and expiry always checked)."""

    def __init__(self, secret: str, *, issuer: str, lifetime: timedelta) -> None:
        if len(secret) < MIN_SECRET_LENGTH:
            raise ValueError(f"the signing secret must have at least {MIN_SECRET_LENGTH} characters")
        self._key = OctKey.import_key(hashlib.sha256(b"jwt:" + secret.encode()).digest())
        self.issuer = issuer
        self.lifetime = lifetime

    def issue(self, *, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime) -> str:
        claims = {
            "iss": self.issuer,
            "aud": ACCESS_AUDIENCE,
            "sub": str(user_id),
            "sid": str(session_id),
            "iat": int(now.timestamp()),
            "exp": int((now + self.lifetime).timestamp()),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode({"alg": ALGORITHM}, claims, self._key, algorithms=[ALGORITHM])

    def verify(self, token: str, *, now: datetime) -> AccessClaims:
        registry = jwt.JWTClaimsRegistry(
            now=int(now.timestamp()),
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": ACCESS_AUDIENCE},
            exp={"essential": True},
            sub={"essential": True},
            sid={"essential": True},
        )
        try:
            decoded = jwt.decode(token, self._key, algorithms=[ALGORITHM])
            registry.validate(decoded.claims)
            return AccessClaims(
                user_id=uuid.UUID(decoded.claims["sub"]),
                session_id=uuid.UUID(decoded.claims["sid"]),
                expires_at=datetime.fromtimestamp(decoded.claims["exp"]).astimezone(),
            )
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise InvalidToken(str(exc) or type(exc).__name__) from None


class SignedLinks:
    """Signed, timed tokens that need no row of their own (itsdangerous): teacher invitations.

    Each purpose has its own salt, so a token made for one purpose is refused for any other.
    """

    def __init__(self, secret: str, *, purpose: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=f"mirubato:{purpose}")

    def make(self, value: str) -> str:
        return self._serializer.dumps(value)

    def read(self, token: str, *, max_age: timedelta) -> str:
        """The signed value; raises ExpiredLink past ``max_age``, InvalidToken when forged or mangled."""
        try:
            return str(self._serializer.loads(token, max_age=int(max_age.total_seconds())))
        except SignatureExpired as exc:
            raise ExpiredLink from exc
        except BadSignature as exc:
            raise InvalidToken from exc


class ExpiredLink(InvalidToken):
    """A genuine signed link, too old to use."""
