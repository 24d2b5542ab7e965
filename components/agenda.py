"""Today's agenda (plan blocks, assignments, reviews, ticked by the day's logs) and goal progress bars."""

from __future__ import annotations

from nicegui import ui

from components.format import short_date
from core.i18n import _
from services.goals import GoalProgress
from services.today import Today, TodayItem


def today_card(agenda: Today) -> None:
    """What is due today; nothing at all when there is nothing planned, assigned or due for review."""
    if not agenda.total:
        return
    with ui.card().classes("w-full gap-2").mark("today-card"):
        with ui.row().classes("w-full items-center no-wrap"):
            ui.label(_("Today")).classes("text-subtitle1 text-weight-medium grow")
            ui.label(_("{done} of {total} done", done=agenda.done, total=agenda.total)).classes("text-grey-7").mark(
                "today-done"
            )
        for plan in agenda.plans:
            with ui.row().classes("w-full items-center gap-2"):
                ui.icon("event_repeat", color="primary")
                title = plan.title
                if plan.from_teacher:
                    # Translators: {plan} is the plan's name, {teacher} the name of the teacher who made it.
                    title = _("{plan} · from {teacher}", plan=plan.title, teacher=plan.from_teacher)
                ui.label(_("{title} · {minutes} min", title=title, minutes=plan.minutes)).classes(
                    "text-weight-medium grow"
                )
                ui.label(f"{plan.done}/{plan.total}").classes("text-caption text-grey-7")
                if plan.done < plan.total:
                    ui.button(
                        _("Start plan"),
                        icon="play_arrow",
                        on_click=lambda p=plan: ui.navigate.to(f"/timer?plan={p.id}"),
                    ).props("unelevated dense no-caps color=primary").mark("start-plan")
            for block in plan.blocks:
                _item(block, _("{minutes} min", minutes=block.minutes))
        if agenda.assignments:
            ui.label(_("Assignments")).classes("text-caption text-grey-7 q-mt-sm")
            for item in agenda.assignments:
                _item(item, item.detail or "")
        if agenda.reviews:
            ui.label(_("Due for review")).classes("text-caption text-grey-7 q-mt-sm")
            for item in agenda.reviews:
                _item(item, item.detail or "")


def _item(item: TodayItem, detail: str) -> None:
    with ui.row().classes("w-full items-center no-wrap gap-3 q-pl-md").mark("today-item"):
        ui.icon("check_circle" if item.done else "radio_button_unchecked", color="positive" if item.done else "grey-6")
        with ui.column().classes("gap-0 grow min-w-0"):
            label = ui.label(item.title).classes("ellipsis w-full")
            if item.done:
                label.classes("text-grey-7")
            if detail:
                ui.label(detail).classes("text-caption text-grey-7 ellipsis w-full")
        if item.done:
            ui.label(_("Done")).classes("text-caption text-positive").mark("today-item-done")


def goal_bars(goals: list[GoalProgress], *, quiet: bool = False) -> None:
    """A progress bar per goal; a goal met shows a trophy unless the musician chose quiet mode."""
    if not goals:
        return
    with ui.card().classes("w-full gap-2").mark("goals-card"):
        with ui.row().classes("w-full items-center"):
            ui.label(_("Goals")).classes("text-subtitle1 text-weight-medium grow")
            ui.link(_("Edit"), "/progress#goals").classes("text-primary")
        for goal in goals:
            with ui.column().classes("w-full gap-0").mark("goal"):
                with ui.row().classes("w-full items-center no-wrap gap-2"):
                    ui.label(goal.title).classes("grow ellipsis")
                    if goal.met and not quiet:
                        ui.icon("emoji_events", color="amber-8").tooltip(_("Met"))
                    # Translators: a goal's progress, e.g. "90 / 150 min"; {unit} is "min" or "BPM".
                    progress = _("{value} / {target} {unit}", value=goal.value, target=goal.target, unit=goal.unit)
                    ui.label(progress).classes("text-caption whitespace-nowrap")
                # Translators: what screen readers say for a goal's progress bar: its name and how far along it is.
                bar_label = _("{goal}: {percent}%", goal=goal.title, percent=goal.percent)
                ui.linear_progress(goal.percent / 100, show_value=False).props(
                    f"rounded size=8px color={'positive' if goal.met else 'primary'}"
                ).props(f'aria-label="{_quoted(bar_label)}"')
                if goal.due_on:
                    ui.label(_("by {date}", date=short_date(goal.due_on))).classes("text-caption text-grey-7")


def _quoted(text: str) -> str:
    # A goal's own name goes into a props string: its double quotes would end the attribute.
    return text.replace('"', "'")
