"""A chart's numbers as a table: the text alternative screen readers (and anyone who prefers
numbers to shapes) get for each Plotly chart. Built from the figure itself, so it can never say
something the chart does not; built only when opened, so a page of charts stays light."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from nicegui import ui

from components.format import short_date
from components.plain_props import set_plain
from core.i18n import _, format_number
from services.charts import Figure

MAX_ROWS = 400


class Chart(ui.plotly):
    """``ui.plotly`` with its figure stored as it is (components.plain_props): to change a chart,
    give it a new figure (``update_figure``)."""

    def update(self) -> None:
        set_plain(self, "options", self._get_figure_json())
        ui.element.update(self)


def chart_with_table(figure: Figure, config: dict[str, Any], mark: str) -> None:
    """The chart (named for screen readers by its title) and, below it, its data on demand."""
    title = _title(figure)
    chart = Chart({**figure, "config": config}).classes("w-full").mark(mark)
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


def chart_rows(figure: Figure) -> tuple[list[str], list[list[str]]]:
    """The figure's data as column names and rows of text."""
    traces = figure.get("data") or []
    if not traces:
        return [], []
    kind = traces[0].get("type", "scatter")
    if kind == "pie":
        return _pie(traces[0])
    if kind == "heatmap":
        return _heatmap(traces[0])
    return _series(figure, traces)


def _pie(trace: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    pairs = zip(trace.get("labels") or [], trace.get("values") or [], strict=False)
    return [_("Part"), _("Value")], [[_cell(label), _cell(value)] for label, value in pairs]


def _heatmap(trace: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Every cell with a value (a day of the calendar); its hover text says what it is."""
    rows = []
    xs, ys, texts = trace.get("x") or [], trace.get("y") or [], trace.get("text")
    for y_index, row in enumerate(trace.get("z") or []):
        for x_index, value in enumerate(row):
            if value:
                text = texts[y_index][x_index] if texts is not None else ""
                rows.append(
                    (xs[x_index], y_index, [text or f"{_cell(ys[y_index])} {_cell(xs[x_index])}", _cell(value)])
                )
    rows.sort(key=lambda item: (str(item[0]), item[1]))
    return [_("Day"), _("Value")], [cells for _x, _y, cells in rows][:MAX_ROWS]


def _series(figure: Figure, traces: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Bars and lines: one row per category (or day), one column per series."""
    horizontal = traces[0].get("orientation") == "h"
    keys: list[Any] = []
    values: list[dict[Any, Any]] = []
    for trace in traces:
        categories = trace.get("y" if horizontal else "x") or []
        numbers = trace.get("x" if horizontal else "y") or []
        series = dict(zip(categories, numbers, strict=False))
        keys.extend(key for key in categories if key not in keys)
        values.append(series)
    axis = figure.get("layout", {}).get("yaxis" if horizontal else "xaxis") or {}
    first = (axis.get("title") or {}).get("text") or _("Item")
    columns = [first] + [trace.get("name") or _("Value") for trace in traces]
    rows = [[_cell(key)] + [_cell(series.get(key)) for series in values] for key in keys]
    return columns, rows[:MAX_ROWS]


def _title(figure: Figure) -> str:
    title = figure.get("layout", {}).get("title") or {}
    return str(title.get("text") or "")


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
