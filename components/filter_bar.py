"""The filter bar every chart on the progress page shares: range, grouping, instrument, activities."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from nicegui import ui

from components.format import ACTIVITY_LABELS
from core.i18n import N_, _

RANGES = {
    "7": N_("Last 7 days"),
    "30": N_("Last 30 days"),
    "90": N_("Last 90 days"),
    "365": N_("Last 12 months"),
    "year": N_("This year"),
    "all": N_("All time"),
    "custom": N_("Choose dates…"),
}
ALL_TIME_FROM = date(2000, 1, 1)


class FilterBar:
    """Holds the filter as the analytics services take it; calls ``on_change`` after every change."""

    def __init__(self, today: date, on_change: Callable[[], Awaitable[None]]) -> None:
        self.today = today
        self.on_change = on_change
        self.range = "90"
        self.granularity = "day"
        self.instrument: str | None = None
        self.activities: list[str] = []
        self.custom_from = today - timedelta(days=29)
        self.custom_to = today
        self._build()

    def query(self) -> dict[str, Any]:
        first, last = self.dates()
        query: dict[str, Any] = {"from": first, "to": last, "granularity": self.granularity}
        if self.instrument:
            query["instrument"] = self.instrument
        if self.activities:
            query["activityType"] = self.activities
        return query

    def dates(self) -> tuple[date, date]:
        if self.range == "custom":
            return min(self.custom_from, self.custom_to), max(self.custom_from, self.custom_to)
        if self.range == "year":
            return self.today.replace(month=1, day=1), self.today
        if self.range == "all":
            return ALL_TIME_FROM, self.today
        return self.today - timedelta(days=int(self.range) - 1), self.today

    def _build(self) -> None:
        with ui.card().classes("w-full q-pa-sm").mark("filter-bar"):
            with ui.row().classes("w-full items-center gap-2"):
                ranges = {key: _(label) for key, label in RANGES.items()}
                period = _("Period")
                ui.select(ranges, value=self.range, on_change=self._range_changed).props(
                    f'dense outlined options-dense aria-label="{period}"'
                ).classes("min-w-[150px]").mark("filter-range")
                self.custom = ui.row().classes("items-center gap-1")
                with self.custom:
                    self._date_input(_("From"), "custom_from")
                    self._date_input(_("To"), "custom_to")
                self.custom.set_visibility(False)
                ui.toggle({"day": _("Days"), "week": _("Weeks"), "month": _("Months")}, value=self.granularity).props(
                    "dense no-caps unelevated"
                ).on_value_change(lambda e: self._set("granularity", e.value)).mark("filter-granularity")
                instruments = {None: _("Both instruments"), "piano": _("Piano"), "guitar": _("Guitar")}
                instrument = _("Instrument")
                ui.select(instruments, value=None).props(
                    f'dense outlined options-dense aria-label="{instrument}"'
                ).on_value_change(lambda e: self._set("instrument", e.value)).mark("filter-instrument")
                ui.select(
                    {str(k): _(v) for k, v in ACTIVITY_LABELS.items()},
                    multiple=True,
                    value=[],
                    label=_("All activities"),
                ).props("dense outlined options-dense use-chips clearable").classes("min-w-[180px]").on_value_change(
                    lambda e: self._set("activities", list(e.value or []))
                ).mark("filter-activity")

    def _date_input(self, label: str, name: str) -> None:
        field = ui.input(label, value=getattr(self, name).isoformat()).props("dense outlined type=date").classes("w-40")
        field.on_value_change(lambda e: self._set_day(name, e.value))

    async def _range_changed(self, event: Any) -> None:
        self.custom.set_visibility(event.value == "custom")
        await self._set("range", event.value)

    async def _set_day(self, name: str, value: str) -> None:
        try:
            await self._set(name, date.fromisoformat(value))
        except (TypeError, ValueError):
            ui.notify(_("Please enter a full date."), type="warning")

    async def _set(self, name: str, value: Any) -> None:
        setattr(self, name, value)
        await self.on_change()
