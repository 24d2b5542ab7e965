"""The page's end of offline sync: applies what the browser's outbox sends, answers each change."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import app, events, ui

from components.browser_sign_in import SignedOut, event_actor, service
from core import metrics
from core.i18n import ngettext
from services import sync
from services.rate_limits import RateLimited
from services.sync import ChangeResult

Listener = Callable[[ChangeResult], Awaitable[None] | None]


class OutboxSync(ui.element, component="outbox_sync.js"):
    """One per page (the frame adds it). Forms register for the answers to their own changes."""

    def __init__(self) -> None:
        super().__init__()
        self._listeners: dict[str, Listener] = {}
        self.on("sync", self._receive)

    def listen(self, origin: str, listener: Listener) -> None:
        """Call ``listener`` with the answer to each change this page's ``origin`` queued."""
        self._listeners[origin] = listener

    async def _receive(self, event: events.GenericEventArguments) -> None:
        changes: list[dict[str, Any]] = list((event.args or {}).get("changes") or [])
        try:
            actor = await event_actor()
        except SignedOut:
            return  # the entries stay queued until someone signs in again
        try:
            result = await service(sync.apply_batch, actor=actor, batch={"changes": changes}, limiter=app.state.limiter)
        except RateLimited as limited:
            self.run_method("later", limited.retry_after)  # kept queued; sent again after the wait
            return
        metrics.observe_sync([r.status.value for r in result.results])
        self.run_method("acknowledge", [r.model_dump(mode="json", by_alias=True) for r in result.results])
        origins = {str(c.get("id")): c.get("origin") for c in changes}
        unheard = 0
        for answer in result.results:
            listener = self._listeners.get(origins.get(str(answer.id)) or "")
            if listener is not None:
                outcome = listener(answer)
                if outcome is not None:
                    await outcome
            elif answer.status != "applied":
                unheard += 1  # queued on a page that is gone (e.g. reloaded after a long outage)
        if unheard:
            # Translators: the English says "change(s)" for any number; use the plural forms of your language.
            message = ngettext(
                "{n} change(s) you saved offline need your decision. Tap the sync status at the top to review them.",
                "{n} change(s) you saved offline need your decision. Tap the sync status at the top to review them.",
                unheard,
            )
            ui.notify(
                message,
                type="warning",
                multi_line=True,
                timeout=10000,
            )


def page_sync() -> OutboxSync | None:
    """The sync element of the page being built or handled."""
    return app.storage.client.get("outbox_sync")


def install_page_sync() -> OutboxSync:
    element = OutboxSync()
    app.storage.client["outbox_sync"] = element
    return element
