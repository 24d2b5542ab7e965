"""In-process signals between a change and the pages that show it (per user id)."""

from __future__ import annotations

import uuid

from nicegui import Event

# Emitted after a commit that changed a user's logs; open pages of that user refresh themselves.
logs_changed: Event[uuid.UUID] = Event()
