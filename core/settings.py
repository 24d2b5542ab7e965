"""Application settings: the only module that reads the environment.

Every setting is an environment variable with the prefix ``MIRUBATO_``. A bad value stops the
start with one line naming the variable (see :func:`load_settings`).
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import email_validator
import platformdirs
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENV_PREFIX = "MIRUBATO_"
MIN_SECRET_LENGTH = 32
SECRET_FILE_NAME = "secret_key"
VAPID_KEY_FILE_NAME = "vapid_private.pem"
SUPPORTED_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
# email-validator's own list, as shipped, before a setting takes any of it out.
SPECIAL_USE_MAIL_DOMAINS = tuple(email_validator.SPECIAL_USE_DOMAIN_NAMES)


class SettingsError(Exception):
    """A setting has a value the application cannot start with."""


@dataclass(frozen=True)
class VapidKeys:
    """The server's Web Push identity (RFC 8292): browsers bind each subscription to its public key."""

    private_pem: str = field(repr=False)  # PKCS#8 PEM of the P-256 key that signs the VAPID tokens; secret
    public_key: str  # base64url, unpadded, uncompressed point: the browser's applicationServerKey


GITHUB = "github"  # the provider name GitHub's settings take; no OpenID provider may take it too
PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


def secure_url(value: str) -> bool:
    """An https URL, or http on this machine's loopback (a provider on localhost in development and tests)."""
    parts = urlsplit(value)
    if not parts.hostname or parts.query or parts.fragment:
        return False
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


class OidcProviderSettings(BaseModel):
    """One OpenID Connect provider people may sign in with (an entry of MIRUBATO_OIDC_PROVIDERS)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="in the callback URL: /auth/oidc/<name>/callback; lowercase letters, digits, -")
    label: str = Field(default="", max_length=40, description="what the buttons say: 'Sign in with <label>'")
    issuer: str = Field(description="its issuer URL; the rest comes from <issuer>/.well-known/openid-configuration")
    client_id: str = Field(min_length=1, max_length=500)
    client_secret: SecretStr
    scopes: tuple[str, ...] = ("openid", "email", "profile")

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not PROVIDER_NAME.match(value):
            raise ValueError(f"provider name {value!r} must be 1-32 lowercase letters, digits or -")
        if value == GITHUB:
            raise ValueError("the provider name 'github' is GitHub's (MIRUBATO_GITHUB_CLIENT_ID)")
        return value

    @field_validator("issuer")
    @classmethod
    def _issuer_url(cls, value: str) -> str:
        value = value.strip()  # kept as written: the id_token's iss must equal it exactly (some end in /)
        if not secure_url(value):
            raise ValueError(f"issuer {value!r} must be an https URL (http only on localhost) without query")
        return value

    @field_validator("scopes", mode="before")
    @classmethod
    def _scope_list(cls, value: Any) -> Any:
        return value.split() if isinstance(value, str) else value

    @field_validator("scopes")
    @classmethod
    def _with_openid(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return value if "openid" in value else ("openid", *value)

    @model_validator(mode="after")
    def _default_label(self) -> OidcProviderSettings:
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("-", " ").title())
        return self


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("mirubato")))
    database_url: str | None = None
    secret_key: SecretStr | None = None
    base_url: str = "http://localhost:8080"
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    environment: Literal["development", "production", "test"] = "development"
    seed_on_start: bool = True
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    sqlite_synchronous: Literal["NORMAL", "FULL"] = "FULL"
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0, le=600_000)
    chart_browser: str | None = Field(
        default=None, description="Chromium for the charts in PDF reports; default: chromium found on PATH"
    )

    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "Mirubato <no-reply@localhost>"

    login_link_minutes: int = Field(default=10, ge=1, le=60)
    access_token_minutes: int = Field(default=15, ge=1, le=60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    browser_session_days: int = Field(default=30, ge=1, le=365)
    refresh_reuse_grace_seconds: int = Field(
        default=30, ge=0, le=300, description="a used refresh token still refreshes this long (two tabs at once)"
    )

    rate_login_per_address: int = Field(default=5, ge=1, description="sign-in emails per address per 15 minutes")
    rate_login_per_ip: int = Field(default=20, ge=1, description="sign-in requests per IP per 15 minutes")
    rate_verify_per_ip: int = Field(default=30, ge=1, description="token redemptions per IP per 15 minutes")
    rate_writes_per_user: int = Field(default=300, ge=1, description="changes saved per user per minute")
    rate_reads_per_user: int = Field(default=1200, ge=1, description="reads per signed-in user per minute")
    rate_mail_per_recipient: int = Field(default=10, ge=1, description="emails of any kind to one address per hour")
    rate_invites_per_user: int = Field(default=10, ge=1, description="invitation emails a user sends per day")

    take_storage: Literal["auto", "files", "database"] = Field(
        default="auto",
        description="where recordings live: files under the data directory (auto on SQLite) or in the database "
        "(auto on PostgreSQL, so that every process and machine serves every take)",
    )
    take_max_minutes: int = Field(default=20, ge=1, le=180, description="the longest recording a musician can make")
    take_max_mb: int = Field(default=100, ge=1, le=2000, description="the largest single recording accepted, in MB")
    take_quota_mb: int = Field(default=500, ge=1, description="recordings one musician may keep, in MB")

    reminders: bool = Field(
        default=True,
        description="send practice reminders from this process (every process may: each is sent once)",
    )
    reminder_check_seconds: int = Field(
        default=60, ge=5, le=3600, description="how often the reminder loop looks for reminders due"
    )
    vapid_private_key: SecretStr | None = Field(
        default=None,
        description="the P-256 key that signs Web Push messages (PEM, or base64url of the raw 32 bytes); "
        "default: one generated once in the data directory",
    )
    vapid_subject: str = Field(
        default="mailto:admin@localhost",
        description="who push services contact about our messages: a mailto: or https: URL",
    )

    private_mail_domains: str = Field(
        default="",
        description="special-use names accepted in email addresses, comma-separated, e.g. test,local",
    )

    oidc_providers: Annotated[tuple[OidcProviderSettings, ...], NoDecode] = Field(
        default=(),
        description="OpenID Connect providers to sign in with: a JSON list of {name, label, issuer, client_id, "
        'client_secret, scopes}, e.g. [{"name": "google", "label": "Google", "issuer": '
        '"https://accounts.google.com", "client_id": "...", "client_secret": "..."}]',
    )
    github_client_id: str | None = Field(
        default=None, description="a GitHub OAuth app's client id: sign in with GitHub"
    )
    github_client_secret: SecretStr | None = None
    github_label: str = Field(default="GitHub", max_length=40)
    github_authorize_url: str = "https://github.com/login/oauth/authorize"
    github_token_url: str = "https://github.com/login/oauth/access_token"
    github_api_url: str = "https://api.github.com"
    oidc_flow_minutes: int = Field(
        default=10, ge=1, le=60, description="how long a sign-in may stay at the provider before it must start again"
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            url = make_url(value.strip())
        except ArgumentError:
            raise ValueError("is not a database URL (expected sqlite:///path or postgresql://...)") from None
        backend = url.get_backend_name()
        if backend not in SUPPORTED_DRIVERS:
            raise ValueError(f"unsupported database {backend!r}; use sqlite or postgresql")
        if backend == "postgresql" and url.drivername in {"postgresql", "postgresql+psycopg2"}:
            url = url.set(drivername=SUPPORTED_DRIVERS["postgresql"])
        return url.render_as_string(hide_password=False)

    @field_validator("private_mail_domains")
    @classmethod
    def _special_use_names(cls, value: str) -> str:
        names = [name.strip().lower().strip(".") for name in value.split(",") if name.strip()]
        unknown = [name for name in names if name not in SPECIAL_USE_MAIL_DOMAINS]
        if unknown:
            known = ", ".join(SPECIAL_USE_MAIL_DOMAINS)
            raise ValueError(f"{', '.join(unknown)} is not a special-use name; these are: {known}")
        return ",".join(names)

    @model_validator(mode="after")
    def _accept_private_mail_domains(self) -> Settings:
        # email-validator refuses special-use names (.test, .local) through a module-level list that
        # it documents as adjustable; every address check in the process (pydantic's EmailStr) reads it.
        accepted = set(self.private_mail_domains.split(","))
        email_validator.SPECIAL_USE_DOMAIN_NAMES[:] = [d for d in SPECIAL_USE_MAIL_DOMAINS if d not in accepted]
        return self

    @field_validator("oidc_providers", mode="before")
    @classmethod
    def _provider_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                return ()
            try:
                value = json.loads(value)
            except json.JSONDecodeError as error:
                raise ValueError(f"is not JSON ({error.msg} at character {error.pos})") from None
            if not isinstance(value, list):
                raise ValueError("must be a JSON list of providers")
        if isinstance(value, list | tuple):
            return tuple(_provider(number, entry) for number, entry in enumerate(value, start=1))
        return value

    @field_validator("oidc_providers")
    @classmethod
    def _unique_names(cls, value: tuple[OidcProviderSettings, ...]) -> tuple[OidcProviderSettings, ...]:
        names = [provider.name for provider in value]
        if len(set(names)) != len(names):
            raise ValueError("two providers have the same name")
        return value

    @field_validator("github_authorize_url", "github_token_url", "github_api_url")
    @classmethod
    def _github_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not secure_url(value):
            raise ValueError("must be an https URL (http only on localhost)")
        return value

    @field_validator("github_client_secret")
    @classmethod
    def _github_pair(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if bool(info.data.get("github_client_id")) != bool(value and value.get_secret_value()):
            raise ValueError("GitHub sign-in needs both MIRUBATO_GITHUB_CLIENT_ID and MIRUBATO_GITHUB_CLIENT_SECRET")
        return value

    @field_validator("base_url")
    @classmethod
    def _absolute_http_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")) or len(value) <= len("https://"):
            raise ValueError("must be an absolute http:// or https:// URL, e.g. https://mirubato.example")
        return value

    @field_validator("secret_key")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(f"is too short: use at least {MIN_SECRET_LENGTH} random characters")
        return value

    @field_validator("vapid_private_key")
    @classmethod
    def _p256_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        _load_vapid_key(value.get_secret_value())  # a bad key stops the start, not the first reminder
        return value

    @field_validator("vapid_subject")
    @classmethod
    def _contact_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("mailto:", "https:")) or value in {"mailto:", "https:"}:
            raise ValueError("must be a mailto: or https: URL, e.g. mailto:admin@mirubato.example")
        return value

    @cached_property
    def resolved_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'mirubato.db'}"

    @cached_property
    def resolved_secret_key(self) -> str:
        """The configured secret, or one generated once and kept in the data directory."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return _stored_secret(self.data_dir / SECRET_FILE_NAME)

    @cached_property
    def resolved_vapid_keys(self) -> VapidKeys:
        """The configured VAPID key, or one generated once and kept in the data directory."""
        if self.vapid_private_key is not None:
            key = _load_vapid_key(self.vapid_private_key.get_secret_value())
        else:
            key = _stored_vapid_key(self.data_dir / VAPID_KEY_FILE_NAME)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return VapidKeys(
            private_pem=pem.decode("ascii"), public_key=base64.urlsafe_b64encode(point).decode().rstrip("=")
        )


def _stored_secret(path: Path) -> str:
    if path.exists():
        secret = path.read_text().strip()
        if len(secret) < MIN_SECRET_LENGTH:
            raise SettingsError(f"{path}: the stored secret key is too short; delete the file to make a new one")
        return secret
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must agree on one secret.
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(secret)
        path.chmod(0o600)
    except FileExistsError:
        return _stored_secret(path)
    return secret


def _provider(number: int, entry: Any) -> OidcProviderSettings:
    """One entry of MIRUBATO_OIDC_PROVIDERS, its first problem named (the provider and the field)."""
    if isinstance(entry, OidcProviderSettings):
        return entry
    try:
        return OidcProviderSettings.model_validate(entry)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise ValueError(f"provider {number}: {where + ': ' if where else ''}{message}") from None


def _load_vapid_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from a PEM or from base64url of its 32 raw bytes (what web-push tools print)."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            if len(raw) != 32:
                raise ValueError
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except (ValueError, TypeError, UnsupportedAlgorithm):
        # The message never repeats the value: it is a secret.
        raise ValueError("is not a P-256 private key (a PEM, or base64url of the raw 32 bytes)") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("is not a P-256 private key (a PEM, or base64url of the raw 32 bytes)")
    return key


def _stored_vapid_key(path: Path) -> ec.EllipticCurvePrivateKey:
    if path.exists():
        try:
            return _load_vapid_key(path.read_text())
        except ValueError:
            # A new key would silently end every subscription, so the choice is left to the operator.
            raise SettingsError(
                f"{path}: not a P-256 private key; delete the file to make a new one "
                "(every browser then has to turn reminders on again)"
            ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    # Written whole to a private temporary file, then linked into place: the link fails if the file
    # exists (like O_EXCL, two processes starting at once agree on one key), and no process ever
    # reads a half-written key. mkstemp creates the file with mode 600.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(pem)
        os.link(temporary, path)
    except FileExistsError:
        return _stored_vapid_key(path)
    finally:
        os.unlink(temporary)
    return key


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into one line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # pydantic-settings reads the rest from the environment
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"{ENV_PREFIX}{field.upper()}: {message}") from None
