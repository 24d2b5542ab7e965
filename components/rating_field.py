"""A self-rating from 1 to 10 that stays empty until the musician picks one (``rating_field.js``)."""

from __future__ import annotations

from nicegui.elements.mixins.value_element import ValueElement

from core.i18n import N_, _


class RatingField(ValueElement[int | None], component="rating_field.js"):
    # The component shows each change itself (offline too); the server only records it.
    LOOPBACK = None

    def __init__(self, value: int | None = None, *, label: str = N_("Self-rating")) -> None:
        """``label``: a marked text (N_), translated here."""
        super().__init__(value=value)
        self._props["label"] = _(label)
        self._props["not-rated"] = _("not rated")
        self._props["clear"] = _("Clear")

    def _event_args_to_value(self, e) -> int | None:
        return int(e.args) if isinstance(e.args, int | float) and 1 <= e.args <= 10 else None
