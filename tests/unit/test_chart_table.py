"""Each chart's text alternative holds the chart's own numbers, whatever the kind of chart."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

from components.chart_table import chart_rows


def test_bars_give_one_row_per_category_and_one_column_per_series():
    figure = go.Figure(
        [
            go.Bar(x=[date(2027, 3, 1), date(2027, 3, 2)], y=[30.0, 12.5], name="Scales"),
            go.Bar(x=[date(2027, 3, 2)], y=[5], name="Repertoire"),
        ]
    )
    figure.update_xaxes(title_text="Day")
    columns, rows = chart_rows(figure)
    assert columns == ["Day", "Scales", "Repertoire"]
    assert rows == [["01 Mar 2027", "30", ""], ["02 Mar 2027", "12.5", "5"]]


def test_horizontal_bars_read_their_categories_from_the_y_axis():
    _columns, rows = chart_rows(go.Figure(go.Bar(y=["Piano", "Guitar"], x=[3600, 1200], orientation="h")))
    assert rows == [["Piano", "3,600"], ["Guitar", "1,200"]]


def test_a_heatmap_lists_the_cells_that_hold_something_with_their_hover_text():
    figure = go.Figure(go.Heatmap(z=[[0, 20], [5, None]], x=["w1", "w2"], y=["Mon", "Tue"],
                                  text=[["Mon 1: 0 min", "Mon 8: 20 min"], ["Tue 2: 5 min", ""]]))  # fmt: skip
    _columns, rows = chart_rows(figure)
    assert rows == [["Tue 2: 5 min", "5"], ["Mon 8: 20 min", "20"]]


def test_a_pie_and_an_empty_chart():
    assert chart_rows(go.Figure(go.Pie(labels=["a", "b"], values=[1, 2])))[1] == [["a", "1"], ["b", "2"]]
    assert chart_rows(go.Figure()) == ([], [])
