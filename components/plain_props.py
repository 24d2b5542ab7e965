"""Props stored as they are, past NiceGUI's observable wrapping: for large data sent once.

NiceGUI copies every dict and list put into an element's props, all the way down, into
observable collections that notice in-place changes. For a chart's data or a select's few
hundred options that copying was a fifth to a quarter of a page's render (progress, library),
and nothing here changes such data in place: it is replaced, which goes through these same
helpers.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui


def set_plain(element: ui.element, name: str, value: Any) -> None:
    """Set a prop without wrapping it; the caller sends the element (``update()``) as usual."""
    dict.__setitem__(element._props, name, value)  # dict's own method: past ObservableDict.__setitem__


class PlainOptionsSelect(ui.select):
    """``ui.select`` whose options list is stored as it is (NiceGUI's ChoiceElement._update_options
    otherwise, line for line)."""

    def _update_options(self) -> None:
        before_value = self.value
        set_plain(self, "options", [{"value": index, "label": option} for index, option in enumerate(self._labels)])
        self._props[self.VALUE_PROP] = self._value_to_model_value(before_value)
        if not isinstance(before_value, list):  # a multiple select keeps its list
            self.value = before_value if before_value in self._values else None
