"""The practice report as a PDF (fpdf2): summary figures, the main charts and the list of logs.

Building it takes a few seconds (the charts are drawn in a headless browser), so the caller
runs it off the event loop and may pass ``progress`` to show how far it has got.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace
from sqlmodel import Session

from core.i18n import (
    DEFAULT_LANGUAGE,
    N_,
    _,
    current_language,
    format_clock,
    format_day,
    ngettext,
    pgettext,
    use_language,
)
from core.models import User, utcnow
from services import analytics, charts, progress
from services.actor import Actor
from services.adapters.chart_images import render_png
from services.analytics_query import AnalyticsQuery
from services.labels import activity_label
from services.log_export import filtered_logs

FONTS = Path(__file__).resolve().parent / "data" / "fonts"
MAX_LISTED_LOGS = 5000
Progress = Callable[[float, str], None]
# The PDF is drawn with DejaVu Sans (FONTS), which has no Chinese or Japanese glyphs, and this server has no
# CJK font either (`fc-list :lang=zh` and `fc-list :lang=ja` list none, so the charts' Chromium has none):
# a report asked for in these languages is written in English rather than in empty boxes.
WITHOUT_GLYPHS = frozenset({"zh-Hans", "zh-Hant", "ja"})


@dataclass(frozen=True)
class Report:
    filename: str
    content: bytes
    logs: int
    charts: int


def practice_report(
    session: Session,
    *,
    actor: Actor,
    query: AnalyticsQuery | dict[str, Any],
    browser: str | None,
    progress_to: Progress | None = None,
    today: date | None = None,
) -> Report:
    """The PDF report of the filtered range (its progress texts in the caller's language)."""
    language = current_language()

    def step(fraction: float, message: str, **values: object) -> None:
        if progress_to is not None:
            with use_language(language):
                progress_to(fraction, _(message, **values))

    with _pdf_language():
        step(0.05, N_("Reading your logs"))
        time = analytics.practice_time(session, actor=actor, query=query, today=today)
        pieces = analytics.repertoire(session, actor=actor, query=query, today=today)
        trends = analytics.improvement(session, actor=actor, query=query, today=today)
        days, logs = filtered_logs(session, actor=actor, query=query, today=today)
        overview = progress.overview(session, actor=actor, today=today)
        user = session.get(User, actor.id)
        figures = [
            charts.practice_time_figure(time, paper=True),
            charts.shares_figure(time.by_activity, _("Time by activity"), activities=True, paper=True),
            charts.top_pieces_figure(pieces, paper=True),
        ]
        if trends.tempo:
            figures.append(charts.tempo_figure(trends.tempo, paper=True))
        step(0.15, N_("Drawing the charts"))
        images = render_png(
            figures,
            browser=browser,
            on_done=lambda n: step(
                0.15 + 0.7 * n / len(figures), N_("Drawn {done} of {total}"), done=n, total=len(figures)
            ),
        )
        step(0.9, N_("Writing the PDF"))
        pdf = _document()
        name = (user.display_name or user.email) if user else _("Musician")
        _cover(pdf, name, days.first, days.last, time, overview)
        _charts(pdf, images)
        _log_table(pdf, logs, actor.timezone)
        step(1.0, N_("Done"))
    filename = f"mirubato-report-{days.first.isoformat()}-{days.last.isoformat()}.pdf"
    return Report(filename=filename, content=bytes(pdf.output()), logs=len(logs), charts=len(images or []))


def _pdf_language() -> AbstractContextManager[None]:
    """English for a language the PDF's fonts cannot draw (see WITHOUT_GLYPHS), else the current one."""
    return use_language(DEFAULT_LANGUAGE) if current_language() in WITHOUT_GLYPHS else nullcontext()


def _document() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_("Mirubato practice report"))
    pdf.set_creator("Mirubato")
    pdf.add_page()
    return pdf


def _cover(pdf: FPDF, name: str, first: date, last: date, time: analytics.PracticeTime, overview: Any) -> None:
    pdf.set_font("DejaVu", "B", 20)
    pdf.cell(0, 12, _("Practice report"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    # Translators: {name} is the musician's name; {first} and {last} are days, e.g. "02 March 2026".
    span = _("{name} · {first} to {last}", name=name, first=_long_day(first), last=_long_day(last))
    pdf.cell(0, 7, span, new_x="LMARGIN", new_y="NEXT")
    made = utcnow()
    # Translators: {moment} is a day and a time of day, e.g. "02 March 2026 14:05".
    pdf.cell(0, 7, _("Made {moment} UTC", moment=_long_moment(made)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    change = time.previous.change_percent
    # Translators: {level} is the level's number, {title} its title (Beginner...), {xp} the experience points.
    level = _(
        "{level} ({title}), {xp} XP",
        level=overview.current_level,
        title=overview.title,
        xp=overview.experience_points,
    )
    # Translators: e.g. "5 of 7": the days with practice out of the days in the report's range.
    practised = _("{days} of {total}", days=time.practice_days, total=(last - first).days + 1)
    figures = [
        (_("Time practised"), _hours(time.total_seconds)),
        (_("Logs"), str(time.logs)),
        (_("Days with practice"), practised),
        (_("Average on a practice day"), _hours(time.average_seconds_per_practice_day)),
        (_("Against the period before"), _("no practice before") if change is None else f"{change:+.0f} %"),
        (_("Level"), level),
        (_("Current streak"), ngettext("{n} day", "{n} days", overview.consecutive_days)),
        (_("Achievements"), ", ".join(a.title for a in overview.achievements) or _("none yet")),
    ]
    pdf.set_font("DejaVu", "", 10)
    with pdf.table(col_widths=(60, 120), first_row_as_headings=False, line_height=7) as table:
        for label, value in figures:
            row = table.row()
            row.cell(label, style=FontFace(emphasis="BOLD"))
            row.cell(value)


def _charts(pdf: FPDF, images: list[bytes] | None) -> None:
    pdf.ln(4)
    if images is None:
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(
            0, 6, _("The charts could not be drawn on this server (no Chromium found); the figures and logs follow.")
        )
        return
    for image in images:
        if pdf.get_y() > pdf.h - 90:
            pdf.add_page()
        pdf.image(image, w=pdf.epw)
        pdf.ln(3)


def _log_table(pdf: FPDF, logs: list[Any], timezone: str) -> None:
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 10, _("Logs ({count})", count=len(logs)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    zone = ZoneInfo(timezone)
    shown = logs[-MAX_LISTED_LOGS:]
    if len(shown) < len(logs):
        listed = _("The newest {count} are listed; the CSV export has them all.", count=len(shown))
        pdf.cell(0, 6, listed, new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(24, 12, 14, 24, 70, 16, 12, 12), line_height=5, repeat_headings=1) as table:
        table.row(
            [
                # Translators: the column headers of the report's log table, which is narrow: keep them short.
                pgettext("report log table", "Day"),
                pgettext("report log table", "Time"),
                pgettext("report log table", "Instr."),
                pgettext("report log table", "Activity"),
                pgettext("report log table", "Piece"),
                pgettext("report log table", "Minutes"),
                pgettext("report log table", "BPM"),
                pgettext("report log table", "Rating"),
            ]
        )
        for log in shown:
            start = log.start_time.astimezone(zone)
            piece = " – ".join(part for part in (log.composer, log.work_title) if part)
            table.row(
                [
                    f"{start:%Y-%m-%d}",
                    f"{start:%H:%M}",
                    log.instrument,
                    activity_label(log.activity_type),
                    piece[:80],
                    str(round((log.duration_seconds or 0) / 60)),
                    str(log.tempo_practiced or ""),
                    str(log.self_rating or ""),
                ]
            )


def _hours(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes = f"{rest // 60:02d}"
    # Translators: a duration, e.g. "4 h 05 min".
    return _("{hours} h {minutes} min", hours=hours, minutes=minutes)


def _long_day(day: date) -> str:
    """English keeps the report's own style ("02 March 2026"); other languages write a day their way."""
    return format_day(day, "dd MMMM y" if current_language() == DEFAULT_LANGUAGE else "long")


def _long_moment(moment: datetime) -> str:
    if current_language() == DEFAULT_LANGUAGE:
        return f"{moment:%d %B %Y %H:%M}"
    return f"{format_day(moment, 'long')} {format_clock(moment)}"
