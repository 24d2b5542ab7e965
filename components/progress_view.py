"""The progress view: level, streaks and achievements, a filter bar, the charts, and exports.

Shown on a musician's own progress page and, read-only and without exports, to their teacher.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from nicegui import app, ui

from components import html_rows
from components.browser_sign_in import act
from components.chart_table import chart_with_table
from components.figure_card import figure_card
from components.filter_bar import FilterBar
from components.format import duration, short_date
from core.i18n import N_, _, ngettext
from services import charts, log_export, report_pdf
from services.analytics import AnalyticsPage
from services.calendar_days import local_day
from services.errors import ServiceError
from services.labels import instrument_label
from services.progress import ProgressOverview, Streaks
from services.progress_rules import ACHIEVEMENTS

ICONS = {
    "first_log": "music_note",
    "streak_7": "local_fire_department",
    "streak_30": "whatshot",
    "streak_100": "emoji_events",
    "hours_10": "schedule",
    "hours_100": "hourglass_full",
    "hours_1000": "workspace_premium",
    "pieces_10": "library_music",
    "pieces_100": "auto_stories",
    "target_tempo": "speed",
    "both_instruments": "piano",
}
PLOT_CONFIG = {"displayModeBar": False, "responsive": True}
# services.progress_rules.SKILL_AREAS' codes as they read (translated where shown).
SKILL_LABELS = {
    "sight_reading": N_("Sight reading"),
    "technique": N_("Technique"),
    "repertoire": N_("Repertoire"),
    "musicianship": N_("Musicianship"),
}


@dataclass(frozen=True)
class ProgressSource:
    """Where a progress view reads from: the musician's own data, or a student's for their teacher."""

    overview: Callable[[], Awaitable[ProgressOverview]]
    streaks: Callable[[], Awaitable[Streaks]]
    charts: Callable[[dict[str, Any]], Awaitable[AnalyticsPage]]
    exports: bool


class ProgressView:
    def __init__(self, source: ProgressSource, *, timezone: str, quiet: bool = False, streaks: bool = True) -> None:
        """``quiet``: no levels, XP or achievements; ``streaks``: show streaks (the viewer's preferences)."""
        self.source = source
        self.quiet = quiet
        self.streaks = streaks
        self.today = local_day(datetime.now(UTC), timezone)
        self.summary = ui.column().classes("w-full gap-4")
        self.filters = FilterBar(self.today, on_change=self.load_charts)
        self.exports = ui.row().classes("w-full gap-2 items-center")
        self.charts = ui.column().classes("w-full gap-4").mark("charts")
        if source.exports:
            self._export_buttons()

    async def load(self) -> None:
        overview = await self.source.overview()
        streaks = await self.source.streaks()
        self.summary.clear()
        with self.summary:
            _headline(overview, streaks.longest, quiet=self.quiet, streaks=self.streaks)
            if not self.quiet:
                _achievements(overview)
                _instruments(overview)
        await self.load_charts()

    async def load_charts(self) -> None:
        try:
            data = await self.source.charts(self.filters.query())
        except ServiceError as error:
            ui.notify(error.message, type="warning")
            return
        self.charts.clear()
        with self.charts:
            _charts(data)

    def _export_buttons(self) -> None:
        with self.exports:
            ui.label(_("Export this selection:")).classes("text-grey-7")
            ui.button("CSV", icon="table_view", on_click=lambda: self._download("csv")).props("outline no-caps").mark(
                "export-csv"
            )
            ui.button("JSON", icon="data_object", on_click=lambda: self._download("json")).props(
                "outline no-caps"
            ).mark("export-json")
            ui.button(_("PDF report"), icon="picture_as_pdf", on_click=self._report).props(
                "unelevated no-caps color=primary"
            ).mark("export-pdf")

    async def _download(self, kind: str) -> None:
        make = log_export.logs_csv if kind == "csv" else log_export.logs_json
        content = await act(make, write=False, query=self.filters.query())
        first, last = self.filters.dates()
        media = "text/csv" if kind == "csv" else "application/json"
        ui.download.content(content, f"mirubato-logs-{first}-{last}.{kind}", media)

    async def _report(self) -> None:
        state: dict[str, Any] = {"fraction": 0.0, "text": _("Waiting for its turn")}
        with ui.dialog().props("persistent") as dialog, ui.card().classes("w-80").mark("report-progress"):
            ui.label(_("Making your PDF report")).classes("text-subtitle1")
            bar = ui.linear_progress(value=0, show_value=False).props("rounded size=10px")
            bar.props["aria-label"] = _("Making your PDF report")
            step = ui.label(state["text"]).classes("text-caption text-grey-7")
        dialog.open()

        def show() -> None:
            bar.set_value(state["fraction"])
            step.set_text(state["text"])

        ticker = ui.timer(0.25, show)
        try:
            report = await act(
                report_pdf.practice_report,
                write=False,
                query=self.filters.query(),
                browser=app.state.chart_browser,
                progress_to=lambda fraction, text: state.update(fraction=fraction, text=text),
            )
        finally:
            ticker.cancel()
            dialog.close()
        ui.download.content(report.content, report.filename, "application/pdf")
        if not report.charts:
            ui.notify(_("The report was made without charts: this server cannot draw them."), type="warning")


def _headline(overview: ProgressOverview, longest: int, *, quiet: bool, streaks: bool) -> None:
    span = max(overview.next_level_xp - overview.level_start_xp, 1)
    with ui.element("div").classes("w-full grid gap-3 grid-cols-2 md:grid-cols-4"):
        if quiet:
            _plain_headline(overview, longest, streaks)
            return
        with figure_card(_("Level"), "military_tech"):
            ui.label(f"{overview.current_level} · {overview.title}").classes("text-h6").mark("level")
            level_bar = ui.linear_progress(
                (overview.experience_points - overview.level_start_xp) / span, show_value=False
            ).props("rounded size=8px")
            level_bar.props["aria-label"] = _("Progress to the next level")
            xp = _("{xp} XP, next level at {next_xp}", xp=overview.experience_points, next_xp=overview.next_level_xp)
            ui.label(xp).classes("text-caption text-grey-7")
        _plain_headline(overview, longest, streaks)
        with figure_card(_("Achievements"), "emoji_events"):
            ui.label(_("{earned} of {total}", earned=len(overview.achievements), total=len(ICONS))).classes(
                "text-h6"
            ).mark("achievement-count")
            latest = max(overview.achievements, key=lambda a: a.earned_on or date.min, default=None)
            newest = _("Latest: {title}", title=latest.title) if latest else _("Log practice to earn the first")
            ui.label(newest).classes("text-caption text-grey-7 ellipsis")


def _plain_headline(overview: ProgressOverview, longest: int, streaks: bool) -> None:
    """Quiet mode: the figures without levels, XP or achievements."""
    if streaks:
        with figure_card(_("Streak"), "local_fire_department"):
            ui.label(_days(overview.consecutive_days)).classes("text-h6").mark("progress-streak")
            ui.label(_("Longest: {days}", days=_days(longest))).classes("text-caption text-grey-7")
    with figure_card(_("All practice"), "schedule"):
        ui.label(duration(overview.total_practice_time)).classes("text-h6").mark("total-time")
        last = overview.last_practice_date
        ui.label(_("Last on {date}", date=short_date(last)) if last else _("Nothing logged yet")).classes(
            "text-caption text-grey-7"
        )


def _achievements(overview: ProgressOverview) -> None:
    """Every achievement as a chip, earned (amber) or not yet (outlined), its description on hover:
    one element of HTML (components.html_rows) instead of a chip and a tooltip each."""
    earned = {a.key: a for a in overview.achievements}
    chips = []
    for achievement in ACHIEVEMENTS:
        got = earned.get(achievement.key)
        description = _(achievement.description)
        if got and got.earned_on:
            # Translators: an achievement's description, then the day it was earned.
            tooltip = _("{description} · earned {date}", description=description, date=short_date(got.earned_on))
        elif got:
            tooltip = description
        else:
            tooltip = _("{description} · not yet", description=description)
        look = "q-chip--colored bg-amber-7 text-black" if got else "q-chip--outline text-grey-8"
        chips.append(
            html_rows.chip(
                _(achievement.title),
                ICONS.get(achievement.key, "star"),
                look,
                title=tooltip,
                testid="achievement-earned" if got else "achievement-locked",
            )
        )
    ui.html("".join(chips), sanitize=False).classes("w-full row gap-2")  # escaped: html_rows


def _instruments(overview: ProgressOverview) -> None:
    if not overview.instruments:
        return
    with ui.element("div").classes("w-full grid gap-3 grid-cols-1 md:grid-cols-2"):
        for instrument in overview.instruments:
            with ui.card().classes("w-full gap-2").mark("instrument-progress"):
                overall = instrument.overall
                name = instrument_label(instrument.instrument)
                # Translators: e.g. "Piano · level 4 (Beginner)"; {title} is the level's title.
                heading = _(
                    "{instrument} · level {level} ({title})", instrument=name, level=overall.level, title=overall.title
                )
                ui.label(heading).classes("text-subtitle1 text-weight-medium")
                for skill in instrument.skills:
                    span = max(skill.next_level_xp - skill.level_start_xp, 1)
                    with ui.row().classes("w-full items-center no-wrap gap-3"):
                        ui.label(_skill_label(skill.skill_area)).classes("w-32")
                        skill_bar = ui.linear_progress(
                            (skill.experience_points - skill.level_start_xp) / span, show_value=False
                        ).props("rounded size=8px")
                        skill_bar.classes("grow").props["aria-label"] = _skill_label(skill.skill_area)
                        ui.label(_("level {level}", level=skill.level)).classes("text-caption whitespace-nowrap")


def _charts(data: AnalyticsPage) -> None:
    time = data.time
    if not time.logs and not time.previous.logs:
        with ui.card().classes("w-full items-center q-pa-lg").mark("no-data"):
            ui.icon("insights", size="lg", color="grey-6")
            ui.label(_("No practice in this selection yet. Widen the period or log some practice.")).classes(
                "text-grey-7"
            )
        _plot(charts.calendar_figure(data.year, time.date_to), "chart-calendar")
        return
    _comparison_line(data)
    _plot(charts.practice_time_figure(time), "chart-practice-time")
    _plot(charts.calendar_figure(data.year, time.date_to), "chart-calendar")
    with ui.element("div").classes("w-full grid gap-4 grid-cols-1 md:grid-cols-2"):
        _plot(charts.shares_figure(time.by_activity, _("Time by activity"), activities=True), "chart-activity")
        _plot(charts.shares_figure(time.by_instrument, _("Time by instrument")), "chart-instrument")
        _plot(charts.top_pieces_figure(data.repertoire), "chart-pieces")
        _plot(charts.top_composers_figure(data.repertoire), "chart-composers")
    _plot(charts.comparison_figure(time), "chart-comparison")
    if data.improvement.tempo:
        _plot(charts.tempo_figure(data.improvement.tempo), "chart-tempo")
    if data.improvement.accuracy or data.improvement.self_rating:
        _plot(charts.trends_figure(data.improvement), "chart-trends")


def _comparison_line(data: AnalyticsPage) -> None:
    time, before = data.time, data.time.previous
    change = before.change_percent
    if change is None:
        trend = _("no practice in the period before")
    else:
        # Translators: {change} is a signed percentage figure, e.g. "+12" or "-5".
        trend = _("{change} % against the period before", change=format(change, "+.0f"))
    with ui.row().classes("w-full items-baseline gap-2").mark("period-summary"):
        ui.label(duration(time.total_seconds)).classes("text-h6")
        span = f"{time.date_from:%d %b} – {time.date_to:%d %b %Y}"
        logs = ngettext("{n} log", "{n} logs", time.logs)
        # Translators: e.g. "in 12 logs on 9 days (1 Mar – 30 Mar 2027), +12 % against the period before".
        summary = _(
            "in {logs} on {days} ({span}), {trend}", logs=logs, days=_days(time.practice_days), span=span, trend=trend
        )
        ui.label(summary).classes("text-grey-7")


def _plot(figure: charts.Figure, mark: str) -> None:
    with ui.card().classes("w-full q-pa-xs"):
        chart_with_table(figure, PLOT_CONFIG, mark)


def _days(count: int) -> str:
    return ngettext("{n} day", "{n} days", count)


def _skill_label(area: str) -> str:
    label = SKILL_LABELS.get(area)
    return _(label) if label else area.replace("_", " ").capitalize()
