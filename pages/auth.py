"""Sign-in pages: ask for a link, confirm the emailed link, sign out.

The emailed link opens a confirm page; only its button signs in (mail scanners fetch links).
The button posts a plain HTML form, so the response can set a fresh storage cookie: the browser
gets a new NiceGUI storage id at sign-in and nothing secret stays in a URL.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import app, ui

from components import oidc_buttons
from components.auth_card import auth_card, forget_url_token
from components.browser_sign_in import browser_actor, remember_sign_in, service
from components.page_route import endpoint, page
from core.i18n import N_, _, ngettext
from services import auth
from services.auth import SessionKind
from services.errors import InvalidInput, ServiceError, Unauthenticated
from services.rate_limits import RateLimited
from web.browser_storage import rotate_browser_id, shared_storage_reachable, storage_of

PROBLEMS = {
    "link": N_("That sign-in link is invalid, has expired or was already used. Ask for a new one below."),
    "busy": N_("Too many sign-in attempts from this network. Please wait a few minutes and try again."),
    "origin": N_("The sign-in form came from another site, so it was not accepted. Open the link from your email."),
    "deleted": N_("Your account and all its data have been deleted. Thank you for practising with Mirubato."),
    "storage": N_(
        "Signing in is not possible right now: the server cannot keep sign-ins at the moment. "
        "Your link still works; please open it again in a few minutes."
    ),
}
# The browser tab's title (NiceGUI's before the page is built; the page sets it again in its language).
LOGIN_TITLE = N_("Sign in · Mirubato")
CONFIRM_TITLE = N_("Confirm sign-in · Mirubato")


@page("/login", title=LOGIN_TITLE)
async def login_page(problem: str = "") -> RedirectResponse | None:
    if await browser_actor() is not None:
        return RedirectResponse("/")
    ui.page_title(_(LOGIN_TITLE))
    with auth_card(_("Sign in")):
        if problem in PROBLEMS:
            ui.label(_(PROBLEMS[problem])).classes("text-negative").mark("login-problem")
        request_form = ui.column().classes("w-full gap-3")
        sent_panel = ui.column().classes("w-full gap-3 items-center text-center")
        sent_panel.visible = False
        with request_form:
            ui.label(_("We email you a link; no password needed.")).classes("text-grey-7")
            email = (
                ui.input(_("Email address"))
                .props("type=email autocomplete=email autofocus outlined")
                .classes("w-full")
                .mark("login-email")
            )
            send = (
                ui.button(_("Email me a sign-in link"))
                .props("unelevated color=primary")
                .classes("w-full")
                .mark("login-send")
            )
        oidc_buttons.render()  # "or" and a button per configured provider; nothing when none is

    async def send_link() -> None:
        send.props("loading")
        try:
            link = await service(
                auth.request_sign_in,
                data={"email": email.value or ""},
                ip=_ip(),
                limiter=app.state.limiter,
                config=app.state.auth_config,
            )
        except InvalidInput:
            email.error = _("Please enter an email address like name@example.com.")
            return
        except ServiceError as exc:
            ui.notify(exc.message, type="negative", multi_line=True)
            return
        finally:
            send.props(remove="loading")
        request_form.visible = False
        with sent_panel:
            ui.icon("mark_email_read", size="3rem", color="primary")
            ui.label(_("Check your email")).classes("text-h6")
            sent = ngettext(
                "We sent a sign-in link to {email}. It works once, for {n} minutes.",
                "We sent a sign-in link to {email}. It works once, for {n} minutes.",
                link.minutes,
                email=link.email,
            )
            ui.label(sent).mark("login-sent")
            ui.button(_("Use another address"), on_click=lambda: ui.navigate.to("/login")).props("flat")
        sent_panel.visible = True

    send.on_click(send_link)
    email.on("keydown.enter", send_link)
    return None


@page("/auth/verify", title=CONFIRM_TITLE)
async def confirm_page(token: str = "") -> None:
    forget_url_token()
    ui.page_title(_(CONFIRM_TITLE))
    email = await service(auth.pending_sign_in_email, write=False, token=token) if 10 <= len(token) <= 200 else None
    with auth_card(_("Confirm sign-in")):
        if email is None:
            ui.label(_(PROBLEMS["link"])).mark("verify-problem")
            ui.button(_("Ask for a new link"), on_click=lambda: ui.navigate.to("/login")).props("unelevated")
            return
        ui.label(_("Sign in to Mirubato as")).classes("text-grey-7")
        ui.label(email).classes("text-subtitle1 text-weight-medium").mark("verify-email")
        with ui.element("form").props('method="post" action="/auth/verify"').classes("w-full"):
            ui.element("input").props(f'type="hidden" name="token" value="{token}"')
            ui.button(_("Sign in")).props('type="submit" unelevated color=primary').classes("w-full").mark(
                "verify-confirm"
            )


@endpoint("POST", "/auth/verify")
async def complete_sign_in(request: Request) -> Response:
    """The confirm button: use up the link, open a browser session, rotate the storage cookie."""
    if not _same_origin(request):
        return RedirectResponse("/login?problem=origin", status_code=303)
    token = str((await request.form()).get("token", ""))
    if not await shared_storage_reachable():  # checked before the link is used up, so it still works later
        return RedirectResponse("/login?problem=storage", status_code=303)
    new_browser_id = str(uuid.uuid4())
    try:
        signed_in = await service(
            auth.redeem_sign_in,
            data={"token": token},
            kind=SessionKind.BROWSER,
            ip=request.client.host if request.client else "unknown",
            limiter=app.state.limiter,
            config=app.state.auth_config,
            user_agent=request.headers.get("user-agent"),
            browser_id=new_browser_id,
        )
    except (Unauthenticated, InvalidInput):
        return RedirectResponse("/login?problem=link", status_code=303)
    except RateLimited:
        return RedirectResponse("/login?problem=busy", status_code=303)
    await rotate_browser_id(request, new_browser_id)
    remember_sign_in(storage_of(new_browser_id), str(signed_in.session_id))
    return RedirectResponse("/welcome" if signed_in.needs_onboarding else "/", status_code=303)


def _ip() -> str:
    request = ui.context.client.request
    return request.client.host if request and request.client else "unknown"


def _same_origin(request: Request) -> bool:
    """A cross-site form post (login CSRF) carries another site's Origin."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    return origin is not None and urlsplit(origin).netloc == request.headers.get("host")
