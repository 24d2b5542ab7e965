"""The dashboard: today, this week, the streak, quick logs, recent practice, pieces in progress."""

from __future__ import annotations

from html import escape

from fastapi.responses import RedirectResponse
from nicegui import ui

from components import html_rows
from components.agenda import goal_bars, today_card
from components.browser_sign_in import Me, act
from components.figure_card import figure_card
from components.format import ACTIVITY_LABELS, STATUS_LABELS, clock, day_name, duration, piece_name
from components.frame import frame
from components.page_route import signed_in_page
from components.quick_log import QuickLog
from components.refresh import refresh_when_logs_change
from components.teacher_notes import from_your_teacher
from core.i18n import _, ngettext, weekday_name
from services import dashboard
from services.calendar_days import local_day
from services.dashboard import Dashboard
from services.recommendations import Recommendation


@signed_in_page("/")
async def home(me: Me) -> RedirectResponse | None:
    if not me.profile.display_name:
        return RedirectResponse("/welcome")
    with frame(_("Dashboard"), me, shortcuts={"q": lambda: board.quick.open()}):
        board = DashboardView(me)
        await board.refresh()
    refresh_when_logs_change(me.actor.id, board.refresh)
    return None


class DashboardView:
    def __init__(self, me: Me) -> None:
        self.me = me
        instrument = me.profile.default_instrument
        self.quick = QuickLog(instrument=instrument)  # built once: its buttons open it without the server
        self.container = ui.column().classes("w-full gap-4")
        self.recommended: list[Recommendation] | None = None  # asked for once per page load

    async def refresh(self) -> None:
        data = await act(dashboard.dashboard, write=False, recommend=self.recommended is None)
        if data.recommended is None:
            data.recommended = self.recommended
        self.recommended = data.recommended
        self.container.clear()
        with self.container:
            self._greeting()
            self._figures(data)
            self._actions(data)
            today_card(data.agenda)
            goal_bars(data.goals, quiet=data.quiet_mode)
            from_your_teacher(data.assignments, data.teacher_comments, data.take_feedback)
            with ui.element("div").classes("w-full grid gap-4 grid-cols-1 md:grid-cols-2"):
                self._recent(data)
                self._in_progress(data)
            self._try_next(data)

    def _greeting(self) -> None:
        name = self.me.profile.display_name
        greeting = _("Hello, {name}", name=name) if name else _("Hello, there")
        ui.label(greeting).classes("text-subtitle1 text-grey-7").mark("dashboard-greeting")

    def _figures(self, data: Dashboard) -> None:
        goal = data.daily_goal_minutes * 60
        columns = "sm:grid-cols-3" if data.show_streaks else "sm:grid-cols-2"
        with ui.element("div").classes(f"w-full grid gap-3 grid-cols-1 {columns}"):
            with figure_card(_("Today"), "today"), ui.row().classes("items-center gap-3 no-wrap"):
                today_ring = ui.circular_progress(
                    min(data.today_seconds / goal, 1) if goal else 0, show_value=False, size="42px", color="primary"
                )
                today_ring.props["aria-label"] = _("Today's practice towards your daily goal")
                with ui.column().classes("gap-0"):
                    ui.label(duration(data.today_seconds)).classes("text-h6").mark("today-total")
                    ui.label(_("of {goal} goal", goal=duration(goal))).classes("text-caption text-grey-7")
            with figure_card(_("This week"), "date_range"):
                ui.label(duration(data.week_seconds)).classes("text-h6").mark("week-total")
                top = max([d.seconds for d in data.week] + [1])
                bars = "".join(
                    f'<div class="rounded-sm {"bg-primary" if day.seconds else "bg-grey-4"}"'
                    f' style="width:14px;height:{max(3, int(28 * day.seconds / top))}px"'
                    f' title="{escape(weekday_name(day.day, "abbreviated"))}: {escape(duration(day.seconds))}"></div>'
                    for day in data.week
                )
                ui.html(html_rows.row(bars, "items-end gap-1 no-wrap h-8"), sanitize=False)  # escaped above
            if not data.show_streaks:
                return
            with figure_card(_("Streak"), "local_fire_department"):
                days = data.current_streak
                ui.label(ngettext("{n} day", "{n} days", days)).classes("text-h6").mark("streak")
                ui.label(
                    _("Practise today to keep it going") if days and data.today_seconds == 0 else _("in a row")
                ).classes("text-caption text-grey-7")

    def _actions(self, data: Dashboard) -> None:
        with ui.row().classes("w-full gap-2 items-center"):
            ui.button(_("Start timer"), icon="play_arrow", on_click=lambda: ui.navigate.to("/timer?start=1")).props(
                "unelevated color=primary size=lg"
            ).mark("start-timer")
            ui.button(_("Quick log"), icon="bolt").on("click", js_handler=self.quick.opener()).props(
                "outline color=primary size=lg"
            ).mark("quick-log-open")
            for template in data.templates[:6]:
                preset = template.model_dump(by_alias=True, mode="json")
                ui.button(template.template_name, icon="replay").on(
                    "click", js_handler=self.quick.opener(preset)
                ).props("outline rounded no-caps").mark("template-button")

    def _recent(self, data: Dashboard) -> None:
        with ui.card().classes("w-full"):
            ui.label(_("Recent practice")).classes("text-subtitle1 text-weight-medium")
            if not data.recent_logs:
                ui.label(_("Nothing logged yet. Start the timer or add a quick log.")).classes("text-grey-7")
            rows = []
            for log in data.recent_logs:
                day = local_day(log.start_time, self.me.actor.timezone)
                activity = _(ACTIVITY_LABELS.get(log.activity_type, log.activity_type))
                when = f"{activity} · {day_name(day, data.today)} {clock(log.start_time, self.me.actor.timezone)}"
                inner = (
                    html_rows.icon("music_note", "primary")
                    + html_rows.two_lines(piece_name(log.composer, log.work_title, activity), when)
                    + html_rows.text(duration(log.duration_seconds), "text-weight-medium whitespace-nowrap")
                )
                rows.append(html_rows.row(inner, "w-full items-center no-wrap gap-3 q-py-xs", testid="recent-log"))
            if rows:
                # The card's own gap between rows, as when each row was an element of the card
                ui.html("".join(rows), sanitize=False).classes("w-full flex flex-col gap-4")  # html_rows escapes
            ui.link(_("All history"), "/history").classes("text-primary")

    def _in_progress(self, data: Dashboard) -> None:
        with ui.card().classes("w-full"):
            ui.label(_("Pieces in progress")).classes("text-subtitle1 text-weight-medium")
            if not data.in_progress:
                ui.label(_("Add pieces you are learning from the library.")).classes("text-grey-7")
            rows = []
            for item in data.in_progress[:6]:
                status = _(STATUS_LABELS[item.status]) if item.status in STATUS_LABELS else ""
                # Translators: {status} is a repertoire status (Learning, Polished...); "x" as in "3 times"
                details = [_("{status} · practised {times}x", status=status, times=item.times_practiced)]
                if item.target_tempo:
                    details.append(_("best {best} of {target} BPM", best=item.best_tempo, target=item.target_tempo))
                inner = html_rows.icon("queue_music", "secondary") + html_rows.two_lines(
                    piece_name(item.composer, item.title), " · ".join(details)
                )
                rows.append(
                    html_rows.link_row(
                        f"/library/{item.piece_id}",
                        inner,
                        "w-full items-center no-wrap gap-3 q-py-xs text-inherit no-underline",
                        testid="in-progress",
                    )
                )
            if rows:
                # The card's own gap between rows, as when each row was an element of the card
                ui.html("".join(rows), sanitize=False).classes("w-full flex flex-col gap-4")  # html_rows escapes
            ui.link(_("Repertoire"), "/repertoire").classes("text-primary")

    def _try_next(self, data: Dashboard) -> None:
        if not data.recommended:
            return
        with ui.card().classes("w-full"):
            ui.label(_("Try next")).classes("text-subtitle1 text-weight-medium")
            links = "".join(
                html_rows.link_row(
                    f"/library/{item.piece.id}",
                    html_rows.icon("lightbulb", "accent")
                    + html_rows.two_lines(piece_name(item.piece.composer, item.piece.title), item.reason, grow=False),
                    "items-center no-wrap gap-3 q-pa-sm rounded-borders text-inherit no-underline",
                    testid="recommended",
                )
                for item in data.recommended
            )
            ui.html(links, sanitize=False).classes("w-full grid gap-2 grid-cols-1 md:grid-cols-3")  # escaped
            ui.link(_("Your progress"), "/progress").classes("text-primary")
