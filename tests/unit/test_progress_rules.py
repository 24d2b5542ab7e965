"""The progress rules: XP, levels, streaks, trends and achievements on hand-made facts."""

from __future__ import annotations

from datetime import date, timedelta

from services import progress_rules as rules
from services.progress_rules import LogFact

DAY = date(2026, 1, 1)


def fact(day_offset: int = 0, **overrides) -> LogFact:
    values = {
        "day": DAY + timedelta(days=day_offset),
        "instrument": "piano",
        "activity": "repertoire",
        "seconds": 1800,
        "accuracy": None,
        "tempo": None,
        "target_tempo": None,
        "piece": None,
    }
    return LogFact(**{**values, **overrides})


def test_the_level_is_the_highest_whose_threshold_is_reached():
    for xp in range(0, 200_000, 7):
        level = rules.level_for(xp)
        assert rules.xp_for_level(level) <= xp < rules.xp_for_level(level + 1), xp


def test_level_thresholds_are_the_documented_ones():
    assert [rules.xp_for_level(n) for n in (1, 2, 3, 10, 20)] == [0, 100, 300, 4500, 19000]
    assert [rules.level_for(xp) for xp in (0, 99, 100, 299, 300, 4500)] == [1, 1, 2, 2, 3, 10]


def test_xp_is_minutes_capped_per_log_plus_a_bonus_per_day():
    facts = [fact(0, seconds=59), fact(0, seconds=3600), fact(1, seconds=24 * 3600)]
    assert rules.experience(facts) == 0 + 60 + 180 + 2 * rules.XP_PER_DAY


def test_titles_follow_levels():
    assert [rules.title_for(n) for n in (1, 4, 5, 10, 19, 20, 35, 99)] == [
        "Beginner",
        "Beginner",
        "Developing",
        "Intermediate",
        "Intermediate",
        "Advanced",
        "Virtuoso",
        "Virtuoso",
    ]


def test_the_streak_ending_on_a_day_counts_back_without_gaps():
    days = [DAY, DAY + timedelta(days=2), DAY + timedelta(days=3), DAY + timedelta(days=4)]
    assert rules.streak_ending(days, DAY + timedelta(days=4)) == 3
    assert rules.streak_ending(days, DAY) == 1
    assert rules.streak_ending(days, DAY + timedelta(days=1)) == 0


def test_trends_average_the_last_ten_measured_logs():
    facts = [fact(i, accuracy=float(i), tempo=50 + i, target_tempo=100) for i in range(20)]
    facts.append(fact(21))  # carries no measure: ignored
    assert rules.accuracy_trend(facts) == 14.5
    assert rules.speed_trend(facts) == 64.5
    assert rules.accuracy_trend([fact()]) is None


def test_achievements_carry_the_day_they_were_reached():
    facts = [fact(i, seconds=3 * 3600, piece=f"piece {i}") for i in range(10)]
    facts.insert(3, fact(3, instrument="guitar", seconds=60, tempo=90, target_tempo=90))
    earned = rules.earned_achievements(facts)
    assert earned == {
        "first_log": DAY,
        "hours_10": DAY + timedelta(days=3),  # 3 + 3 + 3 + (guitar 1 min) + 3 hours
        "pieces_10": DAY + timedelta(days=9),
        "streak_7": DAY + timedelta(days=6),
        "target_tempo": DAY + timedelta(days=3),
        "both_instruments": DAY + timedelta(days=3),
    }


def test_a_gap_restarts_the_streak():
    facts = [fact(i) for i in range(6)] + [fact(i) for i in range(7, 13)]
    assert "streak_7" not in rules.earned_achievements(facts)
    assert rules.earned_achievements([]) == {}


def test_level_milestones_are_dated_when_reached():
    facts = [fact(i, seconds=3 * 3600) for i in range(30)]  # 190 XP a day
    reached = {level: day for day, level in rules.level_milestones(facts)}
    assert reached[5] == DAY + timedelta(days=5)  # 6 days: 1140 XP >= 1000
    assert reached[10] == DAY + timedelta(days=23)  # 24 days: 4560 XP >= 4500
    assert 20 not in reached


def test_every_activity_has_a_skill_area():
    from core.models import ActivityType

    assert {rules.skill_area(a.value) for a in ActivityType} == {
        "sight_reading",
        "technique",
        "repertoire",
        "musicianship",
    }


def test_the_walks_over_days_give_what_the_walks_over_logs_give():
    """``earned_from_days`` and ``level_milestones_from_days`` (running totals found by bisection) against
    the log-by-log definitions, over random histories long enough to reach every mark."""
    import random

    rng = random.Random(5)
    for _ in range(40):
        facts: list[LogFact] = []
        offset = 0
        for _ in range(rng.randint(1, 400)):
            offset += rng.choice([0, 0, 1, 1, 1, 2, 5])  # several logs a day, runs and gaps
            facts.append(
                fact(
                    offset,
                    seconds=rng.choice([0, 59, 600, 3600, 14400, 40000]),
                    instrument=rng.choice(["piano", "guitar"]),
                    tempo=rng.choice([None, 90, 120]),
                    target_tempo=120,
                    piece=rng.choice([None, *(f"piece {n}" for n in range(150))]),
                )
            )
        days = sorted({f.day for f in facts})
        seconds = [sum(f.seconds for f in facts if f.day == day) for day in days]
        xp = [sum(rules.log_xp(f.seconds) for f in facts if f.day == day) for day in days]
        first_by_piece: dict[str, date] = {}
        first_by_instrument: dict[str, date] = {}
        for f in facts:
            if f.piece:
                first_by_piece.setdefault(f.piece, f.day)
            first_by_instrument.setdefault(f.instrument, f.day)
        at_target = next((f.day for f in facts if f.tempo and f.target_tempo and f.tempo >= f.target_tempo), None)
        from_days = rules.earned_from_days(
            days,
            seconds,
            piece_marks=rules.piece_marks(sorted(first_by_piece.values())),
            at_target_tempo=at_target,
            instrument_first_days=sorted(first_by_instrument.values()),
        )
        assert from_days == rules.earned_achievements(facts)
        assert rules.level_milestones_from_days(days, xp) == rules.level_milestones(facts)
