"""Each chart's text alternative holds the chart's own numbers, whatever the kind of chart."""

from __future__ import annotations

from datetime import date

from components.chart_table import chart_rows
from services import charts
from services.analytics import Improvement, TrendPoint


def test_bars_give_one_row_per_category_and_one_column_per_series():
    figure = {
        "data": [
            {"type": "bar", "x": [date(2027, 3, 1), date(2027, 3, 2)], "y": [30.0, 12.5], "name": "Scales"},
            {"type": "bar", "x": [date(2027, 3, 2)], "y": [5], "name": "Repertoire"},
        ],
        "layout": {"xaxis": {"title": {"text": "Day"}}},
    }
    columns, rows = chart_rows(figure)
    assert columns == ["Day", "Scales", "Repertoire"]
    assert rows == [["01 Mar 2027", "30", ""], ["02 Mar 2027", "12.5", "5"]]


def test_horizontal_bars_read_their_categories_from_the_y_axis():
    bars = {"type": "bar", "y": ["Piano", "Guitar"], "x": [3600, 1200], "orientation": "h"}
    _columns, rows = chart_rows({"data": [bars], "layout": {}})
    assert rows == [["Piano", "3,600"], ["Guitar", "1,200"]]


def test_a_heatmap_lists_the_cells_that_hold_something_with_their_hover_text():
    heatmap = {"type": "heatmap", "z": [[0, 20], [5, None]], "x": ["w1", "w2"], "y": ["Mon", "Tue"],
               "text": [["Mon 1: 0 min", "Mon 8: 20 min"], ["Tue 2: 5 min", ""]]}  # fmt: skip
    _columns, rows = chart_rows({"data": [heatmap], "layout": {}})
    assert rows == [["Tue 2: 5 min", "5"], ["Mon 8: 20 min", "20"]]


def test_a_pie_and_an_empty_chart():
    pie = {"type": "pie", "labels": ["a", "b"], "values": [1, 2]}
    assert chart_rows({"data": [pie], "layout": {}})[1] == [["a", "1"], ["b", "2"]]
    assert chart_rows({"data": [], "layout": {}}) == ([], [])


def test_the_trends_chart_names_both_of_its_axes_and_its_table_reads_by_day():
    day = date(2027, 3, 1)
    figure = charts.trends_figure(
        Improvement(
            date_from=day,
            date_to=day,
            accuracy=[TrendPoint(day=day, value=80, moving_average=80)],
            self_rating=[TrendPoint(day=day, value=7, moving_average=7)],
            tempo=[],
        )
    )
    layout = figure["layout"]
    assert (layout["yaxis"]["title"]["text"], layout["yaxis2"]["title"]["text"]) == ("accuracy %", "self-rating")
    assert all(trace["type"] == "scatter" for trace in figure["data"])
    assert chart_rows(figure)[1][0][:3] == ["01 Mar 2027", "80", "80"]


def test_the_calendar_names_each_day_in_the_language_in_use_one_language_after_another():
    """The calendar's day names are cached per day and language: one language's must not show in another."""
    from core.i18n import format_day, use_language
    from services.analytics import DaySummary

    last = date(2027, 3, 12)  # a Friday
    days = [
        DaySummary(practiceDate=last, sessions=1, totalSeconds=1500, activities=1, avgRating=None, avgAccuracy=None)
    ]
    hovers = {}
    for language in ("en", "de", "en", "ja"):
        with use_language(language):
            heatmap = charts.calendar_figure(days, last)["data"][0]
            hovers[language] = heatmap["text"][4][-1]  # Friday's row, the last week
            expected_day = "Fri 12 Mar 2027" if language == "en" else format_day(last, "full")
            assert hovers[language].startswith(expected_day), (language, hovers[language])
            assert "25" in hovers[language] and heatmap["z"][4][-1] == 25
    assert len(set(hovers.values())) == 3
