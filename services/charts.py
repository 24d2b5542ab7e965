"""Plotly figures of the analytics, shared by the progress page and the PDF report.

On screen the figures are transparent with grey text, so one figure reads on the light and the
dark theme alike; the report asks for ``paper=True`` (white, dark text).

Figures are plain dicts in plotly.js's own shape ({"data": [...], "layout": {...}}), not
``plotly.graph_objects``: building and validating graph objects took three quarters of the progress
page's render (about 200 ms of its 290 on the development machine), and ``to_plotly_json()`` added
plotly.py's whole default template (7 kB) to every chart. The part of that template these charts
show is kept in TEMPLATE, so they look as before.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from core.i18n import DEFAULT_LANGUAGE, _, current_language, format_day, ngettext, weekday_name
from services.analytics import DaySummary, Improvement, PracticeTime, RepertoireAnalysis, TempoProgress
from services.labels import activity_label, instrument_label
from services.progress import Share

ACCENT = "#5c6bc0"
SECOND = "#ef8a3c"
PALETTE = ["#5c6bc0", "#ef8a3c", "#26a69a", "#ab47bc", "#ec407a", "#8d6e63", "#7cb342", "#29b6f6"]
HEAT = [[0, "rgba(128,128,128,0.12)"], [0.001, "#c5cae9"], [0.5, "#7986cb"], [1, "#283593"]]

Figure = dict[str, Any]  # {"data": [trace, ...], "layout": {...}}, as plotly.js takes it

# What plotly.py's default template ("plotly") sets that these charts do not set themselves.
_AXIS_DEFAULTS = {
    "automargin": True, "gridcolor": "white", "linecolor": "white", "ticks": "",
    "title": {"standoff": 15}, "zerolinecolor": "white", "zerolinewidth": 2,
}  # fmt: skip
TEMPLATE: dict[str, Any] = {
    "data": {"bar": [{"type": "bar", "marker": {"line": {"color": "#E5ECF6", "width": 0.5}}}]},
    "layout": {
        "autotypenumbers": "strict",
        "colorway": ["#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692", "#B6E880"],
        "hoverlabel": {"align": "left"},
        "hovermode": "closest",
        "xaxis": _AXIS_DEFAULTS,
        "yaxis": _AXIS_DEFAULTS,
    },
}


def _figure(*traces: dict[str, Any], **layout: Any) -> Figure:
    return {"data": list(traces), "layout": layout}


def _update_axes(figure: Figure, letter: str, **settings: Any) -> None:
    """Merge ``settings`` into every ``letter`` axis of the figure (``xaxis``, ``yaxis2``...), as
    plotly.py's ``update_xaxes``/``update_yaxes`` do; a None setting is left out."""
    layout = figure["layout"]
    names = [name for name in layout if name.startswith(f"{letter}axis")] or [f"{letter}axis"]
    for name in names:
        _merge(layout.setdefault(name, {}), settings)


def _merge(target: dict[str, Any], updates: dict[str, Any]) -> None:
    for key, value in updates.items():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def practice_time_figure(data: PracticeTime, *, paper: bool = False) -> Figure:
    """Minutes per period as bars, with the moving average as a line."""
    periods = [p.period for p in data.series]
    unit, per = time_unit([p.seconds for p in data.series])
    bars = {
        "type": "bar",
        "x": periods,
        "y": [p.seconds / per for p in data.series],
        "name": _("Minutes"),
        "marker": {"color": ACCENT},
        "hovertemplate": f"%{{x}}: %{{y:.1f}} {unit}<extra></extra>",
        "width": [STEP[data.granularity].total_seconds() * 1000 * 0.8] * len(periods),  # a bar spans its period
    }
    average = {
        "type": "scatter",
        "x": periods,
        "y": [p.moving_average / per for p in data.series],
        "name": _("Moving average"),
        "mode": "lines",
        "line": {"color": SECOND, "width": 3},
        # Translators: a chart's hover text; {value} is the number, {unit} "minutes" or "hours".
        "hovertemplate": _("average {value} {unit}", value="%{y:.1f}", unit=unit) + "<extra></extra>",
    }
    figure = _figure(bars, average)
    _calendar_axis(figure, periods, data.granularity)
    titles = {"day": _("Practice per day"), "week": _("Practice per week"), "month": _("Practice per month")}
    return _styled(figure, titles[data.granularity], paper=paper, y_title=unit)


def calendar_figure(days: Sequence[DaySummary], last_day: date, *, paper: bool = False) -> Figure:
    """A year of practice as a GitHub-style calendar: one square per day, darker for more minutes."""
    minutes = {d.practice_date: d.total_seconds / 60 for d in days}
    first = last_day - timedelta(days=364)
    first -= timedelta(days=first.weekday())  # start the grid on a Monday
    weeks = (last_day - first).days // 7 + 1
    z: list[list[float | None]] = [[None] * weeks for _row in range(7)]
    text: list[list[str]] = [[""] * weeks for _row in range(7)]
    language = current_language()
    # Translated once for the 371 days, then filled in for each.
    hover = _("{day}: {minutes} min")
    for offset in range((last_day - first).days + 1):
        day = first + timedelta(days=offset)
        week, weekday = divmod(offset, 7)
        spent = minutes.get(day, 0)
        z[weekday][week] = spent
        text[weekday][week] = hover.format(day=_calendar_day(day, language), minutes=f"{spent:.0f}")
    figure = _figure(
        {
            "type": "heatmap",
            "z": z,
            "x": [first + timedelta(weeks=w) for w in range(weeks)],
            "y": [weekday_name(first + timedelta(days=i), "abbreviated") for i in range(7)],
            "text": text,
            "hovertemplate": "%{text}<extra></extra>",
            "colorscale": HEAT,
            "showscale": False,
            "xgap": 2,
            "ygap": 2,
        },
        yaxis={"autorange": "reversed", "showgrid": False},
        xaxis={"showgrid": False, "tickformat": "%b", "dtick": "M1"},
    )
    return _styled(figure, _("The last twelve months"), paper=paper, legend=False)


@lru_cache(maxsize=4096)
def _calendar_day(day: date, language: str) -> str:
    """A day as the calendar's hover names it, in ``language`` (the one in use).

    Cached: every musician's calendar shows the same year of days, and Babel took 20-40 us a day,
    8-17 ms of a progress page in a language other than English.
    """
    # The form English charts have always shown; other languages write the day their own way.
    return f"{day:%a %d %b %Y}" if language == DEFAULT_LANGUAGE else format_day(day, "full")


def shares_figure(shares: Sequence[Share], title: str, *, activities: bool = False, paper: bool = False) -> Figure:
    """Time per activity or instrument as horizontal bars, the largest on top."""
    labels = [activity_label(s.name) if activities else instrument_label(s.name) for s in shares]
    counts = [ngettext("{n} log", "{n} logs", s.logs) for s in shares]
    return _ranking(title, labels, [s.seconds for s in shares], counts, ACCENT, paper=paper)


def comparison_figure(data: PracticeTime, *, paper: bool = False) -> Figure:
    """This period against the one before, per activity."""
    names = sorted({s.name for s in data.by_activity} | {s.name for s in data.previous.by_activity})
    unit, per = time_unit([s.seconds for s in [*data.by_activity, *data.previous.by_activity]])
    now = {s.name: s.seconds / per for s in data.by_activity}
    before = {s.name: s.seconds / per for s in data.previous.by_activity}
    # Horizontal, the names beside their bars: upright bars tilted the names into the legend
    # and past the chart's edge on a phone. Listed top to bottom in name order.
    names.reverse()
    labels = [activity_label(n) for n in names]
    hover = f"%{{y}}: %{{x:.1f}} {unit}<extra>%{{fullData.name}}</extra>"
    figure = _figure(
        {"type": "bar", "y": labels, "x": [now.get(n, 0) for n in names], "name": _("This period"),
         "marker": {"color": ACCENT}, "orientation": "h", "hovertemplate": hover},
        {"type": "bar", "y": labels, "x": [before.get(n, 0) for n in names], "name": _("Period before"),
         "marker": {"color": "rgba(128,128,128,0.55)"}, "orientation": "h", "hovertemplate": hover},
        barmode="group",
        legend={"traceorder": "reversed"},
        yaxis={"tickvals": labels, "ticktext": [_wrapped(label) for label in labels]},
    )  # fmt: skip
    return _styled(
        figure,
        _("This period against the one before"),
        paper=paper,
        x_title=unit,
        height=_bar_height(len(labels) * 1.4),
    )


def top_pieces_figure(data: RepertoireAnalysis, *, paper: bool = False) -> Figure:
    pieces = data.top_pieces
    labels = [_piece_label(p.title, p.composer) for p in pieces]
    counts = [ngettext("{n} log", "{n} logs", p.logs) for p in pieces]
    return _ranking(_("Top pieces"), labels, [p.seconds for p in pieces], counts, ACCENT, paper=paper)


def top_composers_figure(data: RepertoireAnalysis, *, paper: bool = False) -> Figure:
    composers = data.top_composers
    counts = [ngettext("{n} piece", "{n} pieces", c.pieces) for c in composers]
    return _ranking(
        _("Top composers"), [c.name for c in composers], [c.seconds for c in composers], counts, SECOND, paper=paper
    )


def _ranking(
    title: str, labels: list[str], seconds: list[int], counts: list[str], color: str, *, paper: bool
) -> Figure:
    """Horizontal bars of time, given largest first and drawn with the largest on top."""
    unit, per = time_unit(seconds)
    labels = list(reversed(labels))
    figure = _figure(
        {
            "type": "bar",
            "x": [value / per for value in reversed(seconds)],
            "y": labels,
            "orientation": "h",
            "marker": {"color": color},
            "customdata": list(reversed(counts)),
            "hovertemplate": f"%{{y}}: %{{x:.1f}} {unit}, %{{customdata}}<extra></extra>",
        },
        # The whole name, on two short lines beside its bar (the full one on hover): a long title
        # would otherwise take the width of a phone or be cut at the chart's edge.
        yaxis={"tickvals": labels, "ticktext": [_wrapped(label) for label in labels]},
    )
    return _styled(figure, title, paper=paper, legend=False, x_title=unit, height=_bar_height(len(labels)))


def tempo_figure(pieces: Sequence[TempoProgress], *, paper: bool = False) -> Figure:
    """Tempo practised per piece over time, each with its target as a dashed line of the same colour."""
    figure = _figure()
    for index, piece in enumerate(pieces):
        color = PALETTE[index % len(PALETTE)]
        name = _short(piece.title, piece.composer)
        days = [p.day for p in piece.points]
        figure["data"].append(
            {
                "type": "scatter",
                "x": days,
                "y": [p.tempo for p in piece.points],
                "name": name,
                "mode": "lines+markers",
                "line": {"color": color},
                "legendgroup": name,
            }
        )
        if piece.target_tempo:
            # One day alone: a short stroke centred on it, not a line from the day before.
            ends = [days[0], days[-1]] if len(days) > 1 else [_moment(days[0]) - HALF_DAY, _moment(days[0]) + HALF_DAY]
            figure["data"].append(
                {
                    "type": "scatter",
                    "x": ends,
                    "y": [piece.target_tempo] * 2,
                    "name": _("target {tempo}", tempo=piece.target_tempo),
                    "mode": "lines",
                    "line": {"color": color, "dash": "dash", "width": 1.5},
                    "legendgroup": name,
                    "showlegend": False,
                    # Translators: a chart's hover text; {piece} is a piece's short name, {tempo} beats per minute.
                    "hovertemplate": _("{piece}: target {tempo} BPM", piece=name, tempo=piece.target_tempo)
                    + "<extra></extra>",
                }
            )
    _calendar_axis(figure, [p.day for piece in pieces for p in piece.points])
    return _styled(figure, _("Tempo against target"), paper=paper, y_title=_("BPM"))


def trends_figure(data: Improvement, *, paper: bool = False) -> Figure:
    """Accuracy (left axis, %) and self-rating (right axis, 1-10): daily points and moving averages."""
    figure = _figure(
        # The right-hand axis overlays the left one; the plot leaves room for its numbers.
        xaxis={"anchor": "y", "domain": [0.0, 0.94]},
        yaxis={"anchor": "x", "domain": [0.0, 1.0], "title": {"text": _("accuracy %")}, "range": [0, 105]},
        yaxis2={"anchor": "x", "overlaying": "y", "side": "right", "title": {"text": _("self-rating")},
                "range": [0, 10.5], "showgrid": False},
    )  # fmt: skip
    for name, points, axis, color in ((_("Accuracy"), data.accuracy, "y", ACCENT),
                                      (_("Self-rating"), data.self_rating, "y2", SECOND)):  # fmt: skip
        days = [p.day for p in points]
        figure["data"].append(
            {"type": "scatter", "x": days, "y": [p.value for p in points], "mode": "markers", "name": name,
             "marker": {"color": color, "opacity": 0.45}, "xaxis": "x", "yaxis": axis}
        )  # fmt: skip
        # Translators: a chart's legend entry; {name} is "Accuracy" or "Self-rating".
        average_name = _("{name}, average", name=name)
        figure["data"].append(
            {"type": "scatter", "x": days, "y": [p.moving_average for p in points], "mode": "lines",
             "name": average_name, "line": {"color": color, "width": 3}, "xaxis": "x", "yaxis": axis}
        )  # fmt: skip
    _calendar_axis(figure, [p.day for p in [*data.accuracy, *data.self_rating]])
    return _styled(figure, _("Accuracy and self-rating"), paper=paper)


STEP = {"day": timedelta(days=1), "week": timedelta(weeks=1), "month": timedelta(days=30)}
TICKS = {"day": ("%d %b", 86_400_000), "week": ("%d %b", 7 * 86_400_000), "month": ("%b %Y", "M1")}
HALF_DAY = timedelta(hours=12)
FEW_STEPS = 7  # a series shorter than this gets a fixed window around it and a tick per step


def _calendar_axis(figure: Figure, days: Sequence[date], granularity: str = "day") -> None:
    """A time axis that reads in days (or weeks, months), however few the points.

    Left alone, Plotly zooms a single day to milliseconds ("23:59:59.9995") and a day or two to
    hours: practice is counted in days, so the axis shows days, with room either side.
    """
    if not days:
        return
    step = STEP.get(granularity, STEP["day"])
    tick_format, every = TICKS.get(granularity, TICKS["day"])
    first, last = _moment(min(days)), _moment(max(days))
    _update_axes(figure, "x", type="date", tickformat=tick_format, hoverformat=tick_format)
    if (last - first) < step * FEW_STEPS:
        spare = (step * FEW_STEPS - (last - first)) / 2
        _update_axes(figure, "x", range=[_plotly_time(first - spare), _plotly_time(last + spare)], dtick=every)
    else:  # room for the first and last bars, which are centred on their day
        _update_axes(figure, "x", range=[_plotly_time(first - step * 0.6), _plotly_time(last + step * 0.6)])


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _plotly_time(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}"


def time_unit(seconds: Sequence[int]) -> tuple[str, int]:
    """Hours when the largest value is 10 hours or more (easier to read than 4,000 minutes), else minutes."""
    return (_("hours"), 3600) if max(seconds, default=0) >= 10 * 3600 else (_("minutes"), 60)


def _styled(
    figure: Figure,
    title: str,
    *,
    paper: bool,
    legend: bool = True,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int = 320,
) -> Figure:
    text = "#222" if paper else "#8a8a8a"
    grid = "rgba(0,0,0,0.1)" if paper else "rgba(128,128,128,0.22)"
    _merge(
        figure["layout"],
        {
            "template": TEMPLATE,
            "title": {"text": title, "x": 0.01, "font": {"size": 15}},
            "height": height,
            "margin": {"l": 8, "r": 8, "t": 40, "b": 8},
            "paper_bgcolor": "white" if paper else "rgba(0,0,0,0)",
            "plot_bgcolor": "white" if paper else "rgba(0,0,0,0)",
            "font": {"color": text, "family": "Roboto, DejaVu Sans, sans-serif", "size": 12},
            "showlegend": legend,
            # At the foot of the whole figure, not at a fraction of the plot's height: tilted dates
            # on a phone then push the plot up instead of running into the legend.
            "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
            "hoverlabel": {"namelength": -1},
        },
    )
    axis = {"gridcolor": grid, "zerolinecolor": grid, "automargin": True}
    _update_axes(figure, "x", **axis, title={"text": x_title} if x_title else None)
    _update_axes(figure, "y", **axis, title={"text": y_title} if y_title else None)
    return figure


def _piece_label(title: str, composer: str | None) -> str:
    plain = re.sub(r"\s*\(.*?\)", "", composer or "").split()  # "J. S. Bach (attr.)" -> Bach
    surname = plain[-1] if plain else ""
    return f"{surname}: {title}" if surname else title


def _short(title: str, composer: str | None, limit: int = 30) -> str:
    """A legend entry: one line, cut with an ellipsis."""
    label = _piece_label(title, composer)
    return label if len(label) <= limit else label[: limit - 1] + "…"


LABEL_LINE = 22  # characters per line of a bar's label: two lines fit beside a bar on a phone


def _wrapped(label: str) -> str:
    lines = textwrap.wrap(label, LABEL_LINE, break_long_words=True, max_lines=2, placeholder="…")
    return "<br>".join(html.escape(line) for line in lines) or html.escape(label)


def _bar_height(bars: float) -> int:
    return max(220, int(70 + 38 * bars))
