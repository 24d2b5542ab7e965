"""Plans repeat on local days (RFC 5545 rules expanded with dateutil); the review rule's table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services import recurrence
from services.calendar_days import local_day
from services.review_queue import day_score, schedule


def test_a_weekdays_plan_in_berlin_keeps_its_days_across_the_march_change():
    rule = recurrence.rule_text("weekdays")
    days = recurrence.days_between(rule, date(2027, 3, 22), date(2027, 3, 22), date(2027, 4, 4))
    # Clocks go forward in Berlin on Sunday 28 March 2027.
    assert days == [date(2027, 3, d) for d in (22, 23, 24, 25, 26, 29, 30, 31)] + [date(2027, 4, 1), date(2027, 4, 2)]
    # Half past midnight on Monday in Berlin is still Sunday in UTC, before and after the change:
    # the plan falls on the musician's Monday either way.
    for moment in (datetime(2027, 3, 21, 23, 30, tzinfo=UTC), datetime(2027, 3, 28, 22, 30, tzinfo=UTC)):
        monday = local_day(moment, "Europe/Berlin")
        assert monday.weekday() == 0
        assert recurrence.falls_on(rule, date(2027, 3, 1), monday)
        assert not recurrence.falls_on(rule, date(2027, 3, 1), monday - timedelta(days=1))


def test_every_two_weeks_on_tuesday_and_thursday_matches_a_hand_written_list():
    rule = recurrence.rule_text("weekly", ["TH", "TU"], 2)
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"
    found = recurrence.days_between(rule, date(2027, 1, 5), date(2027, 1, 1), date(2027, 4, 4))
    expected = [
        (1, 5), (1, 7), (1, 19), (1, 21), (2, 2), (2, 4), (2, 16), (2, 18),
        (3, 2), (3, 4), (3, 16), (3, 18), (3, 30), (4, 1),
    ]  # fmt: skip
    assert found == [date(2027, month, day) for month, day in expected]
    assert recurrence.describe(rule) == "Every 2 weeks on Tue, Thu"
    assert recurrence.parts_of(rule) == ("weekly", ["TU", "TH"], 2)


def test_a_plan_ends_on_its_last_day_and_starts_on_its_first():
    rule = recurrence.rule_text("daily")
    assert recurrence.days_between(rule, date(2027, 5, 10), date(2027, 5, 1), date(2027, 5, 31), date(2027, 5, 12)) == [
        date(2027, 5, 10),
        date(2027, 5, 11),
        date(2027, 5, 12),
    ]
    assert recurrence.next_days(rule, date(2027, 5, 10), date(2027, 5, 11), 2) == [date(2027, 5, 11), date(2027, 5, 12)]


def test_a_weekly_rule_needs_a_day():
    with pytest.raises(ValueError):
        recurrence.rule_text("weekly", [])


def test_the_review_rule_by_hand():
    """Ratings 8, 8, 3, 9 on 1, 3, 7 and 8 March: intervals 2, 4, 1, 2 days (README, "Review queue")."""
    days: dict[date, int] = {}
    table = [
        (date(2027, 3, 1), 8, 2, date(2027, 3, 3)),
        (date(2027, 3, 3), 8, 4, date(2027, 3, 7)),
        (date(2027, 3, 7), 3, 1, date(2027, 3, 8)),
        (date(2027, 3, 8), 9, 2, date(2027, 3, 10)),
    ]
    for day, rating, interval, due in table:
        days[day] = rating
        after = schedule(days, day)
        assert (after.interval_days, after.last_practised, after.due_on) == (interval, day, due)
    never = schedule({}, date(2027, 3, 9))
    assert (never.interval_days, never.last_practised, never.due_on) == (1, None, date(2027, 3, 9))


def test_a_days_score_is_its_best_rating_else_its_accuracy_else_fair():
    assert day_score([4, 8, None], [99.0]) == 8
    assert day_score([None], [72.0, 31.0]) == 7
    assert day_score([None], [None]) == 5
    assert schedule({date(2027, 1, 1): 5, date(2027, 1, 2): 6}, date(2027, 1, 3)).interval_days == 1
    long = {date(2027, 1, 1) + timedelta(days=i): 10 for i in range(10)}
    assert schedule(long, date(2027, 2, 1)).interval_days == 60
