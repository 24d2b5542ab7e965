"""A teacher's studio: every student who shares with them, and each student's practice, read-only."""

from __future__ import annotations

import uuid

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.format import duration
from components.frame import frame
from components.progress_view import ProgressSource, ProgressView
from components.session import act, signed_in
from services import sharing, studio
from services.errors import NotFound
from services.studio import StudentWeek


@ui.page("/studio")
async def studio_page() -> RedirectResponse | None:
    me = await signed_in()
    if me is None:
        return RedirectResponse("/login")
    with frame("Studio", me):
        students = await act(studio.overview, write=False)
        if not students:
            with ui.card().classes("w-full items-center q-pa-lg").mark("studio-empty"):
                ui.icon("groups", size="lg", color="grey-6")
                ui.label("No student shares their practice with you yet.").classes("text-grey-8")
                ui.label("Ask them to open Share with a teacher and send you an invitation.").classes("text-grey-7")
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
            ui.link("Open", f"/studio/{week.student.id}").classes("text-primary").mark("studio-open")
        ui.linear_progress(min(week.week_seconds / goal, 1) if goal else 0, show_value=False).props("rounded size=8px")
        ui.label(f"This week {duration(week.week_seconds)} of {duration(goal)} · today {duration(week.today_seconds)}")
        streak = f"{week.current_streak} day streak" if week.current_streak else "no streak"
        last = f"last practice {week.last_practice_date:%d %b}" if week.last_practice_date else "no practice yet"
        ui.label(f"{streak} · {last}").classes("text-caption text-grey-7")
        if week.in_progress:
            ui.label("Learning: " + ", ".join(week.in_progress[:4])).classes("text-caption ellipsis")


@ui.page("/studio/{student_id}")
async def student_page(student_id: str) -> RedirectResponse | None:
    me = await signed_in()
    if me is None:
        return RedirectResponse("/login")
    try:
        student = uuid.UUID(student_id)
        week = next(w for w in await act(studio.overview, write=False) if w.student.id == student)
    except (ValueError, StopIteration):
        with frame("Student", me):
            ui.label("No student of yours has this address. They may have stopped sharing.").mark("studio-missing")
            ui.link("Back to the studio", "/studio")
        return None
    name = week.student.display_name or week.student.email
    with frame(f"{name}'s practice", me):
        ui.label("Read-only: what they log, as they see it.").classes("text-caption text-grey-7")
        view = ProgressView(_student_source(student), timezone=me.actor.timezone)
        await view.load()
        ui.button("Stop viewing", icon="visibility_off", on_click=lambda: _leave(week)).props(
            "flat no-caps color=negative"
        ).mark("studio-leave")
    return None


def _student_source(student: uuid.UUID) -> ProgressSource:
    async def guarded(fn, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return await act(fn, write=False, student_id=student, **kwargs)
        except NotFound:
            # The student stopped sharing since the page opened: the next click shows nothing more.
            ui.notify("This student no longer shares their practice with you.", type="warning")
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
    ui.notify("You no longer see this student's practice.")
    ui.navigate.to("/studio")
