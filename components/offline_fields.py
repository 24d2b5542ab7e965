"""Choice widgets that show a new value at once on the client, without waiting for the server.

NiceGUI's select and toggle normally display a change only after the server echoes it
("loopback"), which would freeze them while offline. Its client-side alternative
(``LOOPBACK = False``) stores the event's whole argument list as the value, which only looks
right for text: a multi-select then shows one chip "[object Object],[object Object]" and a
toggle shows no button pressed. So these widgets keep NiceGUI out of it (``LOOPBACK = None``)
and set the value the component emitted, as it is, in the browser.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

# Runs inside NiceGUI's renderer, where `element` is the element being rendered: assigning
# its model-value re-renders the component with the emitted value (an option object, a list
# of them, an index or a number).
SHOW_ON_CLIENT = "(value) => { element.props['model-value'] = value; }"


class _ShownOnClient:
    LOOPBACK: bool | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on("update:model-value", js_handler=SHOW_ON_CLIENT)  # type: ignore[attr-defined]  # a mixin: the element class comes second


class Select(_ShownOnClient, ui.select):
    pass


class Toggle(_ShownOnClient, ui.toggle):
    pass
