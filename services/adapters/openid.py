"""Talking to sign-in providers over HTTP: OpenID discovery, their signing keys, the token endpoint,
userinfo and GitHub's API.

What a provider answers is checked for shape here and judged in ``services.oidc``. Nothing secret
goes into a log line or an exception message: not the code, the client secret, a token or the
provider's error description (which may echo the request); only hosts, statuses and OAuth error
codes. Redirects are not followed (a token endpoint that redirects is misconfigured, and a code
must not be resent elsewhere).

Discovery documents and key sets are kept for an hour; an id_token naming a key id the cached
set lacks fetches the set again (a provider rotating its keys), at most once a minute.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, KeySetSerialization

from core.settings import secure_url

log = logging.getLogger(__name__)

CACHE_SECONDS = 3600.0
REFETCH_KEYS_AFTER = 60.0
TIMEOUT_SECONDS = 10.0
MAX_ANSWER_BYTES = 512 * 1024


class ProviderUnreachable(Exception):
    """The provider did not answer usefully: network, timeout, a 5xx, or an answer that is not JSON."""


class ProviderRefused(Exception):
    """The provider answered with an OAuth error (``error`` is its code, e.g. invalid_grant)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class ProviderMetadata:
    """What discovery says about an OpenID provider (OpenID Connect Discovery 1.0, section 3)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    id_token_algorithms: tuple[str, ...]
    sends_iss: bool  # RFC 9207: the authorization response names its issuer


class OpenIdClient:
    """One per process: HTTP to providers, with discovery and keys cached."""

    def __init__(
        self,
        *,
        timeout: float = TIMEOUT_SECONDS,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._timeout = timeout
        self._transport = transport
        self._clock = clock
        self._metadata: dict[str, tuple[float, ProviderMetadata]] = {}
        self._keys: dict[str, tuple[float, KeySet]] = {}
        self._lock = asyncio.Lock()

    async def metadata(self, issuer: str) -> ProviderMetadata:
        cached = self._metadata.get(issuer)
        if cached and self._clock() - cached[0] < CACHE_SECONDS:
            return cached[1]
        document = await self._get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        metadata = _metadata_from(document, issuer)
        self._metadata[issuer] = (self._clock(), metadata)
        return metadata

    async def key_set(self, jwks_uri: str, *, fresh: bool = False) -> KeySet:
        """The provider's public keys; ``fresh``: fetch again unless fetched in the last minute."""
        async with self._lock:
            cached = self._keys.get(jwks_uri)
            age = self._clock() - cached[0] if cached else None
            if cached and age is not None and (age < REFETCH_KEYS_AFTER or (not fresh and age < CACHE_SECONDS)):
                return cached[1]
            document = await self._get_json(jwks_uri)
            try:
                keys = KeySet.import_key_set(_public_keys(document))
            except (JoseError, ValueError, TypeError, KeyError) as error:
                log.warning("the key set at %s cannot be read: %s", _host(jwks_uri), type(error).__name__)
                raise ProviderUnreachable("unreadable key set") from None
            self._keys[jwks_uri] = (self._clock(), keys)
            return keys

    async def redeem_code(
        self,
        token_endpoint: str,
        *,
        client_id: str,
        client_secret: str,
        form: Mapping[str, str],
        basic_auth: bool = True,
    ) -> dict[str, Any]:
        """Trade an authorization code for tokens (RFC 6749 4.1.3); the client authenticates with
        HTTP Basic (client_secret_basic) or, for GitHub, in the form."""
        headers = {"Accept": "application/json"}
        body = dict(form)
        if basic_auth:
            # RFC 6749 2.3.1: both parts form-encoded before they are joined and base64-encoded.
            pair = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            body |= {"client_id": client_id, "client_secret": client_secret}
        answer = await self._send("POST", token_endpoint, headers=headers, data=body)
        document = _json_of(answer, token_endpoint)
        if isinstance(document, dict) and isinstance(document.get("error"), str):
            # GitHub answers 200 with an error; others 400 or 401.
            code = re.sub(r"[^a-z_]", "?", document["error"][:50])
            log.info("the token endpoint at %s refused the code: %s", _host(token_endpoint), code)
            raise ProviderRefused(code)
        if answer.status_code != 200 or not isinstance(document, dict):
            log.warning("the token endpoint at %s answered %d", _host(token_endpoint), answer.status_code)
            raise ProviderUnreachable("unexpected token answer")
        return document

    async def get_json(self, url: str, *, access_token: str) -> Any:
        """A resource read with an access token (userinfo, GitHub's API)."""
        answer = await self._send(
            "GET",
            url,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
        )
        if answer.status_code in (401, 403):
            log.info("%s refused the access token (%d)", _host(url), answer.status_code)
            raise ProviderRefused("invalid_token")
        if answer.status_code != 200:
            log.warning("%s answered %d", _host(url), answer.status_code)
            raise ProviderUnreachable("unexpected answer")
        return _json_of(answer, url)

    async def _get_json(self, url: str) -> Any:
        answer = await self._send("GET", url, headers={"Accept": "application/json"})
        if answer.status_code != 200:
            log.warning("%s answered %d", _host(url), answer.status_code)
            raise ProviderUnreachable("unexpected answer")
        return _json_of(answer, url)

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        if not secure_url(url.split("?")[0]):
            log.warning("refused to call %s: not https", _host(url))
            raise ProviderUnreachable("insecure URL")
        try:
            async with httpx.AsyncClient(
                timeout=self._timeout, transport=self._transport, follow_redirects=False, trust_env=False
            ) as client:
                answer = await client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            log.warning("%s could not be reached: %s", _host(url), type(error).__name__)
            raise ProviderUnreachable("network") from None
        if len(answer.content) > MAX_ANSWER_BYTES:
            log.warning("%s answered with %d bytes", _host(url), len(answer.content))
            raise ProviderUnreachable("answer too large")
        return answer


def _json_of(answer: httpx.Response, url: str) -> Any:
    try:
        return answer.json()
    except ValueError:
        log.warning("%s answered %d with something that is not JSON", _host(url), answer.status_code)
        raise ProviderUnreachable("not JSON") from None


def _metadata_from(document: Any, issuer: str) -> ProviderMetadata:
    if not isinstance(document, dict):
        raise ProviderUnreachable("discovery is not an object")
    # Discovery 4.3: the issuer in the document is exactly the one it was fetched for (mix-up defence).
    if document.get("issuer") != issuer:
        log.warning("discovery at %s names another issuer", _host(issuer))
        raise ProviderUnreachable("issuer mismatch")
    endpoints = {}
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = document.get(name)
        if not isinstance(value, str) or not secure_url(value.split("?")[0]):
            log.warning("discovery at %s lacks a usable %s", _host(issuer), name)
            raise ProviderUnreachable(f"no {name}")
        endpoints[name] = value
    userinfo = document.get("userinfo_endpoint")
    algorithms = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    return ProviderMetadata(
        issuer=issuer,
        authorization_endpoint=endpoints["authorization_endpoint"],
        token_endpoint=endpoints["token_endpoint"],
        jwks_uri=endpoints["jwks_uri"],
        userinfo_endpoint=userinfo if isinstance(userinfo, str) and secure_url(userinfo.split("?")[0]) else None,
        id_token_algorithms=tuple(a for a in algorithms if isinstance(a, str)),
        sends_iss=document.get("authorization_response_iss_parameter_supported") is True,
    )


def _public_keys(document: Any) -> KeySetSerialization:
    """The signing keys of a JWKS, without the private parts a careless provider might publish."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a key set")
    private = {"d", "p", "q", "dp", "dq", "qi", "k"}
    keys = [
        {name: value for name, value in key.items() if name not in private}
        for key in document["keys"]
        if isinstance(key, dict) and key.get("use", "sig") == "sig" and key.get("kty") in {"RSA", "EC", "OKP"}
    ]
    return {"keys": keys}


def _host(url: str) -> str:
    return urlsplit(url).netloc or "?"
