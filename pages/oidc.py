"""Signing in (or linking an account) with a provider: leave for it, come back, or be told why not.

``/auth/oidc/<name>/start`` seals a new flow into a cookie (signed, HttpOnly, 10 minutes, only sent
to ``/auth/oidc/``) and sends the browser to the provider. ``/auth/oidc/<name>/callback`` opens that
cookie again by the state the provider sends back, has ``services.oidc`` check the answer, then signs
the browser in as the email link does (a fresh storage id, the session in ``app.storage.user``) or
links the identity. Whatever happens the cookie is deleted, and a refusal ends on
``/auth/oidc/refused``: the sign-in card with the reason and a 4xx status (503 when the provider or
our storage is down), so neither the code nor the state stays in the address bar.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import app, run, ui

from components.auth_card import auth_card
from components.browser_sign_in import remember_sign_in, service
from components.linked_accounts import remember_notice
from components.oidc_buttons import render as provider_buttons
from components.page_route import endpoint, page
from core.i18n import _
from services import oidc
from services.oidc import Intent, Reason, Refused
from services.rate_limits import RateLimited
from web.browser_storage import (
    browser_session_of,
    rotate_browser_id,
    shared_storage_reachable,
    storage_of,
    this_browsers_storage,
)
from web.oidc_runtime import OidcRuntime, oidc_runtime

REFUSED_PATH = "/auth/oidc/refused"


@endpoint("GET", "/auth/oidc/{name}/start")
async def start(request: Request, name: str, intent: str = Intent.SIGN_IN.value) -> Response:
    runtime = oidc_runtime()
    kind = Intent.LINK if intent == Intent.LINK.value else Intent.SIGN_IN
    try:
        provider = oidc.find_provider(runtime.providers, name)
        flow = await service(
            oidc.new_flow,
            write=False,
            provider=provider,
            intent=kind,
            browser_session_id=browser_session_of(request),
        )
        url = await oidc.authorization_url(
            provider, flow, redirect_to=oidc.redirect_uri(runtime.base_url, provider), client=runtime.client
        )
    except Refused as refusal:
        return _refused(refusal.reason, name, kind)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        oidc.cookie_name(flow.state),
        runtime.seal.seal(flow),
        max_age=int(runtime.seal.lifetime.total_seconds()),
        path=oidc.COOKIE_PATH,
        httponly=True,
        secure=runtime.secure_cookies,
        samesite="lax",  # sent on the provider's top-level redirect back, not on other sites' requests
    )
    return response


@endpoint("GET", "/auth/oidc/{name}/callback")
async def callback(request: Request, name: str) -> Response:
    runtime = oidc_runtime()
    answer = {key: value for key, value in request.query_params.items() if len(value) <= 4096}
    state = answer.get("state", "")
    cookie = oidc.cookie_name(state) if state else None
    intent = Intent.SIGN_IN
    try:
        provider = oidc.find_provider(runtime.providers, name)
        await _count_attempt(request)
        flow = runtime.seal.open(request.cookies.get(cookie) if cookie else None, state=state)
        intent = flow.intent
        if intent == Intent.SIGN_IN and not await shared_storage_reachable():  # before the code is spent
            raise Refused(Reason.STORAGE)
        identity = await oidc.prove_identity(
            provider,
            flow,
            answer,
            redirect_to=oidc.redirect_uri(runtime.base_url, provider),
            client=runtime.client,
            now=datetime.now(UTC),
        )
        if flow.intent == Intent.LINK:
            response = await _link(request, runtime, identity, flow)
        else:
            response = await _sign_in(request, runtime, identity)
    except Refused as refusal:
        response = _refused(refusal.reason, name, intent)
    except RateLimited:
        response = _refused(Reason.BUSY, name, intent)
    if cookie and cookie in request.cookies:
        response.delete_cookie(cookie, path=oidc.COOKIE_PATH, secure=runtime.secure_cookies, httponly=True)
    return response


async def _sign_in(request: Request, runtime: OidcRuntime, identity: oidc.ProvenIdentity) -> Response:
    """As the email link's confirm button does: a new storage id for this browser, holding the new session."""
    new_browser_id = str(uuid.uuid4())
    signed_in = await service(
        oidc.sign_in_with_identity,
        identity=identity,
        providers=runtime.providers,
        ip=_ip(request),
        config=app.state.auth_config,
        user_agent=request.headers.get("user-agent"),
        browser_id=new_browser_id,
    )
    await rotate_browser_id(request, new_browser_id)
    remember_sign_in(storage_of(new_browser_id), str(signed_in.session_id))
    return RedirectResponse("/welcome" if signed_in.needs_onboarding else "/", status_code=303)


async def _link(request: Request, runtime: OidcRuntime, identity: oidc.ProvenIdentity, flow: oidc.Flow) -> Response:
    linked = await service(
        oidc.link_identity,
        identity=identity,
        flow=flow,
        providers=runtime.providers,
        browser_session_id=browser_session_of(request),
    )
    storage = this_browsers_storage()
    if storage is not None:
        remember_notice(storage, label=linked.label, already=linked.already)
    return RedirectResponse("/settings", status_code=303)


async def _count_attempt(request: Request) -> None:
    limiter = app.state.limiter
    if limiter.windows.blocking:
        await run.io_bound(oidc.count_attempt, limiter, ip=_ip(request))
    else:
        oidc.count_attempt(limiter, ip=_ip(request))


def _refused(reason: Reason, provider: str, intent: Intent) -> Response:
    query = {"reason": reason.value, "provider": provider}
    if intent == Intent.LINK:
        query["intent"] = intent.value
    return RedirectResponse(f"{REFUSED_PATH}?{urlencode(query)}", status_code=303)


@page(REFUSED_PATH)
async def refused_page(reason: str = "", provider: str = "", intent: str = "") -> None:
    """Why a sign-in (or a link) with a provider did not happen, with the status that says so."""
    try:
        why = Reason(reason)
    except ValueError:
        why = Reason.STATE
    ui.page_title(_("Sign in · Mirubato"))
    providers = oidc_runtime().providers
    # Translators: stands in for {provider} when the provider is not known.
    label = providers[provider].label if provider in providers else _("the provider")
    ui.context.client.status_code = oidc.STATUS[why]
    linking = intent == Intent.LINK.value
    with auth_card(_("Link an account") if linking else _("Sign in")):
        ui.label(oidc.refusal_message(why, label)).classes("text-negative").mark("oidc-problem")
        if linking:
            ui.button(_("Back to Settings"), on_click=lambda: ui.navigate.to("/settings")).props(
                "unelevated color=primary"
            ).classes("w-full")
            return
        ui.button(_("Email me a sign-in link instead"), on_click=lambda: ui.navigate.to("/login")).props(
            "unelevated color=primary"
        ).classes("w-full").mark("oidc-use-email")
        provider_buttons()


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
