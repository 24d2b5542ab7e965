"""Signing in with an account elsewhere: OpenID Connect providers and GitHub.

The flow is the authorization code flow with PKCE (S256), a state and a nonce. What the browser
must bring back is sealed in a signed, short-lived cookie (``FlowSeal``): the provider, the intent,
the state, the nonce, the code verifier and, to link an account, the account that asked.

Everything is decided here:

- who may start: anyone may sign in; linking needs a live sign-in and links to that account only,
  and the browser that finishes must still be signed in to it;
- what the provider must prove: the state this browser was given, an authorization response of
  the right issuer (RFC 9207), a code it redeems once, an id_token signed by a key of its published
  set, with our client as audience (and authorized party), not expired, and the nonce this browser
  was given; an address it says is verified (GitHub: the primary address, verified);
- which account an identity signs in: the one it is linked to; else the account with the same
  verified address (the identity is linked to it then); else a new account, made as the email
  link makes one. An unverified address never finds or makes an account.

The browser session is opened as ``services.auth.redeem_sign_in`` opens it for an email link.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core.i18n import N_, _
from core.models import SessionKind, User, UserIdentity
from core.security import ExpiredLink, InvalidToken, SignedLinks
from core.settings import GITHUB, Settings
from services import audit
from services.actor import Actor
from services.adapters.openid import OpenIdClient, ProviderMetadata, ProviderRefused, ProviderUnreachable
from services.auth import AuthConfig, SignedIn, open_session
from services.auth_sessions import actor_for_browser_session
from services.errors import InvalidInput, NotFound, ServiceError
from services.rate_limits import FIFTEEN_MINUTES, RateLimiter
from services.users import find_or_create_account, normalize_email
from services.validation import Output

log = logging.getLogger(__name__)

COOKIE_PREFIX = "mirubato_oidc_"
COOKIE_PATH = "/auth/oidc/"
# Asymmetric signatures only: an HS256 token would be checked with a key the client shares.
ID_TOKEN_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
CLOCK_LEEWAY_SECONDS = 120
GITHUB_SCOPES = ("read:user", "user:email")


class Intent(StrEnum):
    SIGN_IN = "sign_in"
    LINK = "link"


class Reason(StrEnum):
    """Why a sign-in with a provider was refused: each has its message and HTTP status."""

    STATE = "state"
    DENIED = "denied"
    PROVIDER = "provider"
    CODE = "code"
    TOKEN = "token"
    UNVERIFIED = "unverified"
    DEACTIVATED = "deactivated"
    TAKEN = "taken"
    SIGNED_OUT = "signed_out"
    BUSY = "busy"
    UNKNOWN = "unknown"
    UNREACHABLE = "unreachable"
    STORAGE = "storage"


# Each message may name the provider by its label, e.g. "Google".
MESSAGES: dict[Reason, str] = {
    Reason.STATE: N_(
        "This sign-in did not start in this browser, or took too long. Please start again from the sign-in page."
    ),
    # Translators: {provider} is where the person signs in, e.g. Google or GitHub.
    Reason.DENIED: N_("Signing in with {provider} was cancelled or refused. Nothing was changed."),
    # Translators: {provider} is where the person signs in, e.g. Google or GitHub.
    Reason.PROVIDER: N_("{provider} could not complete the sign-in. Please try again."),
    # Translators: {provider} is where the person signs in, e.g. Google or GitHub.
    Reason.CODE: N_(
        "{provider} did not confirm this sign-in: its answer was already used or has expired. Please try again."
    ),
    # Translators: {provider} is where the person signs in, e.g. Google or GitHub.
    Reason.TOKEN: N_("The answer from {provider} could not be verified, so it was not accepted. Please try again."),
    # Translators: {provider} is where the person signs in, e.g. Google or GitHub.
    Reason.UNVERIFIED: N_(
        "{provider} has not verified an email address for this account, so it cannot sign you in. "
        "Verify your address there, or sign in with an email link."
    ),
    Reason.DEACTIVATED: N_("This account has been deactivated. Contact your studio's administrator."),
    # Translators: {provider} is where the person signs in, e.g. Google or GitHub.
    Reason.TAKEN: N_("This {provider} account is already linked to another Mirubato account."),
    Reason.SIGNED_OUT: N_("Sign in first to link an account; then link it from Settings."),
    Reason.BUSY: N_("Too many sign-in attempts from this network. Please wait a few minutes and try again."),
    Reason.UNKNOWN: N_("There is no such way to sign in here."),
    # Translators: {provider} is where the person signs in, e.g. Google or GitHub.
    Reason.UNREACHABLE: N_(
        "{provider} cannot be reached just now. Please try again in a moment, or use an email link."
    ),
    Reason.STORAGE: N_("Signing in is not possible right now: the server cannot keep sign-ins at the moment."),
}
STATUS: dict[Reason, int] = {
    Reason.STATE: 400,
    Reason.DENIED: 403,
    Reason.PROVIDER: 400,
    Reason.CODE: 400,
    Reason.TOKEN: 403,
    Reason.UNVERIFIED: 403,
    Reason.DEACTIVATED: 403,
    Reason.TAKEN: 409,
    Reason.SIGNED_OUT: 401,
    Reason.BUSY: 429,
    Reason.UNKNOWN: 404,
    Reason.UNREACHABLE: 503,  # not a refusal: the provider or our storage is down; try again later
    Reason.STORAGE: 503,
}


def printable(text: str, limit: int = 80) -> str:
    """A provider's or a URL's text made safe for one log line (no line breaks, no control characters)."""
    return re.sub(r"[^\w .:'=-]", "?", text[:limit])


def refusal_message(reason: Reason, provider_label: str) -> str:
    return _(MESSAGES[reason], provider=provider_label)


class Refused(ServiceError):
    """A sign-in or link with a provider refused; ``reason`` names why, ``status_code`` the HTTP status."""

    def __init__(self, reason: Reason, provider_label: str = "") -> None:
        # Translators: stands in for {provider} when the provider is not known.
        super().__init__(refusal_message(reason, provider_label or _("the provider")))
        self.reason = reason
        self.status_code = STATUS[reason]


@dataclass(frozen=True)
class Provider:
    """A way to sign in: an OpenID provider found by discovery, or GitHub's OAuth endpoints."""

    name: str
    label: str
    kind: Literal["oidc", "github"]
    client_id: str
    client_secret: str = field(repr=False)
    scopes: tuple[str, ...]
    issuer: str = ""
    authorize_url: str = ""
    token_url: str = ""
    api_url: str = ""


def providers_from(settings: Settings) -> dict[str, Provider]:
    """The providers the settings configure, by name, in the order the settings give them (GitHub last)."""
    providers = {
        p.name: Provider(
            name=p.name,
            label=p.label,
            kind="oidc",
            client_id=p.client_id,
            client_secret=p.client_secret.get_secret_value(),
            scopes=p.scopes,
            issuer=p.issuer,
        )
        for p in settings.oidc_providers
    }
    if settings.github_client_id and settings.github_client_secret:
        providers[GITHUB] = Provider(
            name=GITHUB,
            label=settings.github_label,
            kind="github",
            client_id=settings.github_client_id,
            client_secret=settings.github_client_secret.get_secret_value(),
            scopes=GITHUB_SCOPES,
            authorize_url=settings.github_authorize_url,
            token_url=settings.github_token_url,
            api_url=settings.github_api_url,
        )
    return providers


class ProviderOut(Output):
    name: str
    label: str


class IdentityOut(Output):
    id: uuid.UUID
    provider: str
    label: str
    email: str | None
    linked_at: datetime


class IdentitiesOut(Output):
    """The accounts elsewhere linked to the user, and every provider one may be linked from."""

    identities: list[IdentityOut]
    providers: list[ProviderOut]


def public_providers(providers: Mapping[str, Provider]) -> list[ProviderOut]:
    return [ProviderOut(name=p.name, label=p.label) for p in providers.values()]


# The flow: what the browser keeps between leaving for the provider and coming back.


@dataclass(frozen=True)
class Flow:
    provider: str
    intent: Intent
    state: str
    nonce: str
    verifier: str
    user_id: str | None = None  # linking: the account to link to


class FlowSeal:
    """Seals a flow into a cookie value: signed with the server's secret, readable for ``lifetime``."""

    def __init__(self, secret: str, lifetime: timedelta) -> None:
        self._links = SignedLinks(secret, purpose="oidc-flow")
        self.lifetime = lifetime

    def seal(self, flow: Flow) -> str:
        return self._links.make(json.dumps(asdict(flow), separators=(",", ":")))

    def open(self, sealed: str | None, *, state: str) -> Flow:
        """The flow in a cookie, if it is genuine, recent and was made for ``state``; else Refused(STATE)."""
        if not sealed or not state:
            raise Refused(Reason.STATE)
        try:
            values = json.loads(self._links.read(sealed, max_age=self.lifetime))
            flow = Flow(**{**values, "intent": Intent(values["intent"])})
        except (ExpiredLink, InvalidToken, ValueError, TypeError, KeyError):
            raise Refused(Reason.STATE) from None
        if not hmac.compare_digest(flow.state.encode(), state.encode()):
            raise Refused(Reason.STATE)
        return flow


def cookie_name(state: str) -> str:
    """One cookie per flow (two tabs may sign in at once), found again from the state coming back."""
    return COOKIE_PREFIX + hashlib.sha256(state.encode()).hexdigest()[:16]


def redirect_uri(base_url: str, provider: Provider) -> str:
    return f"{base_url}/auth/oidc/{provider.name}/callback"


def find_provider(providers: Mapping[str, Provider], name: str) -> Provider:
    provider = providers.get(name)
    if provider is None:
        raise Refused(Reason.UNKNOWN)
    return provider


def new_flow(session: Session, *, provider: Provider, intent: Intent, browser_session_id: str | None) -> Flow:
    """Start: anyone may sign in; linking needs a live sign-in, and will link to that account only."""
    user_id = None
    if intent == Intent.LINK:
        actor = actor_for_browser_session(session, session_id=browser_session_id)
        if actor is None:
            raise Refused(Reason.SIGNED_OUT, provider.label)
        user_id = str(actor.id)
    return Flow(
        provider=provider.name,
        intent=intent,
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        verifier=secrets.token_urlsafe(64),  # 86 characters: RFC 7636 asks for 43 to 128
        user_id=user_id,
    )


async def authorization_url(provider: Provider, flow: Flow, *, redirect_to: str, client: OpenIdClient) -> str:
    """Where the browser goes to sign in at the provider."""
    challenge = {"code_challenge": create_s256_code_challenge(flow.verifier), "code_challenge_method": "S256"}
    if provider.kind == "github":
        endpoint, extra = provider.authorize_url, {"allow_signup": "true"}
    else:
        try:
            endpoint = (await _metadata(provider, client)).authorization_endpoint
        except ProviderUnreachable:
            raise Refused(Reason.UNREACHABLE, provider.label) from None
        extra = {"nonce": flow.nonce}
    url: str = prepare_grant_uri(
        endpoint,
        provider.client_id,
        "code",
        redirect_uri=redirect_to,
        scope=" ".join(provider.scopes),
        state=flow.state,
        **challenge,
        **extra,
    )
    return url


def count_attempt(limiter: RateLimiter, *, ip: str) -> None:
    """A return from a provider counts as a sign-in attempt from its address, as a link's redemption does."""
    limiter.hit(
        f"verify-ip:{ip}",
        limit=limiter.limits.verify_per_ip,
        window=FIFTEEN_MINUTES,
        message=lambda: refusal_message(Reason.BUSY, ""),
    )


@dataclass(frozen=True)
class ProvenIdentity:
    """Who the provider vouched for: its stable subject id and a verified address (lowercase)."""

    provider: str
    subject: str
    email: str


async def prove_identity(
    provider: Provider,
    flow: Flow,
    answer: Mapping[str, str],
    *,
    redirect_to: str,
    client: OpenIdClient,
    now: datetime,
) -> ProvenIdentity:
    """Check the provider's answer (the callback's query) and redeem its code; Refused on any failure."""
    if flow.provider != provider.name:
        raise Refused(Reason.STATE, provider.label)
    if answer.get("error"):
        denied = answer["error"] in {"access_denied", "consent_required", "login_required", "interaction_required"}
        log.info("%s answered the sign-in with the error %s", provider.name, printable(answer["error"]))
        raise Refused(Reason.DENIED if denied else Reason.PROVIDER, provider.label)
    code = answer.get("code") or ""
    if not code or len(code) > 2048:
        raise Refused(Reason.PROVIDER, provider.label)
    try:
        if provider.kind == "github":
            return await _prove_github(provider, flow, code, redirect_to=redirect_to, client=client)
        return await _prove_oidc(provider, flow, answer, code, redirect_to=redirect_to, client=client, now=now)
    except ProviderUnreachable:
        raise Refused(Reason.UNREACHABLE, provider.label) from None


async def _prove_oidc(
    provider: Provider,
    flow: Flow,
    answer: Mapping[str, str],
    code: str,
    *,
    redirect_to: str,
    client: OpenIdClient,
    now: datetime,
) -> ProvenIdentity:
    metadata = await _metadata(provider, client)
    # RFC 9207: an answer naming another issuer is a mix-up; one that should name it and does not, too.
    if answer.get("iss", metadata.issuer if not metadata.sends_iss else None) != metadata.issuer:
        log.warning("%s: the authorization answer names another issuer or none", provider.name)
        raise Refused(Reason.PROVIDER, provider.label)
    tokens = await _redeem(provider, metadata.token_endpoint, code, flow, redirect_to, client, basic_auth=True)
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        log.warning("%s: the token answer has no id_token", provider.name)
        raise Refused(Reason.TOKEN, provider.label)
    algorithms = [a for a in metadata.id_token_algorithms if a in ID_TOKEN_ALGORITHMS] or ["RS256"]
    token: str = id_token

    def check(keys: KeySet) -> dict[str, Any]:
        return verify_id_token(
            token,
            keys,
            issuer=provider.issuer,
            client_id=provider.client_id,
            nonce=flow.nonce,
            now=now,
            algorithms=algorithms,
        )

    try:
        try:
            claims = check(await client.key_set(metadata.jwks_uri))
        except InvalidKeyIdError:  # a key we have not seen: the provider may have rotated its keys
            claims = check(await client.key_set(metadata.jwks_uri, fresh=True))
    except JoseError as error:
        # What failed (bad_signature, "invalid_claim: Invalid claim: 'nonce'" ...); never the token or a value.
        log.warning("%s: the id_token was refused: %s", provider.name, printable(str(error) or type(error).__name__))
        raise Refused(Reason.TOKEN, provider.label) from None
    subject = claims["sub"]
    if "email" not in claims and metadata.userinfo_endpoint and isinstance(tokens.get("access_token"), str):
        # Providers may keep the address for the userinfo endpoint (OpenID Connect Core 5.4).
        try:
            info = await client.get_json(metadata.userinfo_endpoint, access_token=tokens["access_token"])
        except ProviderRefused:
            raise Refused(Reason.PROVIDER, provider.label) from None
        if not isinstance(info, dict) or info.get("sub") != subject:  # Core 5.3.2: the same subject, or nothing
            log.warning("%s: userinfo speaks of another subject", provider.name)
            raise Refused(Reason.TOKEN, provider.label)
        claims = {**info, **claims}
    return ProvenIdentity(provider=provider.name, subject=subject, email=_verified_email(provider, claims))


def verify_id_token(
    token: str,
    keys: KeySet,
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    now: datetime,
    algorithms: list[str] | None = None,
) -> dict[str, Any]:
    """An id_token's claims once its signature (a key of ``keys``), iss, aud, azp, exp, iat and nonce
    hold (OpenID Connect Core 3.1.3.7); raises a JoseError otherwise."""
    decoded = jwt.decode(token, keys, algorithms=algorithms or list(ID_TOKEN_ALGORITHMS))
    claims = dict(decoded.claims)
    registry = jwt.JWTClaimsRegistry(
        now=int(now.timestamp()),
        leeway=CLOCK_LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    registry.validate(claims)
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if ("azp" in claims or len(audiences) > 1) and claims.get("azp") != client_id:
        raise JoseError("azp: the token was issued to another party")
    if not isinstance(claims["sub"], str) or not 0 < len(claims["sub"]) <= 255:
        raise JoseError("sub: not a usable subject")
    return claims


async def _prove_github(
    provider: Provider, flow: Flow, code: str, *, redirect_to: str, client: OpenIdClient
) -> ProvenIdentity:
    """GitHub's OAuth 2 (no id_token): who it is from /user, the address from /user/emails."""
    tokens = await _redeem(provider, provider.token_url, code, flow, redirect_to, client, basic_auth=False)
    access_token = tokens.get("access_token")
    if not isinstance(access_token, str):
        raise Refused(Reason.CODE, provider.label)
    try:
        user = await client.get_json(f"{provider.api_url}/user", access_token=access_token)
        emails = await client.get_json(f"{provider.api_url}/user/emails", access_token=access_token)
    except ProviderRefused:
        raise Refused(Reason.PROVIDER, provider.label) from None
    subject = user.get("id") if isinstance(user, dict) else None
    if not isinstance(subject, int) or isinstance(subject, bool):
        log.warning("github: /user has no numeric id")
        raise Refused(Reason.PROVIDER, provider.label)
    primary = (
        [e for e in emails if isinstance(e, dict) and e.get("primary") is True] if isinstance(emails, list) else []
    )
    claims = {"email": primary[0].get("email"), "email_verified": primary[0].get("verified")} if primary else {}
    return ProvenIdentity(provider=provider.name, subject=str(subject), email=_verified_email(provider, claims))


async def _redeem(
    provider: Provider,
    endpoint: str,
    code: str,
    flow: Flow,
    redirect_to: str,
    client: OpenIdClient,
    *,
    basic_auth: bool,
) -> dict[str, Any]:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_to,
        "code_verifier": flow.verifier,
    }
    try:
        return await client.redeem_code(
            endpoint,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            form=form,
            basic_auth=basic_auth,
        )
    except ProviderRefused:  # invalid_grant: used before, expired, or not ours (PKCE)
        raise Refused(Reason.CODE, provider.label) from None


def _verified_email(provider: Provider, claims: Mapping[str, Any]) -> str:
    email, verified = claims.get("email"), claims.get("email_verified")
    # Some providers send the flag as the string "true"; anything else is not verified.
    if not isinstance(email, str) or not email.strip() or verified not in (True, "true"):
        log.info("%s vouched for no verified address", provider.name)
        raise Refused(Reason.UNVERIFIED, provider.label)
    return normalize_email(email)


async def _metadata(provider: Provider, client: OpenIdClient) -> ProviderMetadata:
    return await client.metadata(provider.issuer)


# In the database: which account an identity signs in, linking, the list, unlinking.


def sign_in_with_identity(
    session: Session,
    *,
    identity: ProvenIdentity,
    providers: Mapping[str, Provider],
    ip: str,
    config: AuthConfig,
    user_agent: str | None = None,
    browser_id: str | None = None,
) -> SignedIn:
    """Open a browser session for the account the identity belongs to, linking or making it if need be."""
    provider = find_provider(providers, identity.provider)
    row = _identity_row(session, identity)
    if row is not None:
        user = session.get(User, row.user_id)
        row.email = identity.email
        how = "identity"
    else:
        existing = session.exec(select(User).where(User.email == identity.email)).first()
        try:
            account = find_or_create_account(session, {"email": identity.email})
        except InvalidInput:  # an address our own sign-up would refuse
            raise Refused(Reason.UNVERIFIED, provider.label) from None
        user = session.get(User, account.id)
        how = "verified email" if existing is not None else "new account"
        if user is not None:
            _add_identity(session, user.id, identity, provider, by=how)
    if user is None or not user.is_active:
        raise Refused(Reason.DEACTIVATED, provider.label)
    return open_session(
        session,
        user=user,
        kind=SessionKind.BROWSER,
        ip=ip,
        config=config,
        user_agent=user_agent,
        browser_id=browser_id,
        audit_details={"provider": provider.name, "account": how},
    )


@dataclass(frozen=True)
class Linked:
    label: str
    already: bool  # it was linked to this account before


def link_identity(
    session: Session,
    *,
    identity: ProvenIdentity,
    flow: Flow,
    providers: Mapping[str, Provider],
    browser_session_id: str | None,
) -> Linked:
    """Link an identity to the account that asked, if this browser is still signed in to it."""
    provider = find_provider(providers, identity.provider)
    actor = actor_for_browser_session(session, session_id=browser_session_id)
    if actor is None or flow.intent != Intent.LINK or str(actor.id) != flow.user_id:
        raise Refused(Reason.SIGNED_OUT, provider.label)
    row = _identity_row(session, identity)
    if row is not None and row.user_id != actor.id:
        raise Refused(Reason.TAKEN, provider.label)
    if row is not None:
        row.email = identity.email
        return Linked(label=provider.label, already=True)
    _add_identity(session, actor.id, identity, provider, by="link")
    return Linked(label=provider.label, already=False)


def list_identities(session: Session, *, actor: Actor, providers: Mapping[str, Provider]) -> IdentitiesOut:
    """The user's own linked identities (a provider since removed from the settings shows its name)."""
    rows = session.exec(
        select(UserIdentity).where(UserIdentity.user_id == actor.id).order_by(col(UserIdentity.linked_at))
    ).all()
    return IdentitiesOut(
        identities=[
            IdentityOut(
                id=row.id,
                provider=row.provider,
                label=providers[row.provider].label if row.provider in providers else row.provider,
                email=row.email,
                linked_at=row.linked_at,
            )
            for row in rows
        ],
        providers=public_providers(providers),
    )


def unlink_identity(session: Session, *, actor: Actor, identity_id: uuid.UUID) -> None:
    """Unlink one of the user's identities. Always allowed: an email link still signs the user in."""
    row = session.get(UserIdentity, identity_id)
    if row is None or row.user_id != actor.id:
        raise NotFound(_("No linked account with this id."))
    session.delete(row)
    audit.record(
        session, "identity_unlinked", actor_id=actor.id, subject_id=actor.id, details={"provider": row.provider}
    )
    session.flush()


def _identity_row(session: Session, identity: ProvenIdentity) -> UserIdentity | None:
    return session.exec(
        select(UserIdentity).where(UserIdentity.provider == identity.provider, UserIdentity.subject == identity.subject)
    ).first()


def _add_identity(
    session: Session, user_id: uuid.UUID, identity: ProvenIdentity, provider: Provider, *, by: str
) -> None:
    try:
        with session.begin_nested():  # two returns of the same new identity at once: the second loses here
            session.add(
                UserIdentity(
                    user_id=user_id, provider=identity.provider, subject=identity.subject, email=identity.email
                )
            )
    except IntegrityError:
        winner = _identity_row(session, identity)
        if winner is None or winner.user_id != user_id:
            raise Refused(Reason.TAKEN, provider.label) from None
        return
    audit.record(
        session, "identity_linked", actor_id=user_id, subject_id=user_id, details={"provider": provider.name, "by": by}
    )
