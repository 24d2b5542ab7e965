"""The history: practice by day with daily totals, filters, edit, and delete with undo."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import ui

from components import log_rows
from components.browser_sign_in import Me, act
from components.format import ACTIVITY_LABELS, day_month, day_name, duration
from components.frame import frame
from components.outbox_sync import page_sync
from components.page_route import signed_in_page
from components.refresh import refresh_when_logs_change
from components.takes_panel import open_takes
from core.i18n import _
from services import history, takes
from services.calendar_days import local_day
from services.practice_shapes import LogOut
from services.sync import ChangeResult


@signed_in_page("/history")
async def history_page(me: Me) -> RedirectResponse | None:
    with frame(_("History"), me):
        view = HistoryView(me)
        view.filters()
        view.notices = ui.element("div")
        view.list = ui.column().classes("w-full gap-3")
        log_rows.listen(view.list, view.open_recordings)
        await view.load()
        if (sync := page_sync()) is not None:
            sync.listen("history", view.answered)
    refresh_when_logs_change(me.actor.id, view.load)
    return None


class HistoryView:
    def __init__(self, me: Me) -> None:
        self.take_counts: dict[uuid.UUID, int] = {}
        self.logs: dict[uuid.UUID, LogOut] = {}
        self.me = me
        self.today = local_day(datetime.now(UTC), me.actor.timezone)
        self.before: date = self.today + timedelta(days=1)
        self.query: dict[str, Any] = {}
        self.list = ui.column()
        self.notices = ui.element("div")

    def filters(self) -> None:
        with ui.row().classes("w-full gap-2 items-center"):
            activity = (
                ui.select(
                    {code: _(label) for code, label in ACTIVITY_LABELS.items()},
                    multiple=True,
                    label=_("Activities"),
                    clearable=True,
                )
                .props("outlined dense use-chips")
                .classes("min-w-[14rem]")
                .mark("history-activity")
            )
            instrument = (
                ui.select({"piano": _("Piano"), "guitar": _("Guitar")}, label=_("Instrument"), clearable=True)
                .props("outlined dense")
                .classes("min-w-[9rem]")
            )
            text = (
                ui.input(_("Piece or composer"))
                .props("outlined dense clearable")
                .classes("grow")
                .mark("history-search")
            )

            async def apply() -> None:
                self.query = {
                    "activityType": activity.value or None,
                    "instrument": instrument.value or None,
                    "q": text.value or None,
                }
                self.before = self.today + timedelta(days=1)
                await self.load()

            for widget in (activity, instrument):
                widget.on_value_change(apply)
            text.on("keydown.enter", apply)
            text.on("clear", apply)

    async def load(self) -> None:
        window = await act(history.history, write=False, query={**self.query, "before": self.before, "days": 14})
        self.list.clear()
        with self.list:
            if not window.days:
                first, last = day_month(window.first_day), day_month(window.last_day)
                ui.label(_("No practice between {first} and {last}.", first=first, last=last)).classes("text-grey-7")
            self.logs = {log.id: log for day in window.days for log in day.logs}
            self.take_counts = await act(
                takes.counts_by_log, write=False, owner_id=self.me.actor.id, log_ids=list(self.logs)
            )
            for day in window.days:
                with ui.card().classes("w-full").mark("history-day"):
                    heading = log_rows.day_heading(day_name(day.day, self.today), duration(day.total_seconds))
                    rows = log_rows.day_html(
                        day.logs, zone=self.me.actor.timezone, take_counts=self.take_counts, origin="history"
                    )
                    ui.html(heading + rows, sanitize=False).classes("w-full flex flex-col gap-1")  # escaped: log_rows
            with ui.row().classes("w-full justify-between"):
                ui.button(_("Newer"), icon="chevron_left", on_click=lambda: self._move(14)).props(
                    "flat"
                ).set_visibility(self.before <= self.today)
                ui.space()
                ui.button(_("Older"), icon="chevron_right", on_click=lambda: self._move(-14)).props("flat").mark(
                    "history-older"
                )

    async def open_recordings(self, log_id: uuid.UUID) -> None:
        if (log := self.logs.get(log_id)) is not None:
            await open_takes(self.me, log)

    async def answered(self, answer: ChangeResult) -> None:
        """The server's answer to a delete (or its undo) queued on this page."""
        await self.load()
        if answer.status == "conflict":
            ui.notify(
                _("This log changed on another device, so it was not removed. Check it and try again."),
                type="warning",
                multi_line=True,
            )
        elif answer.status != "applied":
            ui.notify(answer.message or _("The log could not be changed."), type="negative")

    async def _move(self, days: int) -> None:
        self.before += timedelta(days=days)
        await self.load()
