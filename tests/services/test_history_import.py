"""Importing practice history: CSV with a mapping, this app's export (a round trip), the original
app's export; good rows land and bad ones are named; a repeat adds nothing; hostile files are refused
whole with a 4xx reason and leave nothing behind; 20,000 rows in batches (once per database)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, func, select

from core.models import PracticeLog, ProgressTracking, User
from services import (
    account,
    analytics,
    goals,
    history_import,
    plans,
    practice_logs,
    progress,
    repertoire,
    templates,
)
from services.errors import InvalidInput, NotFound, TooLarge
from services.history_import import ImportPlan, ImportReport
from services.progress_tracking import rebuild_progress
from tests.factories import new_piece, new_user
from tests.known_logs import musician_with_known_logs

FIXTURE = Path(__file__).parents[1] / "fixtures" / "original_mirubato_export.json"
HEADER = "Date,Start,Minutes,Activity,Instrument,Piece,Composer,Notes,Tempo,Rating"


def csv_rows(count: int, first: date = date(2024, 1, 1)) -> list[str]:
    activities = ["scales", "Repertoire", "sight-reading", "Études", "warm up"]
    return [
        f"{first + timedelta(days=i // 3)},{7 + i % 12}:{i % 60:02d},{20 + i % 40},{activities[i % 5]},"
        f"{'piano' if i % 4 else 'Guitar'},Piece {i % 30},Composer {i % 7},note {i},{60 + i % 100},{1 + i % 10}"
        for i in range(count)
    ]


def csv_file(rows: list[str], header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def run(db, function, actor, content: bytes, **options: Any) -> Any:
    with db.transaction() as session:
        return function(session, actor=actor, content=content, data={"format": "csv", **options})


def log_count(db, actor) -> int:
    with db.transaction(write=False) as session:
        return session.exec(
            select(func.count()).select_from(PracticeLog).where(col(PracticeLog.user_id) == actor.id)
        ).one()


# --- CSV ------------------------------------------------------------------------------------------------


BAD_ROWS = {
    # row in the file (the header is row 1) -> (the replacement line, the column named, a word of the message)
    8: ("2024-01-03,08:00,-5,scales,piano,A,B,negative,,", "Minutes", "more than 0"),
    23: ("2024-02-31,08:00,30,scales,piano,A,B,no such day,,", "Date", "calendar"),
    41: ("2024-01-05,08:00,30,juggling,piano,A,B,unknown activity,,", "Activity", "juggling"),
    67: ("2024-01-06,08:00,30,scales,piano," + "x" * 301 + ",B,too long,,", "Piece", "300"),
    99: ("2024-01-07,08:00,30,scales,piano,A,B,tempo,fast,", "Tempo", "fast"),
}


def hundred_with_five_bad() -> bytes:
    rows = csv_rows(100)
    for number, (line, _column, _word) in BAD_ROWS.items():
        rows[number - 2] = line
    return csv_file(rows)


def test_a_csv_of_100_rows_with_5_bad_lands_95_and_names_the_5(db):
    actor = new_user(db)
    content = hundred_with_five_bad()
    preview = run(db, history_import.preview_import, actor, content)
    assert (preview.total, preview.added, preview.errors, preview.dry_run) == (100, 95, 5, True)
    assert log_count(db, actor) == 0  # a preview writes nothing
    assert preview.mapping["date"] == "Date" and preview.mapping["duration"] == "Minutes"
    assert [p.row for p in preview.problems] == sorted(BAD_ROWS)
    for problem in preview.problems:
        _line, column, word = BAD_ROWS[problem.row]
        assert problem.field == column and word in problem.message, problem
    assert len(preview.preview) == history_import.PREVIEW_ROWS
    assert preview.preview[0].status == "new" and preview.preview[0].minutes == 20
    assert preview.preview[6].status == "error" and preview.preview[6].row == 8

    report = run(db, history_import.import_history, actor, content)
    assert (report.added, report.errors, report.existing, report.dry_run) == (95, 5, 0, False)
    assert log_count(db, actor) == 95
    assert [p.row for p in report.problems] == sorted(BAD_ROWS)


def test_csv_values_are_read_as_people_write_them(db):
    actor = new_user(db, timezone="Europe/Berlin")
    header = "Day;Time;Length;What;Piece;Mood"
    rows = [
        "15.03.2024;18:30;1:15;Sight-reading;Minuet;satisfied",  # day-first with dots, h:mm, a mood
        "2024-03-16T07:05:00+00:00;;45 min;technique;;8",  # an ISO moment with its offset
        "03/17/2024;6:30 pm;0.5h;Scales;;",  # month first, am/pm, hours
    ]
    mapping = {
        "date": "Day",
        "time": "Time",
        "duration": "Length",
        "activity": "What",
        "title": "Piece",
        "rating": "Mood",
    }
    report = run(db, history_import.import_history, actor, csv_file(rows, header), mapping=json.dumps(mapping))
    assert (report.added, report.errors) == (3, 0), report.problems
    with db.transaction(write=False) as session:
        logs = practice_logs.list_logs(session, actor=actor, query={"limit": 10}).items
    by_day = {log.start_time.astimezone(UTC).date().isoformat(): log for log in logs}
    first = by_day["2024-03-15"]
    assert first.start_time.astimezone(UTC).hour == 17  # 18:30 in Berlin (winter time)
    assert (first.duration_seconds, first.activity_type, first.self_rating) == (75 * 60, "sight_reading", 7)
    assert by_day["2024-03-16"].start_time.astimezone(UTC).hour == 7 and by_day["2024-03-16"].self_rating == 8
    assert by_day["2024-03-17"].duration_seconds == 1800 and by_day["2024-03-17"].activity_type == "scales"


def test_a_mapping_naming_a_missing_column_is_refused_with_the_columns_there(db):
    actor = new_user(db)
    with pytest.raises(InvalidInput) as refused:
        run(
            db,
            history_import.preview_import,
            actor,
            csv_file(csv_rows(2)),
            mapping={"date": "Datum", "duration": "Minutes"},
        )
    assert refused.value.problems[0].field == "mapping.date" and "Minutes" in refused.value.problems[0].message
    with pytest.raises(InvalidInput) as unmapped:
        run(db, history_import.preview_import, actor, csv_file(["a,b"], "Wann,Wie lange"))
    assert unmapped.value.problems[0].field == "mapping.date"


def test_importing_the_same_csv_twice_adds_nothing(db):
    actor = new_user(db)
    content = hundred_with_five_bad()
    first = run(db, history_import.import_history, actor, content)
    second = run(db, history_import.import_history, actor, content)
    assert (first.added, second.added, second.existing, second.errors) == (95, 0, 95, 5)
    assert log_count(db, actor) == 95
    # Mapped otherwise, the same rows are still found; only rows bad in a column now left out are new.
    remapped = run(db, history_import.import_history, actor, content, mapping={"date": "Date", "duration": "Minutes"})
    assert (remapped.existing, remapped.added, remapped.errors) == (95, 3, 2) and log_count(db, actor) == 98
    # Two identical lines in one file are two practices, not one.
    twice = csv_file(["2024-05-01,09:00,30,scales,piano,,,,,"] * 2)
    assert run(db, history_import.import_history, actor, twice).added == 2
    assert run(db, history_import.import_history, actor, twice).added == 0


def test_someone_else_cannot_import_into_a_plan_prepared_for_another(db):
    owner, other = new_user(db), new_user(db)
    plan = run(db, history_import.prepare_import, owner, csv_file(csv_rows(3)))
    with db.transaction() as session, pytest.raises(NotFound):
        history_import.apply_batch(session, actor=other, plan=plan, start=0, stop=3)
    with db.transaction() as session, pytest.raises(NotFound):
        history_import.finish_import(session, actor=other, plan=plan)
    assert log_count(db, owner) == log_count(db, other) == 0


# --- hostile input ------------------------------------------------------------------------------------


def refused(db, actor, content: bytes, kind: type[Exception] = InvalidInput, **options: Any) -> Exception:
    with pytest.raises(kind) as caught:
        run(db, history_import.import_history, actor, content, **options)
    assert log_count(db, actor) == 0  # nothing half-written
    return caught.value


@pytest.mark.parametrize(
    ("content", "options", "field", "words"),
    [
        (b"", {}, "file", "empty"),
        (b"  \n\n", {}, "file", "empty"),
        ("Datum,Minuten\n01.02.2024,30\n".encode("utf-16"), {}, "file", "UTF-8"),
        (b"\xff\xfe\x00garbage\x00", {}, "file", "UTF-8"),
        (b"Date,Minutes\n", {}, "file", "no practice"),
        (b"Date,Date\n2024-01-01,30\n", {}, "file", "twice"),
        (b"[1, 2, 3]", {"format": "mirubato"}, "file", "tables"),
        (b'{"format": "mirubato-export/9", "tables": {}}', {"format": "mirubato"}, "file", "mirubato-export/1"),
        (
            b'{"format": "mirubato-export/1", "tables": {"practice_logs": {"a": 1}}}',
            {"format": "mirubato"},
            "file",
            "list",
        ),
        (b'{"logbook": "none", "version": "2.0"}', {"format": "original"}, "file", "logbook"),
        (b'{"logbook": [], "version": "3.0"}', {"format": "original"}, "file", "version"),
        (b"[" * 100_000 + b"]" * 100_000, {"format": "original"}, "file", "nested"),
        (b'{"logbook": [1e999999999999]}', {"format": "original"}, "logbook[1].logbook", "object"),
        (b"{not json", {"format": "original"}, "file", "JSON"),
        (b'{"logbook": [' + b"9" * 5000 + b"]}", {"format": "original"}, "file", "number"),
    ],
)
def test_a_file_refused_as_a_whole_says_why_and_writes_nothing(db, content, options, field, words):
    error = refused(db, new_user(db), content, **options)
    assert isinstance(error, InvalidInput)
    assert error.problems[0].field == field and words in error.problems[0].message, error.problems


def test_a_file_over_the_size_limit_is_refused_with_its_size(db):
    error = refused(db, new_user(db), b"Date,Minutes\n" + b"2024-01-01,30\n" * (50 * 1024 * 1024 // 14), TooLarge)
    assert "50" in error.message and "32" in error.message


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("1850-01-01,30", "Date", "1900-01-01"),
        ("2250-01-01,30", "Date", "2100-12-31"),
        ("0001-01-01,30", "Date", "out of range"),
        ("9999-12-31 23:59,30", "Date", "out of range"),
        (f"{datetime.now(UTC).date() + timedelta(days=3)},30", "Date", "future"),
        ("2024-01-01,-30", "Minutes", "more than 0"),
        ("2024-01-01,0", "Minutes", "more than 0"),
        ("2024-01-01,100000", "Minutes", "1,440"),
        ("2024-01-01,1e308", "Minutes", "1,440"),
        ("2024-01-01,nan", "Minutes", "duration"),
        ("2024-01-01,99:99:99:99", "Minutes", "duration"),
        ("2024-01-01 25:00,30", "Date", "time of day"),
        ("2024-01-01,", "Minutes", "empty"),
    ],
)
def test_a_single_bad_row_is_refused_naming_its_row_and_column(db, line, column, words):
    error = refused(db, new_user(db), csv_file([line], "Date,Minutes"))
    assert isinstance(error, InvalidInput)
    assert error.problems[0].field == f"rows[2].{column}" and words in error.problems[0].message, error.problems


def test_unknown_activities_text_over_limits_and_odd_characters_are_row_problems(db):
    actor = new_user(db)
    rows = [
        "2024-01-01,30,kazoo,,",
        "2024-01-01,30,scales," + "t" * 301 + ",",
        "2024-01-01,30,scales,,n" + "o" * 10_001,
        "2024-01-01,30,scales,,nul\x00here",
        "2024-01-01,30,scales,Fine,",
    ]
    report = run(db, history_import.import_history, actor, csv_file(rows, "Date,Minutes,Activity,Piece,Notes"))
    assert report.added == 1 and [(p.row, p.field) for p in report.problems] == [
        (2, "Activity"), (3, "Piece"), (4, "Notes"), (5, "Notes"),
    ]  # fmt: skip


def test_json_entries_of_the_wrong_shape_are_named_and_the_rest_lands(db):
    actor = new_user(db)
    document = {
        "version": "2.0",
        "exportDate": "2025-01-01T00:00:00Z",
        "logbook": [
            "not an object",
            {"id": "a", "timestamp": "2024-01-01T08:00:00Z", "duration": "thirty", "type": "practice"},
            {"id": "b", "timestamp": "2024-01-01T08:00:00Z", "duration": -4, "type": "practice"},
            {"id": "c", "timestamp": 10**30, "duration": 30, "type": "practice"},
            {"id": "d", "timestamp": "2024-01-01T08:00:00Z", "duration": 30, "type": "juggling"},
            {"id": "e", "timestamp": "2024-01-01T08:00:00Z", "duration": 30, "notes": "\ud800 lone surrogate"},
            {"id": "f", "timestamp": "2024-01-01T08:00:00Z", "duration": 30, "pieces": [{"title": ["x"]}, 7]},
            {"id": "g", "timestamp": "2024-01-01T08:00:00Z", "duration": 30, "notes": {"deep": [1, {"x": None}]}},
        ],
        "repertoire": ["x", {"scoreId": None}],
        "practicePlans": [{"status": "active", "schedule": "weekly"}],
    }
    content = json.dumps(document).encode()
    report = run(db, history_import.import_history, actor, content, format="original")
    assert [(p.row, p.field) for p in report.problems] == [
        (1, "logbook"), (2, "duration"), (3, "duration"), (4, "timestamp"), (5, "type"), (6, "notes"),
    ]  # fmt: skip
    assert report.added == 2 and log_count(db, actor) == 2
    assert {p.field for p in report.left_out} >= {"repertoire[1]", "repertoire[2]", "practicePlans[1]"}


# --- this app's own export: the round trip ------------------------------------------------------------

TODAY = date(2026, 3, 8)


def numbers(db, actor) -> dict[str, Any]:
    """What the musician sees, as the services compute it."""
    with db.transaction(write=False) as session:
        summary = progress.progress_summary(session, actor=actor)
        streaks = progress.streaks(session, actor=actor, today=TODAY)
        overview = progress.overview(session, actor=actor, today=TODAY)
        pieces = analytics.repertoire(session, actor=actor, query={"from": "2026-01-01", "to": "2026-03-31"})
        return {
            "seconds": summary.total_practice_seconds,
            "logs": summary.total_logs,
            "days": summary.practice_days,
            "unique pieces": summary.unique_pieces,
            "streak": (streaks.current, streaks.longest),
            "level": (overview.current_level, overview.experience_points, overview.consecutive_days),
            "achievements": sorted(a.key for a in overview.achievements),
            "instruments": [(i.instrument, i.overall.experience_points) for i in overview.instruments],
            "per piece": sorted((p.title, p.composer, p.seconds, p.logs) for p in pieces.top_pieces),
            "repertoire": sorted(
                (r.piece_id, r.status, r.target_tempo, r.notes, r.times_practiced, r.best_tempo)
                for r in repertoire.list_repertoire(session, actor=actor)
            ),
            "goals": sorted((g.kind, g.target, g.title) for g in goals.list_goals(session, actor=actor, today=TODAY)),
            "plans": sorted((p.title, p.rrule, p.minutes) for p in plans.list_plans(session, actor=actor)),
            "templates": sorted(
                (t.template_name, t.activity_type) for t in templates.list_templates(session, actor=actor)
            ),
        }


def rich_account(db):
    """The known musician of tests.known_logs, with a catalogue piece in their repertoire and more."""
    actor, _bodies = musician_with_known_logs(db)
    piece = new_piece(db, title="Invention No. 1 in C major", composer="Johann Sebastian Bach")
    with db.transaction() as session:
        for day, seconds in ((3, 900), (5, 1500)):
            start = datetime(2026, 3, day, 7, tzinfo=UTC).isoformat()
            body = {"activityType": "slow_practice", "sheetMusicId": str(piece), "startTime": start,
                    "durationSeconds": seconds, "tempoPracticed": 60}  # fmt: skip
            practice_logs.log_practice(session, actor=actor, data=body)
        removed = practice_logs.log_practice(
            session,
            actor=actor,
            data={"activityType": "scales", "durationSeconds": 600, "startTime": "2026-03-01T10:00:00Z"},
        )
        practice_logs.delete_log(session, actor=actor, log_id=removed.log.id)
        repertoire.add_to_repertoire(
            session, actor=actor, piece_id=piece, data={"status": "polished", "targetTempo": 84, "notes": "Trills"}
        )
        goals.create_goal(session, actor=actor, data={"kind": "weekly_minutes", "target": 150, "title": "Steady"})
        plans.create_plan(
            session, actor=actor, data={"title": "Mornings", "blocks": [{"activityType": "scales", "minutes": 10}]}
        )
        templates.save_template(session, actor=actor, data={"templateName": "Scales", "activityType": "scales"})
    return actor


def test_export_delete_sign_up_import_gives_the_same_numbers(db):
    actor = rich_account(db)
    before = numbers(db, actor)
    assert before["logs"] == 10 and before["repertoire"] and before["streak"][0] > 0
    with db.transaction() as session:
        exported = json.dumps(account.export_account(session, actor=actor)).encode()
        email = session.get(User, actor.id).email
        account.delete_account(session, actor=actor)
    again = new_user(db, email=email, timezone="America/New_York")  # signed up again: a new account
    assert log_count(db, again) == 0

    preview = run(db, history_import.preview_import, again, exported, format="mirubato")
    assert (preview.added, preview.errors, preview.skipped, preview.repertoire) == (10, 0, 1, 1)
    report = run(db, history_import.import_history, again, exported, format="mirubato")
    assert (report.added, report.errors, report.goals, report.templates) == (10, 0, 1, 1), report.left_out
    after = numbers(db, again)
    assert after == before

    repeat = run(db, history_import.import_history, again, exported, format="mirubato")
    assert (repeat.added, repeat.existing, repeat.goals, repeat.plans) == (0, 10, 0, 0)
    assert numbers(db, again) == after
    assert json.loads(exported)["tables"]["plan_blocks"]  # the plan's blocks travel with it (every time)
    assert report.plans == 1


def test_an_export_imported_into_the_account_it_came_from_adds_nothing(db):
    actor = rich_account(db)
    with db.transaction() as session:
        exported = json.dumps(account.export_account(session, actor=actor)).encode()
    before = numbers(db, actor)
    report = run(db, history_import.import_history, actor, exported, format="mirubato")
    assert (report.added, report.existing, report.goals, report.plans) == (0, 10, 0, 0)
    assert numbers(db, actor) == before


# --- the original app's export ------------------------------------------------------------------------


def test_the_original_apps_export_brings_logs_repertoire_goals_and_plans(db):
    actor = new_user(db)
    elise = new_piece(db, title="Für Elise (Bagatelle in A minor)", composer="Ludwig van Beethoven")
    invention = new_piece(db, title="Invention No. 1 in C major", composer="Johann Sebastian Bach")
    content = FIXTURE.read_bytes()
    assert history_import.guess_format(content) == "original"
    report: ImportReport = run(db, history_import.import_history, actor, content, format="original")
    # 10 entries: 6 practices (one of two pieces: two logs), a violin entry and a broken date refused,
    # a removed entry and a status change skipped.
    assert (report.added, report.errors, report.skipped, report.minutes) == (7, 2, 2, 225)
    assert [(p.row, p.field) for p in report.problems] == [(5, "instrument"), (10, "timestamp")]
    assert "violin" in report.problems[0].message
    assert (report.repertoire, report.goals, report.plans) == (2, 1, 1)
    left_out = {p.field for p in report.left_out}
    assert left_out == {"repertoire[3]", "repertoireGoals[2]", "goals[1]"}

    with db.transaction(write=False) as session:
        logs = practice_logs.list_logs(session, actor=actor, query={"limit": 50}).items
        listed = {r.piece_id: r for r in repertoire.list_repertoire(session, actor=actor)}
        goal_list = goals.list_goals(session, actor=actor)
        plan_list = plans.list_plans(session, actor=actor)
        summary = progress.progress_summary(session, actor=actor)
    assert summary.total_logs == 7 and summary.total_practice_seconds == 225 * 60
    shared = sorted(log.duration_seconds for log in logs if log.start_time.date() == date(2025, 1, 15))
    assert shared == [1350, 1350]
    lesson = next(log for log in logs if log.instrument == "guitar" and log.work_title == "Lágrima")
    assert (lesson.activity_type, set(lesson.focus_areas)) == ("repertoire", {"rest strokes", "lesson notes", "lesson"})
    technique = next(log for log in logs if log.activity_type == "technique")
    assert technique.focus_areas == ["scales", "arpeggios", "hanon no 1-5", "morning"] and technique.self_rating == 5
    rehearsal = next(log for log in logs if log.activity_type == "ensemble_reading")
    assert (rehearsal.tempo_practiced, rehearsal.accuracy_percentage, rehearsal.notes_played) == (80, 92, 640)
    assert sum(1 for log in logs if log.sheet_music_id == elise) == 3  # linked by title and composer
    assert listed[elise].status == "polished" and listed[elise].notes == "Watch the rubato before the return."
    assert listed[elise].times_practiced == 3 and listed[invention].status == "learning"
    assert [(g.kind, g.target, g.title) for g in goal_list] == [("weekly_minutes", 140, "Twenty minutes every day")]
    (plan,) = plan_list
    assert (plan.title, plan.rrule, plan.minutes, plan.starts_on) == (
        "Recital prep", "FREQ=WEEKLY;BYDAY=MO,WE,FR", 40, date(2025, 1, 13),
    )  # fmt: skip
    assert [(b.activity_type, b.minutes, b.title) for b in plan.blocks] == [
        ("technique", 10, "Warm-up"), ("repertoire", 30, "Für Elise"),
    ]  # fmt: skip

    repeat = run(db, history_import.import_history, actor, content, format="original")
    assert (repeat.added, repeat.existing, repeat.goals, repeat.plans) == (0, 7, 0, 0)
    with db.transaction(write=False) as session:
        assert progress.progress_summary(session, actor=actor).total_logs == 7
        assert len(plans.list_plans(session, actor=actor)) == 1


# --- 20,000 rows, in batches as the page applies them (once per database) -----------------------------


def test_twenty_thousand_rows_land_in_batches_with_progress_rebuilt_once(db):
    actor = new_user(db)
    content = csv_file(csv_rows(20_000, first=date(2005, 1, 1)))
    with db.transaction() as session:
        plan: ImportPlan = history_import.prepare_import(session, actor=actor, content=content, data={"format": "csv"})
    assert (plan.report.added, plan.report.errors) == (20_000, 0)
    added = 0
    for start in range(0, len(plan.logs), history_import.BATCH_SIZE):
        with db.transaction() as session:
            added += history_import.apply_batch(session, actor=actor, plan=plan, start=start, stop=start + 1000)
            assert not session.exec(select(ProgressTracking).where(ProgressTracking.user_id == actor.id)).first()
    with db.transaction() as session:
        report = history_import.finish_import(session, actor=actor, plan=plan)
    assert added == report.added == 20_000 and log_count(db, actor) == 20_000
    with db.transaction() as session:
        summary = progress.progress_summary(session, actor=actor)
        assert summary.total_logs == 20_000
        assert summary.total_practice_seconds == sum((20 + i % 40) * 60 for i in range(20_000))
        assert rebuild_progress(session, actor.id) == 0  # what finish built is what a rebuild computes
    with db.transaction() as session:  # a batch applied again adds nothing
        assert history_import.apply_batch(session, actor=actor, plan=plan, start=0, stop=1000) == 0


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "ja", "zh-Hans", "zh-Hant"])
def test_our_own_csv_export_reads_back_in_the_language_it_was_written(language: str):
    from core.i18n import use_language
    from services.history_csv import suggest_mapping
    from services.log_export import column_headers

    with use_language(language):
        header = column_headers()
    mapping = suggest_mapping(header)
    english = dict(zip(header, column_headers(), strict=True))
    assert english[mapping.date] == "start_time"
    assert english[mapping.duration] == "duration_seconds" and mapping.duration_unit == "seconds"
    assert english[mapping.title] == "work_title"
