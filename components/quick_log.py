"""The quick log: an activity, minutes, optionally a piece, a rating and notes, in one dialog.

The dialog lives in the browser (``quick_log.js``) and saves into the outbox, so it opens, saves
and closes with the connection down. The page builds it once; buttons open it by JavaScript.
"""

from __future__ import annotations

import json
from typing import Any

from nicegui import ui

from components.format import ACTIVITY_LABELS, duration
from components.log_form import instrument_names
from components.outbox_sync import page_sync
from core.i18n import _
from services.sync import ChangeResult

ORIGIN = "quick-log"  # NOTE: the outbox origin quick_log.js gives its changes


class QuickLog(ui.element, component="quick_log.js"):
    def __init__(self, *, instrument: str) -> None:
        super().__init__()
        self._props["activities"] = {str(k): _(v) for k, v in ACTIVITY_LABELS.items()}
        self._props["instruments"] = instrument_names()
        self._props["instrument"] = instrument
        if (sync := page_sync()) is not None:
            sync.listen(ORIGIN, _answered)

    def opener(self, preset: dict[str, Any] | None = None) -> str:
        """A click handler (JavaScript, so it works offline) that opens the dialog with ``preset``."""
        return f"() => getElement({self.id}).open({json.dumps(preset or {})})"

    def open(self, preset: dict[str, Any] | None = None) -> None:
        self.run_method("open", preset or {})


def _answered(answer: ChangeResult) -> None:
    """The server's answer to a quick log (the page refreshes by itself when a log was saved)."""
    if answer.status == "applied" and answer.log is not None and not answer.repeated:
        label = _(ACTIVITY_LABELS.get(answer.log.activity_type, answer.log.activity_type))
        # Translators: e.g. "Logged 25 min of Scales".
        logged = _("Logged {duration} of {activity}", duration=duration(answer.log.duration_seconds), activity=label)
        ui.notify(logged, type="positive")
    elif answer.status == "rejected":
        ui.notify(
            _("The quick log was not saved: {reason}", reason=answer.message or _("check it on the sync page")),
            type="negative",
            multi_line=True,
        )
