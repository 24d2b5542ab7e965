"""Settings: the accounts elsewhere (Google, GitHub, ...) that sign this musician in; link, unlink.

Linking goes through the same flow as signing in (``/auth/oidc/<name>/start?intent=link``) and comes
back to Settings with a notice kept in the browser's storage. Unlinking is always allowed: the
email link keeps working whatever is linked.
"""

from __future__ import annotations

from typing import Any

from nicegui import app, ui

from components.browser_sign_in import act
from components.oidc_buttons import start_url
from core.i18n import _
from services import oidc
from services.oidc import IdentityOut
from web.oidc_runtime import oidc_runtime

NOTICE_KEY = "oidc_notice"  # {"label": ..., "already": bool}, set by pages.oidc after a link


def remember_notice(storage: dict[str, Any], *, label: str, already: bool) -> None:
    storage[NOTICE_KEY] = {"label": label, "already": already}


async def linked_accounts() -> None:
    """The section, for the signed-in musician (nothing when no provider is configured and nothing is linked)."""
    runtime = oidc_runtime()
    listing = await act(oidc.list_identities, write=False, providers=runtime.providers)
    if not listing.providers and not listing.identities:
        return
    with ui.card().classes("w-full gap-3").mark("settings-linked-accounts"):
        ui.label(_("Sign-in accounts")).classes("text-subtitle1 text-weight-medium")
        ui.label(_("Sign in with an account you already have. Email links always work too.")).classes("text-grey-7")
        body = ui.column().classes("w-full gap-2")

        def show(identities: list[IdentityOut]) -> None:
            body.clear()
            with body:
                if not identities:
                    ui.label(_("No account is linked yet.")).classes("text-grey-7").mark("linked-none")
                for identity in identities:
                    with ui.row().classes("w-full items-center gap-3 no-wrap").mark(f"linked-{identity.provider}"):
                        ui.icon("link", color="primary")
                        with ui.column().classes("gap-0 col"):
                            ui.label(identity.label).classes("text-weight-medium")
                            if identity.email:
                                ui.label(identity.email).classes("text-grey-7 text-caption")
                        ui.button(_("Unlink"), on_click=lambda identity=identity: unlink(identity)).props(
                            "flat no-caps color=negative"
                        ).mark(f"unlink-{identity.provider}")
                if listing.providers:
                    with ui.row().classes("gap-2"):
                        for provider in listing.providers:
                            # Translators: a button; {provider} is where one signs in, e.g. Google or GitHub.
                            ui.button(_("Link {provider}", provider=provider.label)).props(
                                f'outline no-caps href="{start_url(provider.name, link=True)}"'
                            ).mark(f"link-{provider.name}")

        async def unlink(identity: IdentityOut) -> None:
            await act(oidc.unlink_identity, identity_id=identity.id)
            ui.notify(
                # Translators: {provider} is where one signs in, e.g. Google or GitHub.
                _("{provider} is no longer linked. Email links still sign you in.", provider=identity.label),
                type="positive",
            )
            fresh = await act(oidc.list_identities, write=False, providers=runtime.providers)
            show(fresh.identities)

        show(listing.identities)
    notice = app.storage.user.pop(NOTICE_KEY, None)
    if isinstance(notice, dict):
        label = str(notice.get("label", ""))
        if notice.get("already"):
            # Translators: {provider} is where one signs in, e.g. Google or GitHub.
            ui.notify(_("{provider} was already linked to your account.", provider=label), type="info")
        else:
            # Translators: {provider} is where one signs in, e.g. Google or GitHub.
            ui.notify(_("{provider} is linked: you can sign in with it now.", provider=label), type="positive")
