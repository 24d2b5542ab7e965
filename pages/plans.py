"""Plans: the musician's own and those from a teacher, each with its days, blocks and a start button."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.browser_sign_in import Me, act
from components.format import ACTIVITY_LABELS, weekday_day_month
from components.frame import frame
from components.page_route import signed_in_page
from components.plan_editor import open_plan_editor
from core.i18n import _
from services import plans
from services.plans import PlanOut


@signed_in_page("/plans")
async def plans_page(me: Me) -> RedirectResponse | None:
    with frame(_("Plans"), me):
        view = PlansView()
        await view.load()
    return None


class PlansView:
    def __init__(self) -> None:
        with ui.row().classes("w-full items-center"):
            ui.label(_("Plans repeat on the days you choose; Today on the dashboard shows what is due.")).classes(
                "text-grey-7 grow"
            )
            ui.button(_("New plan"), icon="add", on_click=lambda: self.edit(None)).props(
                "unelevated color=primary"
            ).mark("plan-new")
        self.container = ui.column().classes("w-full gap-3")

    async def load(self) -> None:
        found = await act(plans.list_plans, write=False)
        self.container.clear()
        with self.container:
            own = [p for p in found if p.given_by is None]
            given = [p for p in found if p.given_by is not None]
            if not found:
                with ui.card().classes("w-full items-center q-pa-lg").mark("no-plans"):
                    ui.icon("event_repeat", size="lg", color="grey-6")
                    ui.label(_("No plans yet. A plan is a few blocks (scales, a piece, sight-reading) on chosen days."))
            for plan in own:
                self._card(plan, editable=True)
            if given:
                ui.label(_("From your teacher")).classes("text-subtitle1 text-weight-medium q-mt-md")
                for plan in given:
                    self._card(plan, editable=False)

    def _card(self, plan: PlanOut, *, editable: bool) -> None:
        with ui.card().classes("w-full gap-2").mark("plan"):
            with ui.row().classes("w-full items-center no-wrap gap-2"):
                with ui.column().classes("gap-0 grow min-w-0"):
                    ui.label(plan.title).classes("text-subtitle1 text-weight-medium ellipsis w-full")
                    if plan.at_time:
                        at = f"{plan.at_time:%H:%M}"
                        # Translators: {description} says on which days (Mon, Wed, Fri), {time} a time of day (18:00)
                        summary = _(
                            "{description} at {time} · {minutes} min",
                            description=plan.description,
                            time=at,
                            minutes=plan.minutes,
                        )
                    else:
                        summary = _("{description} · {minutes} min", description=plan.description, minutes=plan.minutes)
                    details = [summary]
                    if plan.given_by_name:
                        details.append(_("from {teacher}", teacher=plan.given_by_name))
                    ui.label(" · ".join(details)).classes("text-caption text-grey-7")
                ui.button(
                    _("Start"), icon="play_arrow", on_click=lambda: ui.navigate.to(f"/timer?plan={plan.id}")
                ).props("unelevated no-caps color=primary").mark("plan-start")
                if editable:
                    ui.button(icon="edit", on_click=lambda: self.edit(plan)).props("flat round").tooltip(_("Change"))
                ui.button(icon="delete", on_click=lambda: self.stop(plan)).props("flat round color=negative").tooltip(
                    _("Stop this plan")
                )
            for block in plan.blocks:
                activity = block.activity_type
                parts = [
                    _("{minutes} min", minutes=block.minutes),
                    _(ACTIVITY_LABELS[activity]) if activity in ACTIVITY_LABELS else "",
                ]
                if block.title:
                    parts.append(block.title)
                if block.target_tempo:
                    parts.append(_("{tempo} BPM", tempo=block.target_tempo))
                ui.label(" · ".join(parts)).classes("q-pl-md")
            if plan.next_days:
                days = ", ".join(weekday_day_month(d) for d in plan.next_days[:3])
                ui.label(_("Next: {days}", days=days)).classes("text-caption text-grey-7")

    def edit(self, plan: PlanOut | None) -> None:
        async def save(data: dict) -> None:
            if plan is None:
                await act(plans.create_plan, data=data)
            else:
                await act(plans.update_plan, plan_id=plan.id, data=data)

        open_plan_editor(plan, save=save, on_saved=self.load)

    async def stop(self, plan: PlanOut) -> None:
        await act(plans.delete_plan, plan_id=plan.id)
        ui.notify(_("Stopped “{title}”", title=plan.title))
        await self.load()
