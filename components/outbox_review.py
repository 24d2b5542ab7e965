"""What waits in this device's outbox (rendered in the browser, where the outbox lives)."""

from __future__ import annotations

from nicegui import ui


class OutboxReview(ui.element, component="outbox_review.js"):
    pass
