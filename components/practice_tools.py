"""The practice tools (metronome with speed trainer, drone, tuner) as an element of a page.

They run entirely in the browser (static/practice-tools.js): the server only hands over the
user's settings and the piece, and keeps what the panel reports (settings, the tempo last used
for a piece) with the user.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import app, events, ui

from components.browser_sign_in import Me, act
from services import practice_tools
from services.errors import ServiceError

TABS = ("metronome", "drone", "tuner", "record")
Practised = Callable[[dict[str, Any]], Awaitable[None] | None]


class PracticeTools(ui.element, component="practice_tools.js"):
    def __init__(
        self,
        me: Me,
        *,
        piece: dict[str, Any] | None = None,
        tempo: int | None = None,
        target: int | None = None,
        tabs: tuple[str, ...] = TABS,
        tab: str = "metronome",
        space_toggles: bool = False,
        timer_strip: bool = False,
        form_key: str | None = None,
        on_practised: Practised | None = None,
    ) -> None:
        super().__init__()
        self._props["options"] = {
            "user": str(me.actor.id),
            "settings": practice_tools.from_preferences(me.preferences).model_dump(by_alias=True),
            "piece": piece,
            "tempo": tempo,
            "target": target,
            "tabs": list(tabs),
            "tab": tab if tab in tabs else tabs[0],
            "spaceToggles": space_toggles,
            "timerStrip": timer_strip,
            # Takes recorded here go with the log of this form (its id is made in the browser).
            "formKey": form_key,
            "maxRecordSeconds": app.state.takes.max_ms // 1000,
        }
        self.on("settings", self._save_settings)
        self.on("pieceTempo", self._save_piece_tempo)
        if on_practised is not None:
            self.on("practice", lambda event: on_practised(event.args) if isinstance(event.args, dict) else None)

    async def _save_settings(self, event: events.GenericEventArguments) -> None:
        if not isinstance(event.args, dict):
            return  # the browser sends an object; anything else is not ours to save
        wanted = {name: event.args.get(name) for name in ("referenceA", "clickSound", "accent")}
        await _quietly(practice_tools.update_tool_settings, data=wanted)

    async def _save_piece_tempo(self, event: events.GenericEventArguments) -> None:
        await _quietly(practice_tools.update_tool_settings, data={"pieceTempo": event.args})


async def _quietly(operation: Callable[..., Any], **kwargs: Any) -> None:
    # The browser already keeps these settings; a refused or failed save leaves that copy in use.
    try:
        await act(operation, **kwargs)
    except ServiceError:
        return
