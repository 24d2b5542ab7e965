"""Local days and streaks: pure rules, checked across time zones and a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.calendar_days import current_streak, day_start, local_day, longest_streak, week_start


def test_half_past_eleven_at_night_counts_for_that_local_day():
    moment = datetime(2024, 3, 2, 4, 30, tzinfo=UTC)  # 23:30 on 1 March in New York
    assert local_day(moment, "America/New_York") == date(2024, 3, 1)
    assert local_day(moment, "Europe/Berlin") == date(2024, 3, 2)


def test_a_day_with_a_daylight_saving_change_is_23_hours_long():
    start, end = day_start(date(2024, 3, 31), "Europe/Berlin"), day_start(date(2024, 4, 1), "Europe/Berlin")
    # Same-zone subtraction in Python is wall-clock arithmetic; the instants differ by 23 hours.
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23)


def test_a_streak_survives_until_the_day_is_over():
    days = {date(2024, 5, d) for d in (1, 2, 3, 5, 6)}
    assert current_streak(days, today=date(2024, 5, 6)) == 2
    assert current_streak(days, today=date(2024, 5, 7)) == 2
    assert current_streak(days, today=date(2024, 5, 8)) == 0
    assert longest_streak(days) == 3


def test_weeks_start_on_the_preferred_day():
    wednesday = date(2024, 5, 8)
    assert week_start(wednesday, "monday") == date(2024, 5, 6)
    assert week_start(wednesday, "sunday") == date(2024, 5, 5)
    assert week_start(date(2024, 5, 5), "sunday") == date(2024, 5, 5)
