"""Choice widgets that show a new value at once on the client, without waiting for the server.

NiceGUI's select, toggle and slider normally display a change only after the server echoes it
("loopback"), which would freeze them while offline. These variants set it in the browser.
"""

from __future__ import annotations

from nicegui import ui


class Select(ui.select):
    LOOPBACK = False


class Toggle(ui.toggle):
    LOOPBACK = False


class Slider(ui.slider):
    LOOPBACK = False
