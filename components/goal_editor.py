"""The goals section of the progress page: each goal's bar, its history, and a dialog to add or change one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from components.browser_sign_in import act
from components.feedback import page_dialog
from components.format import short_date
from core.i18n import N_, _, ngettext
from services import goals, repertoire
from services.errors import ServiceError
from services.goals import GoalDetail, GoalProgress

KINDS = {
    "weekly_minutes": N_("Minutes a week"),
    "instrument_minutes": N_("Minutes a week on one instrument"),
    "piece_tempo": N_("A piece at a tempo, by a date"),
    "piece_minutes": N_("Minutes on a piece this month"),
    "programme_minutes": N_("Minutes on a programme of pieces, by a date"),
}
INSTRUMENTS = {"piano": N_("Piano"), "guitar": N_("Guitar")}


class GoalsSection:
    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.container = ui.column().classes("w-full gap-2").props('id="goals"')

    async def load(self) -> None:
        mine = await act(goals.list_goals, write=False)
        met = [] if self.quiet else await act(goals.goals_met, write=False, limit=5)
        self.container.clear()
        with self.container, ui.card().classes("w-full gap-2").mark("goals-section"):
            with ui.row().classes("w-full items-center"):
                ui.label(_("Goals")).classes("text-subtitle1 text-weight-medium grow")
                ui.button(_("Add a goal"), icon="add", on_click=lambda: self.edit(None)).props(
                    "outline no-caps color=primary"
                ).mark("goal-add")
            if not mine:
                ui.label(
                    _("Weekly minutes, a tempo by a date, a recital programme: set a goal to see it here.")
                ).classes("text-grey-7")
            for goal in mine:
                self._row(goal)
            if met:
                # Translators: {goals} is a list of goals, each with the day it was met: "Practise (12 Mar), ...".
                names = _("Goals met: {goals}", goals=", ".join(f"{m.title} ({m.period_start:%d %b})" for m in met))
                ui.label(names).classes("text-caption text-grey-7").mark("goals-met")

    def _row(self, goal: GoalProgress) -> None:
        with ui.row().classes("w-full items-center no-wrap gap-3").mark("goal"):
            with ui.column().classes("grow gap-0 min-w-0"):
                ui.label(goal.title).classes("ellipsis w-full")
                bar = ui.linear_progress(goal.percent / 100, show_value=False).props(
                    f"rounded size=8px color={'positive' if goal.met else 'primary'}"
                )
                # Translators: what screen readers say for a goal's progress bar: its name and how far along it is.
                bar.props["aria-label"] = _("{goal}: {percent}%", goal=goal.title, percent=goal.percent)
                figures = {"value": goal.value, "target": goal.target, "unit": goal.unit}
                if goal.due_on:
                    # Translators: {unit} is "min" or "BPM"; {date} the day the goal is due.
                    progress = _("{value} of {target} {unit} · by {date}", date=short_date(goal.due_on), **figures)
                else:
                    # Translators: {unit} is "min" or "BPM".
                    progress = _("{value} of {target} {unit}", **figures)
                ui.label(progress).classes("text-caption text-grey-7")
            ui.button(icon="edit", on_click=lambda g=goal: self.edit(g)).props("flat round dense").tooltip(_("Change"))
            ui.button(icon="delete", on_click=lambda g=goal: self.remove(g)).props(
                "flat round dense color=negative"
            ).tooltip(_("Remove"))

    async def remove(self, goal: GoalProgress) -> None:
        await act(goals.delete_goal, goal_id=goal.id)
        await self.load()

    async def edit(self, goal: GoalProgress | None) -> None:
        detail: GoalDetail | None = await act(goals.get_goal, write=False, goal_id=goal.id) if goal else None
        # Goals on pieces are about the pieces one works on: the repertoire offers them.
        pieces = {str(i.piece_id): i.title for i in await act(repertoire.list_repertoire, write=False)}
        await _goal_dialog(detail, pieces, on_saved=self.load)


async def _goal_dialog(
    goal: GoalDetail | None, pieces: dict[str, str], *, on_saved: Callable[[], Awaitable[None]]
) -> None:
    with page_dialog() as dialog, ui.card().classes("w-full max-w-lg gap-3").mark("goal-dialog"):
        ui.label(_("Change the goal") if goal else _("A new goal")).classes("text-h6")
        kinds = {key: _(label) for key, label in KINDS.items()}
        kind = ui.select(kinds, value=goal.kind.value if goal else "weekly_minutes", label=_("Kind")).classes("w-full")
        target = ui.number(
            _("Target (minutes, or BPM for a tempo)"), value=goal.target if goal else 150, min=1
        ).classes("w-full")
        title = ui.input(_("Name (optional)"), value=(goal.title if goal else "") or "").classes("w-full")
        instruments = {key: _(label) for key, label in INSTRUMENTS.items()}
        instrument = ui.select(instruments, value=goal.instrument if goal else "piano", label=_("Instrument")).classes(
            "w-full"
        )
        piece = ui.select(
            pieces,
            value=str(goal.sheet_music_id) if goal and goal.sheet_music_id else None,
            label=_("Piece"),
            with_input=True,
        ).classes("w-full")
        programme = (
            ui.select(
                pieces,
                value=[str(p) for p in goal.piece_ids] if goal else [],
                label=_("Programme"),
                multiple=True,
                with_input=True,
            )
            .props("use-chips")
            .classes("w-full")
        )
        due = ui.input(_("By (YYYY-MM-DD)"), value=goal.due_on.isoformat() if goal and goal.due_on else "").classes(
            "w-full"
        )
        instrument.bind_visibility_from(kind, "value", backward=lambda k: k == "instrument_minutes")
        piece.bind_visibility_from(kind, "value", backward=lambda k: k in ("piece_tempo", "piece_minutes"))
        programme.bind_visibility_from(kind, "value", backward=lambda k: k == "programme_minutes")
        due.bind_visibility_from(kind, "value", backward=lambda k: k in ("piece_tempo", "programme_minutes"))
        if goal and goal.history:
            # Translators: the heading of a goal's list of changes (the English says "changes" for 1 too).
            changes = ngettext("History ({n} changes)", "History ({n} changes)", len(goal.history))
            with ui.expansion(changes).classes("w-full").mark("goal-history"):
                for change in goal.history:
                    when = short_date(change.changed_at)
                    ui.label(_("{date}: target was {target}", date=when, target=change.before.get("target"))).classes(
                        "text-caption"
                    )

        async def save() -> None:
            data: dict[str, Any] = {"kind": kind.value, "target": int(target.value or 0), "title": title.value or None}
            if kind.value == "instrument_minutes":
                data["instrument"] = instrument.value
            if kind.value in ("piece_tempo", "piece_minutes"):
                data["sheetMusicId"] = piece.value
            if kind.value == "programme_minutes":
                data["pieceIds"] = list(programme.value or [])
            if kind.value in ("piece_tempo", "programme_minutes"):
                data["dueOn"] = due.value or None
            try:
                if goal:
                    await act(goals.update_goal, goal_id=goal.id, data=data)
                else:
                    await act(goals.create_goal, data=data)
            except ServiceError as error:
                ui.notify(error.message, type="warning")
                return
            dialog.close()
            await on_saved()

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Save"), on_click=save).props("unelevated color=primary").mark("goal-save")
    dialog.open()
