"""A chart's numbers as a table: the text alternative screen readers (and anyone who prefers
numbers to shapes) get for each Plotly chart. Built from the figure itself, so it can never say
something the chart does not; built only when opened, so a page of charts stays light."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import plotly.graph_objects as go
from nicegui import ui

from components.format import short_date
from core.i18n import _, format_number

MAX_ROWS = 400


def chart_with_table(figure: go.Figure, config: dict[str, Any], mark: str) -> None:
    """The chart (named for screen readers by its title) and, below it, its data on demand."""
    title = _title(figure)
    chart = ui.plotly({**figure.to_plotly_json(), "config": config}).classes("w-full").mark(mark)
    chart.props["role"] = "img"
    chart.props["aria-label"] = title or _("Chart")
    with ui.expansion(_("Show the numbers as a table")).classes("w-full text-caption") as opener:
        holder = ui.column().classes("w-full")

    def fill() -> None:
        if opener.value and not holder.default_slot.children:
            with holder:
                columns, rows = chart_rows(figure)
                ui.table(
                    columns=[
                        {"name": str(i), "label": name, "field": str(i), "align": "left"}
                        for i, name in enumerate(columns)
                    ],
                    rows=[{str(i): cell for i, cell in enumerate(row)} for row in rows],
                    pagination=0,
                ).props("dense flat").classes("w-full").mark(f"{mark}-table")

    opener.on_value_change(fill)


def chart_rows(figure: go.Figure) -> tuple[list[str], list[list[str]]]:
    """The figure's data as column names and rows of text."""
    traces = list(figure.data)
    if not traces:
        return [], []
    kind = traces[0].type
    if kind == "pie":
        return _pie(traces[0])
    if kind == "heatmap":
        return _heatmap(traces[0])
    return _series(figure, traces)


def _pie(trace: Any) -> tuple[list[str], list[list[str]]]:
    pairs = zip(trace.labels, trace.values, strict=False)
    return [_("Part"), _("Value")], [[_cell(label), _cell(value)] for label, value in pairs]


def _heatmap(trace: Any) -> tuple[list[str], list[list[str]]]:
    """Every cell with a value (a day of the calendar); its hover text says what it is."""
    rows = []
    for y_index, row in enumerate(trace.z or []):
        for x_index, value in enumerate(row):
            if value:
                text = trace.text[y_index][x_index] if trace.text is not None else ""
                rows.append(
                    (
                        trace.x[x_index],
                        y_index,
                        [text or f"{_cell(trace.y[y_index])} {_cell(trace.x[x_index])}", _cell(value)],
                    )
                )
    rows.sort(key=lambda item: (str(item[0]), item[1]))
    return [_("Day"), _("Value")], [cells for _x, _y, cells in rows][:MAX_ROWS]


def _series(figure: go.Figure, traces: list[Any]) -> tuple[list[str], list[list[str]]]:
    """Bars and lines: one row per category (or day), one column per series."""
    horizontal = getattr(traces[0], "orientation", None) == "h"
    keys: list[Any] = []
    values: list[dict[Any, Any]] = []
    for trace in traces:
        categories = (trace.y if horizontal else trace.x) or []
        numbers = (trace.x if horizontal else trace.y) or []
        series = dict(zip(categories, numbers, strict=False))
        keys.extend(key for key in categories if key not in keys)
        values.append(series)
    axis = figure.layout.yaxis if horizontal else figure.layout.xaxis
    first = (axis.title.text if axis and axis.title else None) or _("Item")
    columns = [first] + [trace.name or _("Value") for trace in traces]
    rows = [[_cell(key)] + [_cell(series.get(key)) for series in values] for key in keys]
    return columns, rows[:MAX_ROWS]


def _title(figure: go.Figure) -> str:
    title = figure.layout.title
    return str(title.text) if title and title.text else ""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return short_date(value)
    if isinstance(value, float):
        return format_number(value, 1 if value % 1 else 0)
    if isinstance(value, int):
        return format_number(value)
    return str(value)
