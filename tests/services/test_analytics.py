"""Analytics, exports and the PDF report on a real database, with known logs."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import select as sa_select

from core.views import daily_practice_summary
from services import analytics, log_export, practice_logs, report_pdf
from services.adapters.chart_images import find_browser
from services.errors import InvalidInput
from tests.factories import log_body, new_piece, new_user
from tests.known_logs import musician_with_known_logs

WEEK = {"from": "2026-03-02", "to": "2026-03-08"}


def test_practice_time_per_local_day_with_moving_average(db):
    actor, _ = musician_with_known_logs(db)
    with db.transaction(write=False) as session:
        time = analytics.practice_time(session, actor=actor, query=WEEK)
    assert (time.total_seconds, time.logs, time.practice_days) == (16200, 8, 7)
    assert [p.period for p in time.series] == [date(2026, 3, d) for d in range(2, 9)]
    assert [p.seconds for p in time.series] == [1800] * 6 + [5400]
    assert time.series[-1].moving_average == round(16200 / 7, 1)
    assert time.series[0].moving_average == 1800
    assert [(s.name, s.seconds) for s in time.by_instrument] == [("piano", 12600), ("guitar", 3600)]
    assert time.by_activity[0].model_dump() == {"name": "repertoire", "seconds": 7200, "logs": 4}
    assert (time.previous.date_from, time.previous.date_to) == (date(2026, 2, 23), date(2026, 3, 1))
    assert (time.previous.total_seconds, time.previous.change_percent) == (0, None)


def test_weeks_and_months_group_the_same_time(db):
    actor, _ = musician_with_known_logs(db)
    with db.transaction(write=False) as session:
        weeks = analytics.practice_time(session, actor=actor, query={**WEEK, "granularity": "week"})
        months = analytics.practice_time(
            session, actor=actor, query={"from": "2026-02-01", "to": "2026-03-31", "granularity": "month"}
        )
    assert [(p.period, p.seconds) for p in weeks.series] == [(date(2026, 3, 2), 16200)]
    assert [(p.period, p.seconds) for p in months.series] == [(date(2026, 2, 1), 0), (date(2026, 3, 1), 16200)]


def test_filters_narrow_every_analysis(db):
    actor, _ = musician_with_known_logs(db)
    with db.transaction(write=False) as session:
        guitar = analytics.practice_time(session, actor=actor, query={**WEEK, "instrument": "guitar"})
        scales = analytics.practice_time(
            session, actor=actor, query={**WEEK, "activityType": ["scales", "sight_reading"]}
        )
        one_day = analytics.practice_time(session, actor=actor, query={"from": "2026-03-08", "to": "2026-03-08"})
    assert (guitar.total_seconds, guitar.logs) == (3600, 1)
    assert (scales.total_seconds, scales.logs) == (5400, 3)
    assert (one_day.total_seconds, one_day.previous.total_seconds, one_day.previous.change_percent) == (
        5400,
        1800,
        200.0,
    )


def test_period_over_period_compares_equal_lengths(db):
    actor, _ = musician_with_known_logs(db)
    with db.transaction(write=False) as session:
        later = analytics.practice_time(session, actor=actor, query={"from": "2026-03-06", "to": "2026-03-08"})
        earlier = analytics.practice_time(session, actor=actor, query={"from": "2026-03-03", "to": "2026-03-05"})
    assert (later.previous.date_from, later.previous.date_to) == (date(2026, 3, 3), date(2026, 3, 5))
    assert later.total_seconds == 1800 * 3 + 3600
    assert later.previous.total_seconds == 1800 * 3
    assert later.previous.change_percent == round(100 * 3600 / 5400, 1)
    # Both periods come out of one query each: neither may borrow the other's logs.
    assert (later.previous.logs, later.previous.by_activity) == (earlier.logs, earlier.by_activity)
    assert later.by_activity != earlier.by_activity
    assert sum(s.seconds for s in later.by_instrument) == later.total_seconds


def test_daily_rows_match_the_spec_view_for_a_utc_musician(db):
    actor = new_user(db)
    start = datetime(2026, 1, 5, 10, tzinfo=UTC)
    for index in range(12):
        moment = start + timedelta(hours=7 * index)
        body = log_body(startTime=moment.isoformat(), durationSeconds=600 + 60 * index, selfRating=1 + index % 10)
        with db.transaction() as session:
            practice_logs.log_practice(session, actor=actor, data=body)
    with db.transaction(write=False) as session:
        ours = analytics.practice_time(session, actor=actor, query={"from": "2026-01-01", "to": "2026-01-31"}).days
        view = session.connection().execute(
            sa_select(daily_practice_summary)
            .where(daily_practice_summary.c.user_id == actor.id)
            .order_by(daily_practice_summary.c.practice_date)
        )
        theirs = [
            (
                date.fromisoformat(str(r.practice_date)[:10]),
                r.sessions,
                r.total_seconds,
                r.activities,
                float(r.avg_rating),
            )
            for r in view
        ]
    assert [(d.practice_date, d.sessions, d.total_seconds, d.activities, d.avg_rating) for d in ours] == theirs


def test_repertoire_ranks_pieces_and_composers(db):
    actor, _ = musician_with_known_logs(db)
    with db.transaction(write=False) as session:
        pieces = analytics.repertoire(session, actor=actor, query=WEEK)
    assert pieces.pieces_practised == 1
    assert pieces.top_pieces[0].model_dump(include={"title", "seconds", "logs", "last_practised"}) == {
        "title": "Invention No. 1",
        "seconds": 7200,
        "logs": 4,
        "last_practised": date(2026, 3, 8),
    }
    assert [(c.name, c.pieces) for c in pieces.top_composers] == [("J. S. Bach", 1)]


def test_improvement_shows_tempo_against_target_and_trends(db):
    actor, _ = musician_with_known_logs(db)
    with db.transaction(write=False) as session:
        trend = analytics.improvement(session, actor=actor, query=WEEK)
    assert [(t.title, t.target_tempo, t.latest_tempo, t.percent_of_target) for t in trend.tempo] == [
        ("Invention No. 1", 100, 100, 100.0)
    ]
    assert [(p.day, p.value, p.moving_average) for p in trend.accuracy] == [
        (date(2026, 3, 2), 80.0, 80.0),
        (date(2026, 3, 3), 90.0, 85.0),
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-03-09", "to": "2026-03-01"}, "from"),
        ({"granularity": "year"}, "granularity"),
        ({"instrument": "banjo"}, "instrument"),
    ],
)
def test_bad_filters_name_the_field(db, query, field):
    actor = new_user(db)
    with db.transaction(write=False) as session, pytest.raises(InvalidInput) as error:
        analytics.practice_time(session, actor=actor, query=query)
    assert error.value.problems[0].field == field


def test_csv_and_json_exports_hold_the_filtered_logs(db):
    actor, _ = musician_with_known_logs(db)
    with db.transaction() as session:
        practice_logs.log_practice(
            session, actor=actor, data=log_body(startTime="2026-03-05T12:00:00+00:00", practiceNotes="=HYPERLINK(1)")
        )
    with db.transaction(write=False) as session:
        table = list(
            csv.DictReader(
                io.StringIO(log_export.logs_csv(session, actor=actor, query={**WEEK, "instrument": "piano"}))
            )
        )
        document = json.loads(log_export.logs_json(session, actor=actor, query=WEEK))
    assert len(table) == 8
    assert {row["instrument"] for row in table} == {"piano"}
    assert "'=HYPERLINK(1)" in [row["practice_notes"] for row in table]  # not run as a formula by a spreadsheet
    assert (document["from"], document["to"], len(document["logs"])) == ("2026-03-02", "2026-03-08", 9)


def test_the_pdf_report_opens_and_shows_figures_charts_and_logs(db):
    actor, _ = musician_with_known_logs(db)
    steps: list[str] = []
    browser = find_browser()
    assert browser, "the test machine has Chromium (scripts/test installs it)"
    with db.transaction(write=False) as session:
        report = report_pdf.practice_report(
            session, actor=actor, query=WEEK, browser=browser, progress_to=lambda _f, text: steps.append(text)
        )
    reader = PdfReader(io.BytesIO(report.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    images = sum(len(page.images) for page in reader.pages)
    print(f"PDF report: {len(report.content)} bytes, {len(reader.pages)} pages, {images} charts, {report.logs} logs")
    assert report.charts == images == 4
    assert "Practice report" in text and "4 h 30 min" in text
    assert "Invention No. 1" in text and "Sight-reading" in text
    assert steps[0] == "Reading your logs" and steps[-1] == "Done"


def test_without_a_browser_the_report_still_has_figures_and_logs(db):
    actor, _ = musician_with_known_logs(db)
    with db.transaction(write=False) as session:
        report = report_pdf.practice_report(session, actor=actor, query=WEEK, browser=None)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.content)).pages)
    assert report.charts == 0
    assert "could not be drawn" in text and "Logs (8)" in text


@pytest.mark.parametrize(
    ("timezone", "local_times"),
    [
        ("Asia/Kolkata", ["2026-01-10T23:50:00", "2026-01-11T00:10:00"]),  # +05:30
        ("Australia/Lord_Howe", ["2026-04-04T23:45:00", "2026-04-05T01:45:00"]),  # DST ends by 30 minutes
        ("America/St_Johns", ["2026-03-07T23:59:00", "2026-03-08T23:59:00"]),  # -03:30, DST starts on 3/8
    ],
)
def test_local_days_are_right_in_odd_time_zones(db, timezone, local_times):
    actor = new_user(db, timezone=timezone)
    zone = ZoneInfo(timezone)
    for local in local_times:
        start = datetime.fromisoformat(local).replace(tzinfo=zone)
        with db.transaction() as session:
            practice_logs.log_practice(session, actor=actor, data=log_body(startTime=start.isoformat()))
    first = date.fromisoformat(local_times[0][:10])
    with db.transaction(write=False) as session:
        days = analytics.daily_summaries(
            session, actor=actor, query={"from": first - timedelta(days=3), "to": first + timedelta(days=3)}
        )
    assert [d.practice_date for d in days] == [first, first + timedelta(days=1)]


def test_the_practice_days_answer_what_the_logs_answer(db):
    """Days across a DST change, with sessions, ratings and accuracy, edits and deletes: every
    filter and range gives the same daily and per-activity rows from the days as from the logs."""
    import random

    from services import analytics_query, practice_sessions
    from services.analytics_query import AnalyticsQuery, DayRange

    rng = random.Random(5)
    actor = new_user(db, timezone="America/New_York")
    with db.transaction() as session:
        sitting = practice_sessions.start_session(session, actor=actor, data={"startTime": "2026-03-07T12:00:00+00:00"})
    saved = []
    for _ in range(160):
        body = log_body(
            activityType=rng.choice(["scales", "repertoire", "sight_reading", "etudes"]),
            instrument=rng.choice(["piano", "guitar"]),
            startTime=(datetime(2026, 2, 20, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 40 * 24 * 60))).isoformat(),
            durationSeconds=rng.choice([60, 900, 2400]),
        )
        if rng.random() < 0.5:
            body["selfRating"] = rng.randint(1, 10)
        if rng.random() < 0.5:
            body["accuracyPercentage"] = round(rng.uniform(40, 100), 1)
        if rng.random() < 0.2:
            body["sessionId"] = str(sitting.id)
        with db.transaction() as session:
            saved.append(practice_logs.log_practice(session, actor=actor, data=body).log.id)
    with db.transaction() as session:
        for log_id in rng.sample(saved, 20):
            practice_logs.delete_log(session, actor=actor, log_id=log_id)
    queries = [
        {},
        {"from": "2026-03-01", "to": "2026-03-14"},
        {"from": "2026-02-01", "to": "2026-04-30", "instrument": "guitar"},
        {"from": "2026-03-05", "to": "2026-03-10", "activityType": ["scales", "etudes"]},
    ]

    def close(rows):
        return [tuple(round(v, 9) if isinstance(v, float) else v for v in vars(row).values()) for row in rows]

    with db.transaction(write=False) as session:
        for raw in queries:
            q, days = analytics_query.resolve(actor, raw, today=date(2026, 4, 1))
            assert isinstance(q, AnalyticsQuery) and isinstance(days, DayRange)
            from_days = analytics_query.daily_rows(session, actor, q, days)
            assert from_days, raw
            assert close(from_days) == close(analytics_query.daily_rows_from_logs(session, actor, q, days)), raw
            mix = sorted(close(analytics_query.mix_rows(session, actor, q, days)))
            assert mix == sorted(close(analytics_query.mix_rows_from_logs(session, actor, q, days))), raw


def test_tempo_points_are_each_logged_tempo_of_the_piece_in_the_range_oldest_first(db):
    """The tempo chart's points, read through the pieces' index (analytics_query.tempo_rows): a
    catalogue piece's logs (however its title was typed), a typed piece's logs (not those of a
    catalogue piece typed the same way), none outside the range, deleted or without a tempo."""
    actor = new_user(db, timezone="Europe/Berlin")
    piece = new_piece(db, title="Arabesque No. 1", composer="Claude Debussy")
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)

    def log(day: int, tempo: int | None, **fields: object) -> None:
        with db.transaction() as session:
            practice_logs.log_practice(
                session,
                actor=actor,
                data={"activity_type": "repertoire", "instrument": "piano", "duration_seconds": 600,
                      "start_time": start + timedelta(days=day), "tempo_practiced": tempo, **fields},
            )  # fmt: skip

    catalogue = {"sheet_music_id": piece}
    typed = {"composer": "J. S. Bach", "work_title": "Invention No. 1"}
    for day, tempo in ((3, 80), (0, 72), (5, 88)):
        log(day, tempo, **catalogue)
    log(1, 90, sheet_music_id=piece, **typed)  # the catalogue piece, typed with another piece's name
    for day, tempo in ((2, 60), (4, 66)):
        log(day, tempo, **typed)
    log(4, None, **typed)  # no tempo: no point
    log(-3, 50, **typed)  # before the range
    with db.transaction() as session:
        gone = practice_logs.log_practice(
            session, actor=actor, data={"activity_type": "repertoire", "duration_seconds": 600,
                                        "start_time": start + timedelta(days=6), "tempo_practiced": 99, **typed},
        )  # fmt: skip
        practice_logs.delete_log(session, actor=actor, log_id=gone.log.id)
    with db.transaction(write=False) as session:
        tempo = analytics.improvement(session, actor=actor, query=WEEK).tempo
    points = {t.title: [(p.day.day, p.tempo) for p in t.points] for t in tempo}
    assert points == {
        "Arabesque No. 1": [(2, 72), (3, 90), (5, 80), (7, 88)],
        "Invention No. 1": [(4, 60), (6, 66)],
    }
