"""A teacher's studio: every student who shares with them, and each student's practice, read-only."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.browser_sign_in import Me, act
from components.feedback import page_dialog
from components.format import ACTIVITY_LABELS, FOCUS_AREAS, day_month, duration, piece_name
from components.frame import frame
from components.page_route import signed_in_page
from components.plan_editor import open_plan_editor
from components.progress_view import ProgressSource, ProgressView
from components.takes_panel import open_takes
from components.teacher_notes import assignment_row, comment_row
from core.i18n import _, ngettext
from services import plans, sharing, studio, takes, teaching
from services.calendar_days import local_day
from services.errors import InvalidInput, NotFound
from services.plans import PlanOut
from services.studio import StudentWeek


@signed_in_page("/studio")
async def studio_page(me: Me) -> RedirectResponse | None:
    with frame(_("Studio"), me):
        students = await act(studio.overview, write=False)
        if not students:
            with ui.card().classes("w-full items-center q-pa-lg").mark("studio-empty"):
                ui.icon("groups", size="lg", color="grey-6")
                ui.label(_("No student shares their practice with you yet.")).classes("text-grey-8")
                ui.label(_("Ask them to open Share with a teacher and send you an invitation.")).classes("text-grey-7")
        with ui.element("div").classes("w-full grid gap-3 grid-cols-1 md:grid-cols-2"):
            for week in students:
                _student_card(week)
    return None


def _student_card(week: StudentWeek) -> None:
    goal = week.daily_goal_minutes * 60 * 7
    with ui.card().classes("w-full gap-2").mark("studio-student"):
        with ui.row().classes("w-full items-center no-wrap"):
            ui.icon("person", color="primary")
            ui.label(week.student.display_name or week.student.email).classes("text-subtitle1 text-weight-medium grow")
            ui.link(_("Open"), f"/studio/{week.student.id}").classes("text-primary").mark("studio-open")
        week_bar = ui.linear_progress(min(week.week_seconds / goal, 1) if goal else 0, show_value=False)
        week_bar.props("rounded size=8px").props["aria-label"] = _("This week's practice towards the goal")
        # Translators: each placeholder is a length of time (25 min, 1 h 05 min)
        totals = _(
            "This week {week} of {goal} · today {today}",
            week=duration(week.week_seconds),
            goal=duration(goal),
            today=duration(week.today_seconds),
        )
        ui.label(totals)
        streak = (
            ngettext("{n} day streak", "{n} day streak", week.current_streak) if week.current_streak else _("no streak")
        )
        if week.last_practice_date:
            day = day_month(week.last_practice_date)
            last = _("last practice {day}", day=day)
        else:
            last = _("no practice yet")
        ui.label(f"{streak} · {last}").classes("text-caption text-grey-7")
        if week.in_progress:
            learning = _("Learning: {pieces}", pieces=", ".join(week.in_progress[:4]))
            ui.label(learning).classes("text-caption ellipsis")


@signed_in_page("/studio/{student_id}")
async def student_page(me: Me, student_id: str) -> RedirectResponse | None:
    try:
        student = uuid.UUID(student_id)
        week = next(w for w in await act(studio.overview, write=False) if w.student.id == student)
    except (ValueError, StopIteration):
        with frame(_("Student"), me):
            ui.label(_("No student of yours has this address. They may have stopped sharing.")).mark("studio-missing")
            ui.link(_("Back to the studio"), "/studio")
        return None
    name = week.student.display_name or week.student.email
    with frame(_("{name}'s practice", name=name), me):
        ui.label(_("Read-only: what they log, as they see it.")).classes("text-caption text-grey-7")
        teaching_view = StudentTeaching(me, student)
        await teaching_view.load()
        view = ProgressView(_student_source(student), timezone=me.actor.timezone)
        await view.load()
        ui.button(_("Stop viewing"), icon="visibility_off", on_click=lambda: _leave(week)).props(
            "flat no-caps color=negative"
        ).mark("studio-leave")
    return None


class StudentTeaching:
    """Assignments for the student, and their recent logs to comment on."""

    def __init__(self, me: Me, student: uuid.UUID) -> None:
        self.me, self.student, self.timezone = me, student, me.actor.timezone
        self.container = ui.element("div").classes("w-full grid gap-4 grid-cols-1 md:grid-cols-2")

    async def load(self) -> None:
        board = await act(studio.student_dashboard, write=False, student_id=self.student)
        recorded = await act(
            takes.counts_by_log, write=False, owner_id=self.student, log_ids=[log.id for log in board.recent_logs]
        )
        assignments = await act(teaching.assignments_for_student, write=False, student_id=self.student)
        given = await act(plans.plans_given_to, write=False, student_id=self.student)
        self.container.clear()
        with self.container:
            with ui.card().classes("w-full").mark("studio-plans"):
                with ui.row().classes("w-full items-center"):
                    ui.label(_("Plans you gave")).classes("text-subtitle1 text-weight-medium grow")
                    ui.button(_("Give a plan"), icon="add", on_click=lambda: self._plan_dialog(None)).props(
                        "flat no-caps"
                    ).mark("give-plan")
                if not given:
                    ui.label(_("No plan yet: blocks on chosen days, shown on their dashboard each day.")).classes(
                        "text-grey-7"
                    )
                for plan in given:
                    with ui.row().classes("w-full items-center no-wrap gap-2"):
                        minutes = _("{minutes} min", minutes=plan.minutes)
                        ui.label(f"{plan.title} · {plan.description} · {minutes}").classes("grow ellipsis")
                        ui.button(icon="edit", on_click=lambda p=plan: self._plan_dialog(p)).props(
                            "flat round dense aria-label=" + json.dumps(_("Change"))
                        )
                        ui.button(icon="delete", on_click=lambda p=plan: self._withdraw_plan(p)).props(
                            "flat round dense color=negative aria-label=" + json.dumps(_("Withdraw"))
                        )
            with ui.card().classes("w-full").mark("studio-assignments"):
                with ui.row().classes("w-full items-center"):
                    ui.label(_("Assignments")).classes("text-subtitle1 text-weight-medium grow")
                    ui.button(_("Assign"), icon="add", on_click=self._assign_dialog).props("flat no-caps").mark(
                        "assign"
                    )
                if not assignments:
                    ui.label(_("Nothing assigned.")).classes("text-grey-7")
                for item in assignments:
                    assignment_row(item)
            with ui.card().classes("w-full").mark("studio-recent"):
                ui.label(_("Recent practice")).classes("text-subtitle1 text-weight-medium")
                if not board.recent_logs:
                    ui.label(_("Nothing logged yet.")).classes("text-grey-7")
                for log in board.recent_logs:
                    with ui.row().classes("w-full items-center no-wrap gap-2"):
                        activity = _(ACTIVITY_LABELS.get(log.activity_type, log.activity_type))
                        what = piece_name(log.composer, log.work_title, activity)
                        when = local_day(log.start_time, self.timezone)
                        ui.label(f"{day_month(when)} · {what} · {duration(log.duration_seconds)}").classes(
                            "grow ellipsis"
                        )
                        if count := recorded.get(log.id):
                            recordings = _("Recordings ({count})", count=count)
                            ui.button(icon="graphic_eq", on_click=lambda lg=log: open_takes(self.me, lg)).props(
                                "flat round dense data-testid=student-takes aria-label=" + json.dumps(recordings)
                            ).mark("student-takes").tooltip(recordings)
                        ui.button(icon="chat", on_click=lambda lid=log.id: self._comment_dialog(lid)).props(
                            "flat round dense aria-label=" + json.dumps(_("Comment"))
                        ).mark("comment")

    def _plan_dialog(self, plan: PlanOut | None) -> None:
        async def save(data: dict[str, Any]) -> None:
            if plan is None:
                await act(plans.give_plan, student_id=self.student, data=data)
            else:
                await act(plans.update_plan, plan_id=plan.id, data=data)

        open_plan_editor(plan, save=save, on_saved=self.load)

    async def _withdraw_plan(self, plan: PlanOut) -> None:
        await act(plans.delete_plan, plan_id=plan.id)
        await self.load()

    def _assign_dialog(self) -> None:
        with page_dialog() as dialog, ui.card().classes("w-[28rem] max-w-full gap-2"):
            ui.label(_("Assign a piece or exercise")).classes("text-h6")
            due = f"{date.today() + timedelta(days=7)}"
            fields: dict[str, Any] = {
                "title": ui.input(_("Piece or exercise")).props("outlined dense autofocus"),
                "composer": ui.input(_("Composer (optional)")).props("outlined dense"),
                "targetTempo": ui.number(_("Target tempo (BPM)"), min=1, max=400, format="%d").props("outlined dense"),
                "dueDate": ui.input(_("Due"), value=due).props("outlined dense type=date"),
                "focusAreas": ui.select(FOCUS_AREAS, multiple=True, label=_("Focus areas")).props(
                    "outlined dense use-chips"
                ),
                "notes": ui.textarea(_("Notes")).props("outlined dense autogrow"),
            }

            async def save() -> None:
                data = {name: field.value for name, field in fields.items() if field.value not in (None, "", [])}
                if "targetTempo" in data:
                    data["targetTempo"] = int(data["targetTempo"])
                try:
                    await act(teaching.assign, student_id=self.student, data=data)
                except InvalidInput as error:
                    _show_problems(fields, error)
                    return
                dialog.close()
                await self.load()
                ui.notify(_("Assigned."), type="positive")

            with ui.row().classes("w-full justify-end"):
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
                ui.button(_("Assign"), on_click=save).props("unelevated color=primary").mark("assign-save")

    async def _comment_dialog(self, log_id: uuid.UUID) -> None:
        thread = await act(teaching.comments_on_log, write=False, log_id=log_id)
        with page_dialog() as dialog, ui.card().classes("w-[28rem] max-w-full gap-2"):
            ui.label(_("Comments")).classes("text-h6")
            for comment in thread:
                comment_row(comment)
            text = ui.textarea(_("Your comment")).props("outlined autogrow autofocus").classes("w-full")

            async def send() -> None:
                try:
                    await act(teaching.add_comment, log_id=log_id, data={"body": text.value or ""})
                except InvalidInput as error:
                    text.props(
                        f'error error-message="{error.problems[0].message if error.problems else error.message}"'
                    )
                    return
                dialog.close()
                ui.notify(_("Comment sent."), type="positive")

            with ui.row().classes("w-full justify-end"):
                ui.button(_("Close"), on_click=dialog.close).props("flat")
                ui.button(_("Send"), on_click=send).props("unelevated color=primary").mark("comment-send")


def _show_problems(fields: Mapping[str, Any], error: InvalidInput) -> None:
    for problem in error.problems:
        if (field := fields.get(problem.field)) is not None:
            field.props(f'error error-message="{problem.message}"')
    if not any(p.field in fields for p in error.problems):
        ui.notify(error.message, type="warning")


def _student_source(student: uuid.UUID) -> ProgressSource:
    async def guarded(fn, **kwargs):
        try:
            return await act(fn, write=False, student_id=student, **kwargs)
        except NotFound:
            # The student stopped sharing since the page opened: the next click shows nothing more.
            ui.notify(_("This student no longer shares their practice with you."), type="warning")
            ui.navigate.to("/studio")
            raise

    return ProgressSource(
        overview=lambda: guarded(studio.student_progress),
        streaks=lambda: guarded(studio.student_streaks),
        charts=lambda query: guarded(studio.student_analytics, query=query),
        exports=False,
    )


async def _leave(week: StudentWeek) -> None:
    await act(sharing.revoke_share, share_id=week.share_id)
    ui.notify(_("You no longer see this student's practice."))
    ui.navigate.to("/studio")
