"""What the pages read: the dashboard, the history by day, suggestions, facets, notation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import select

from core.models import SheetMusic
from services import catalogue, dashboard, history, repertoire, suggestions, templates
from services.adapters.notation import render_svg
from services.catalogue_seed import seed_catalogue, starter_pieces
from tests.factories import log_body, new_piece, new_user


def log_at(db, actor, moment: datetime, minutes: int, **extra) -> None:
    from services import practice_logs

    with db.transaction() as session:
        practice_logs.log_practice(
            session, actor=actor, data=log_body(startTime=moment.isoformat(), durationSeconds=minutes * 60, **extra)
        )


def test_the_dashboard_counts_today_this_week_and_the_streak_in_local_days(db):
    actor = new_user(db, timezone="America/New_York")
    today = date(2024, 5, 8)  # a Wednesday
    for day in (5, 6, 7):
        log_at(db, actor, datetime(2024, 5, day, 15, tzinfo=UTC), 30)
    log_at(db, actor, datetime(2024, 5, 9, 3, 30, tzinfo=UTC), 20)  # 23:30 on 8 May in New York
    piece = new_piece(db)
    with db.transaction() as session:
        repertoire.add_to_repertoire(session, actor=actor, piece_id=piece)
        templates.save_template(session, actor=actor, data={"templateName": "Scales", "activityType": "scales"})
        board = dashboard.dashboard(session, actor=actor, today=today)
        refreshed = dashboard.dashboard(session, actor=actor, today=today, recommend=False)
    assert board.recommended is not None and refreshed.recommended is None
    assert refreshed.model_copy(update={"recommended": board.recommended}) == board
    assert board.today_seconds == 20 * 60
    assert board.current_streak == 4
    assert board.week_seconds == (30 + 30 + 20) * 60  # the week starts on Monday 6 May
    assert [d.day for d in board.week][:2] == [date(2024, 5, 6), date(2024, 5, 7)]
    assert [i.piece_id for i in board.in_progress] == [piece]
    assert [t.template_name for t in board.templates] == ["Scales"]
    assert len(board.recent_logs) == 4


def test_history_groups_logs_by_local_day_with_totals(db):
    actor = new_user(db, timezone="Europe/Berlin")
    log_at(db, actor, datetime(2024, 5, 1, 22, 30, tzinfo=UTC), 10)  # 00:30 on 2 May in Berlin
    log_at(db, actor, datetime(2024, 5, 2, 8, tzinfo=UTC), 25)
    log_at(db, actor, datetime(2024, 5, 1, 8, tzinfo=UTC), 15, activityType="scales")
    with db.transaction(write=False) as session:
        window = history.history(session, actor=actor, query={"before": date(2024, 5, 3), "days": 7})
        scales = history.history(session, actor=actor, query={"before": date(2024, 5, 3), "activityType": ["scales"]})
    assert [(d.day, d.total_seconds) for d in window.days] == [(date(2024, 5, 2), 35 * 60), (date(2024, 5, 1), 900)]
    assert (window.first_day, window.last_day) == (date(2024, 4, 26), date(2024, 5, 2))
    assert [d.day for d in scales.days] == [date(2024, 5, 1)]


def test_suggestions_come_from_history_and_the_catalogue(db):
    actor = new_user(db)
    with db.transaction() as session:
        seed_catalogue(session)
    log_at(db, actor, datetime.now(UTC) - timedelta(hours=1), 5, composer="My Teacher", workTitle="Etude in G")
    with db.transaction(write=False) as session:
        assert suggestions.composers(session, actor=actor, text="teach") == ["My Teacher"]
        assert "Frédéric Chopin" in suggestions.composers(session, actor=actor, text="chop")
        assert suggestions.composers(session, actor=actor, text="dvorak") == ["Antonín Dvořák"]  # typed without accents
        johanns = suggestions.composers(session, actor=actor, text="johann")
        assert johanns.index("Johann Sebastian Bach") < johanns.index("Johann Friedrich Burgmüller")  # by surname
        assert "Etude in G" in suggestions.titles(session, actor=actor, text="etude", composer="my teacher")
        assert any("Für Elise" in t for t in suggestions.titles(session, actor=actor, text="elise"))


def test_facets_list_what_the_filters_can_take(db):
    with db.transaction() as session:
        seed_catalogue(session)
        found = catalogue.facets(session)
    assert "Johann Sebastian Bach" in found.composers and "etude" in found.tags and "E minor" in found.keys


def test_facet_tags_are_every_active_pieces_tags_and_an_odd_tags_value_is_skipped(db):
    """The tags are unpacked by the database (catalogue._tags): the same as unpacking each list in
    Python, on both databases; a piece whose tags are not a list (not writable through the
    services, but possible in an old or hand-edited row) is skipped, not a failed library page."""
    with db.transaction() as session:
        seed_catalogue(session)
        odd, hidden = (SheetMusic(title=title, composer="Nobody", instrument="piano") for title in ("Odd", "Hidden"))
        hidden.tags, hidden.is_active = ["only-on-a-hidden-piece"], False
        session.add_all([odd, hidden])
        session.flush()
        session.execute(update(SheetMusic).where(SheetMusic.id == odd.id).values(tags="a-string-not-a-list"))
    with db.transaction(write=False) as session:
        found = catalogue.facets(session).tags
        rows = session.exec(select(SheetMusic.tags).where(SheetMusic.is_active)).all()
    expected = sorted({tag for tags in rows if isinstance(tags, list) for tag in tags})
    assert found == expected and "etude" in found
    assert "only-on-a-hidden-piece" not in found and "a-string-not-a-list" not in found


def test_every_notated_starter_piece_renders_to_svg():
    notated = [p for p in starter_pieces() if p.notation_data]
    for piece in notated:
        pages = render_svg(piece.notation_data.data)
        assert pages and all(page.lstrip().startswith("<svg") or "<svg" in page[:200] for page in pages), piece.title


def test_the_dashboard_days_match_the_logs_grouped_from_scratch_after_edits_and_a_move(db):
    """The dashboard reads the practice days, not the logs: after a save, a back-dated log, an edit
    that moves a log across midnight, a deletion and a change of time zone, its days are still the
    logs' own local days and totals."""
    from zoneinfo import ZoneInfo

    from core.models import PracticeLog
    from services import practice_logs, users
    from services.actor import Actor

    actor = new_user(db, timezone="Europe/Berlin")
    today = date(2024, 5, 8)
    with db.transaction() as session:
        saved = [
            practice_logs.log_practice(
                session, actor=actor, data=log_body(startTime=moment.isoformat(), durationSeconds=seconds)
            ).log.id
            for moment, seconds in [
                (datetime(2024, 5, 7, 21, 30, tzinfo=UTC), 1200),  # 23:30 on 7 May in Berlin
                (datetime(2024, 5, 8, 6, tzinfo=UTC), 60),
                (datetime(2024, 4, 20, 9, tzinfo=UTC), 600),  # back-dated
                (datetime(2024, 5, 6, 9, tzinfo=UTC), 900),
            ]
        ]
    with db.transaction() as session:
        # 22:30 UTC is 00:30 on 8 May in Berlin: the log moves to the next day.
        moved = {
            k: v for k, v in log_body(startTime="2024-05-07T22:30:00+00:00", durationSeconds=1200).items() if k != "id"
        }
        practice_logs.update_log(session, actor=actor, log_id=saved[0], data=moved)
        practice_logs.delete_log(session, actor=actor, log_id=saved[3])

    def from_scratch(session, timezone: str) -> dict[date, int]:
        totals: dict[date, int] = {}
        for log in session.exec(select(PracticeLog).where(PracticeLog.user_id == actor.id, PracticeLog.is_active)):
            day = log.start_time.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date()
            totals[day] = totals.get(day, 0) + log.duration_seconds
        return totals

    with db.transaction(write=False) as session:
        days = dashboard.practice_by_day(session, actor=actor, since=date(2024, 1, 1))
        assert days == from_scratch(session, "Europe/Berlin") == {date(2024, 5, 8): 1260, date(2024, 4, 20): 600}
        board = dashboard.dashboard(session, actor=actor, today=today, recommend=False)
        assert (board.today_seconds, board.current_streak) == (1260, 1)
    with db.transaction() as session:
        users.update_profile(session, actor=actor, data={"timezone": "America/Los_Angeles"})
    moved = Actor(id=actor.id, timezone="America/Los_Angeles")
    with db.transaction(write=False) as session:
        days = dashboard.practice_by_day(session, actor=moved, since=date(2024, 1, 1))
        assert days == from_scratch(session, "America/Los_Angeles") == {date(2024, 5, 7): 1260, date(2024, 4, 20): 600}
