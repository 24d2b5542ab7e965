"""The connection and sync state shown in the header."""

from __future__ import annotations

from nicegui import ui


class ConnectionBadge(ui.element, component="connection_badge.js"):
    pass
