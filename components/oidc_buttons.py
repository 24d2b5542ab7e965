"""'Sign in with <provider>' buttons for the sign-in card, one per configured provider.

Each is a plain link to ``/auth/oidc/<name>/start`` (it works before the page's socket connects).
Nothing is shown when no provider is configured.
"""

from __future__ import annotations

from nicegui import ui

from core.i18n import _
from web.oidc_runtime import oidc_runtime

START_PATH = "/auth/oidc/{name}/start"


def start_url(name: str, *, link: bool = False) -> str:
    return START_PATH.format(name=name) + ("?intent=link" if link else "")


def render(*, separator: bool = True) -> None:
    """The buttons, under an "or" line that sets them apart from the email form above them."""
    providers = oidc_runtime().providers
    if not providers:
        return
    if separator:
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            ui.separator().classes("col")
            # Translators: between the email sign-in form and the "Sign in with Google" buttons.
            ui.label(_("or")).classes("text-grey-7 text-caption")
            ui.separator().classes("col")
    with ui.column().classes("w-full gap-2"):
        for provider in providers.values():
            # Translators: a button; {provider} is where one signs in, e.g. Google or GitHub.
            ui.button(_("Sign in with {provider}", provider=provider.label)).props(
                f'outline no-caps href="{start_url(provider.name)}"'
            ).classes("w-full").mark(f"oidc-sign-in-{provider.name}")
