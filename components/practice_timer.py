"""The practice timer element (its logic lives in practice_timer.js and runs without the server)."""

from __future__ import annotations

from nicegui import ui

from components.format import ACTIVITY_LABELS
from core.i18n import _


class PracticeTimer(ui.element, component="practice_timer.js"):
    def __init__(self, *, default_activity: str = "repertoire", reminder_minutes: int = 0) -> None:
        super().__init__()
        self._props["activities"] = {str(k): _(v) for k, v in ACTIVITY_LABELS.items()}
        self._props["default-activity"] = default_activity
        self._props["reminder-minutes"] = reminder_minutes
