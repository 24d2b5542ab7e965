"""The plan editor: title, when it repeats, an optional time, and its blocks (activity, minutes, piece, tempo).

The same dialog makes the musician's own plans and a teacher's plan for a student; the caller
says what saving means (``save(data)``), and the service checks the data either way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from components.feedback import page_dialog
from components.format import ACTIVITY_LABELS
from core.i18n import N_, _, ngettext, pgettext
from services.errors import ServiceError
from services.plans import PlanOut

# Labels are translated where shown (N_: the language is not known at import).
DAYS = {
    "MO": N_("Mon"),
    "TU": N_("Tue"),
    "WE": N_("Wed"),
    "TH": N_("Thu"),
    "FR": N_("Fri"),
    "SA": N_("Sat"),
    "SU": N_("Sun"),
}
FREQUENCIES = {"daily": N_("Every day"), "weekdays": N_("Weekdays"), "weekly": N_("On chosen days")}
Save = Callable[[dict[str, Any]], Awaitable[Any]]


def weekday_chips(chosen: set[str]) -> ui.row:
    """Mon..Sun as chips to toggle; ``chosen`` (codes MO..SU) follows the clicks."""
    with ui.row().classes("gap-1") as row:
        for code, name in DAYS.items():
            chip = ui.chip(_(name), selectable=True, selected=code in chosen).props("outline color=primary")
            chip.on_value_change(lambda e, c=code: chosen.add(c) if e.value else chosen.discard(c))
    return row


def open_plan_editor(plan: PlanOut | None, *, save: Save, on_saved: Callable[[], Awaitable[None]]) -> None:
    blocks: list[dict[str, Any]] = (
        [
            {
                "activityType": b.activity_type.value,
                "minutes": b.minutes,
                "title": b.title or "",
                "targetTempo": b.target_tempo,
                "sheetMusicId": str(b.sheet_music_id) if b.sheet_music_id else None,
            }
            for b in plan.blocks
        ]
        if plan
        else [{"activityType": "warm_up", "minutes": 5, "title": "", "targetTempo": None, "sheetMusicId": None}]
    )
    repeat: dict[str, Any] = dict(plan.repeat) if plan else {"frequency": "daily", "days": [], "interval": 1}

    with (
        page_dialog().props("maximized-on-mobile") as dialog,
        ui.card().classes("w-full max-w-2xl gap-3").mark("plan-dialog"),
    ):
        ui.label(_("Change the plan") if plan else _("A new plan")).classes("text-h6")
        title = ui.input(_("Name"), value=plan.title if plan else "").classes("w-full").mark("plan-title")
        with ui.row().classes("w-full items-center gap-3"):
            frequencies = {key: _(label) for key, label in FREQUENCIES.items()}
            frequency = ui.select(frequencies, value=repeat["frequency"], label=_("Repeats")).classes("min-w-40")
            # Translators: how often a weekly plan repeats, for 2, 3 and 4 weeks (1 is "every week").
            weeks = {n: ngettext("every {n} week", "every {n} weeks", n) for n in (2, 3, 4)}
            interval = ui.select(
                {1: _("every week"), **weeks},
                value=repeat.get("interval", 1),
                label=_("How often"),
            ).classes("min-w-36")
            at = ui.input(
                _("At (optional, HH:MM)"), value=plan.at_time.strftime("%H:%M") if plan and plan.at_time else ""
            )
        chosen: set[str] = set(repeat.get("days") or [])
        days = weekday_chips(chosen).mark("plan-days")
        days.bind_visibility_from(frequency, "value", backward=lambda f: f == "weekly")
        interval.bind_visibility_from(frequency, "value", backward=lambda f: f == "weekly")
        ui.label(_("Blocks")).classes("text-subtitle2")
        rows = ui.column().classes("w-full gap-2")

        activities = {key: _(label) for key, label in ACTIVITY_LABELS.items()}

        def draw() -> None:
            rows.clear()
            with rows:
                for index, block in enumerate(blocks):
                    with ui.row().classes("w-full items-center gap-2 no-wrap").mark("plan-block"):
                        ui.select(activities, label=_("Activity")).bind_value(block, "activityType").classes("w-40")
                        ui.number(pgettext("minutes, short", "Min"), min=1, max=240).bind_value(
                            block, "minutes"
                        ).classes("w-20")
                        ui.input(_("Piece or exercise")).bind_value(block, "title").classes("grow")
                        ui.number(_("BPM"), min=1, max=400).bind_value(block, "targetTempo").classes("w-20 gt-xs")
                        ui.button(icon="close", on_click=lambda i=index: remove(i)).props("flat round dense").tooltip(
                            _("Remove the block")
                        )

        def remove(index: int) -> None:
            blocks.pop(index)
            draw()

        def add() -> None:
            blocks.append(
                {"activityType": "repertoire", "minutes": 10, "title": "", "targetTempo": None, "sheetMusicId": None}
            )
            draw()

        draw()
        ui.button(_("Add a block"), icon="add", on_click=add).props("flat no-caps color=primary").mark("plan-add-block")

        async def submit() -> None:
            data = {
                "title": title.value,
                "repeat": {
                    "frequency": frequency.value,
                    "days": sorted(chosen, key=list(DAYS).index),
                    "interval": int(interval.value or 1) if frequency.value == "weekly" else 1,
                },
                "atTime": at.value or None,
                "blocks": [
                    {
                        "activityType": b["activityType"],
                        "minutes": int(b["minutes"] or 0),
                        "title": (b["title"] or "").strip() or None,
                        "targetTempo": int(b["targetTempo"]) if b["targetTempo"] else None,
                        "sheetMusicId": b["sheetMusicId"] if b["title"] else None,
                    }
                    for b in blocks
                ],
            }
            try:
                await save(data)
            except ServiceError as error:
                ui.notify(error.message, type="warning", multi_line=True)
                return
            dialog.close()
            await on_saved()

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Save plan"), on_click=submit).props("unelevated color=primary").mark("plan-save")
    dialog.open()
