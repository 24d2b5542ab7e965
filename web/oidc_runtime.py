"""What signing in with a provider needs in this process: the configured providers, the HTTP client
that caches their discovery documents and keys, and the seal of the flow cookie.

Made from the app's settings on first use and kept on ``app.state`` until the app is built again
with other settings (the tests build one app per configuration).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from nicegui import app

from core.settings import Settings
from services.adapters.openid import OpenIdClient
from services.oidc import FlowSeal, Provider, providers_from


@dataclass(frozen=True)
class OidcRuntime:
    settings: Settings
    providers: dict[str, Provider]
    client: OpenIdClient
    seal: FlowSeal

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    @property
    def secure_cookies(self) -> bool:
        return self.settings.base_url.startswith("https://")


def oidc_runtime() -> OidcRuntime:
    settings: Settings = app.state.settings
    current: OidcRuntime | None = getattr(app.state, "oidc_runtime", None)
    if current is None or current.settings is not settings:
        current = OidcRuntime(
            settings=settings,
            providers=providers_from(settings),
            client=OpenIdClient(),
            seal=FlowSeal(settings.resolved_secret_key, timedelta(minutes=settings.oidc_flow_minutes)),
        )
        app.state.oidc_runtime = current
    return current
