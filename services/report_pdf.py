"""The practice report as a PDF (fpdf2): summary figures, the main charts and the list of logs.

Building it takes a few seconds (the charts are drawn in a headless browser), so the caller
runs it off the event loop and may pass ``progress`` to show how far it has got.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import FontFace
from sqlmodel import Session

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
    """The PDF report of the filtered range."""
    step = progress_to or (lambda _fraction, _text: None)
    step(0.05, "Reading your logs")
    time = analytics.practice_time(session, actor=actor, query=query, today=today)
    pieces = analytics.repertoire(session, actor=actor, query=query, today=today)
    trends = analytics.improvement(session, actor=actor, query=query, today=today)
    days, logs = filtered_logs(session, actor=actor, query=query, today=today)
    overview = progress.overview(session, actor=actor, today=today)
    user = session.get(User, actor.id)
    figures = [
        charts.practice_time_figure(time, paper=True),
        charts.shares_figure(time.by_activity, "Time by activity", activities=True, paper=True),
        charts.top_pieces_figure(pieces, paper=True),
    ]
    if trends.tempo:
        figures.append(charts.tempo_figure(trends.tempo, paper=True))
    step(0.15, "Drawing the charts")
    images = render_png(
        figures, browser=browser, on_done=lambda n: step(0.15 + 0.7 * n / len(figures), f"Drawn {n} of {len(figures)}")
    )
    step(0.9, "Writing the PDF")
    pdf = _document()
    name = (user.display_name or user.email) if user else "Musician"
    _cover(pdf, name, days.first, days.last, time, overview)
    _charts(pdf, images)
    _log_table(pdf, logs, actor.timezone)
    step(1.0, "Done")
    filename = f"mirubato-report-{days.first.isoformat()}-{days.last.isoformat()}.pdf"
    return Report(filename=filename, content=bytes(pdf.output()), logs=len(logs), charts=len(images or []))


def _document() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title("Mirubato practice report")
    pdf.set_creator("Mirubato")
    pdf.add_page()
    return pdf


def _cover(pdf: FPDF, name: str, first: date, last: date, time: analytics.PracticeTime, overview: Any) -> None:
    pdf.set_font("DejaVu", "B", 20)
    pdf.cell(0, 12, "Practice report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 7, f"{name} · {first:%d %B %Y} to {last:%d %B %Y}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, f"Made {utcnow():%d %B %Y %H:%M} UTC", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    change = time.previous.change_percent
    figures = [
        ("Time practised", _hours(time.total_seconds)),
        ("Logs", str(time.logs)),
        ("Days with practice", f"{time.practice_days} of {(last - first).days + 1}"),
        ("Average on a practice day", _hours(time.average_seconds_per_practice_day)),
        ("Against the period before", "no practice before" if change is None else f"{change:+.0f} %"),
        ("Level", f"{overview.current_level} ({overview.title}), {overview.experience_points} XP"),
        ("Current streak", "1 day" if overview.consecutive_days == 1 else f"{overview.consecutive_days} days"),
        ("Achievements", ", ".join(a.title for a in overview.achievements) or "none yet"),
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
            0, 6, "The charts could not be drawn on this server (no Chromium found); the figures and logs follow."
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
    pdf.cell(0, 10, f"Logs ({len(logs)})", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8)
    zone = ZoneInfo(timezone)
    shown = logs[-MAX_LISTED_LOGS:]
    if len(shown) < len(logs):
        pdf.cell(
            0, 6, f"The newest {len(shown)} are listed; the CSV export has them all.", new_x="LMARGIN", new_y="NEXT"
        )
    with pdf.table(col_widths=(24, 12, 14, 24, 70, 16, 12, 12), line_height=5, repeat_headings=1) as table:
        table.row(["Day", "Time", "Instr.", "Activity", "Piece", "Minutes", "BPM", "Rating"])
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
    return f"{hours} h {rest // 60:02d} min"
