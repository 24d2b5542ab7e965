"""Plans, the day's agenda, the review queue, goals and the calendar feed, on each database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar
from sqlmodel import select

from core.models import GoalMet
from core.security import SignedLinks
from services import calendar_feed, goals, plans, practice_logs, repertoire, review_queue, sync, today
from services.calendar_days import local_day
from services.errors import InvalidInput, NotFound
from services.rate_limits import RateLimiter
from tests.factories import log_body, new_piece, new_user
from tests.services.test_teaching import sharing_pair

FEED_LINKS = SignedLinks("test-secret-" + "x" * 40, purpose="calendar-feed")


def three_blocks(piece_id: uuid.UUID) -> dict:
    return {
        "title": "Morning",
        "repeat": {"frequency": "daily"},
        "blocks": [
            {"activityType": "scales", "minutes": 10, "focusAreas": ["evenness"]},
            {"activityType": "repertoire", "minutes": 20, "sheetMusicId": str(piece_id), "targetTempo": 96},
            {"activityType": "sight_reading", "minutes": 5},
        ],
    }


def log_now(db, actor, **overrides):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    # Stay on the musician's local today, whatever the hour the test runs at.
    if local_day(start, actor.timezone) != local_day(datetime.now(UTC), actor.timezone):
        start = datetime.now(UTC).replace(microsecond=0)
    with db.transaction() as session:
        return practice_logs.log_practice(
            session, actor=actor, data=log_body(**{"startTime": start.isoformat(), "durationSeconds": 600, **overrides})
        ).log


def test_a_plan_of_three_blocks_with_one_logged_is_one_of_three_done(db):
    me = new_user(db, timezone="Europe/Berlin")
    piece = new_piece(db, title="Invention No. 8")
    with db.transaction() as session:
        plan = plans.create_plan(session, actor=me, data=three_blocks(piece))
    assert plan.rrule == "FREQ=DAILY" and plan.minutes == 35 and plan.blocks[1].title == "Invention No. 8"
    log_now(db, me, activityType="repertoire", sheetMusicId=str(piece), workTitle=None, composer=None)
    with db.transaction(write=False) as session:
        day = today.today(session, actor=me)
    assert (day.plans[0].done, day.plans[0].total) == (1, 3)
    assert [b.done for b in day.plans[0].blocks] == [False, True, False]


def test_a_log_synced_from_the_outbox_ticks_its_block(db):
    me = new_user(db)
    with db.transaction() as session:
        plans.create_plan(
            session,
            actor=me,
            data={"title": "Technique", "blocks": [{"activityType": "scales", "minutes": 10}]},
        )
    start = datetime.now(UTC).replace(microsecond=0)
    change = {
        "id": str(uuid.uuid4()),
        "kind": "create",
        "logId": str(uuid.uuid4()),
        "data": {**log_body(startTime=start.isoformat()), "activityType": "scales", "workTitle": None},
    }
    with db.transaction() as session:
        [answer] = sync.apply_batch(session, actor=me, batch={"changes": [change]}, limiter=RateLimiter()).results
    assert answer.status == "applied"
    with db.transaction(write=False) as session:
        assert today.today(session, actor=me).done == 1


def test_plans_are_checked_at_the_boundary_and_private(db):
    me, other = new_user(db), new_user(db)
    with db.transaction() as session:
        with pytest.raises(InvalidInput) as weekly:
            plans.create_plan(
                session,
                actor=me,
                data={
                    "title": "x",
                    "repeat": {"frequency": "weekly"},
                    "blocks": [{"activityType": "scales", "minutes": 5}],
                },
            )
        assert weekly.value.problems[0].field == "repeat.days"
        with pytest.raises(InvalidInput) as no_blocks:
            plans.create_plan(session, actor=me, data={"title": "x", "blocks": []})
        assert no_blocks.value.problems[0].field == "blocks"
        with pytest.raises(InvalidInput) as bad_piece:
            plans.create_plan(
                session,
                actor=me,
                data={
                    "title": "x",
                    "blocks": [{"activityType": "scales", "minutes": 5, "sheetMusicId": str(uuid.uuid4())}],
                },
            )
        assert bad_piece.value.problems[0].field == "blocks[0].sheetMusicId"
        mine = plans.create_plan(
            session, actor=me, data={"title": "Mine", "blocks": [{"activityType": "scales", "minutes": 5}]}
        )
    with db.transaction() as session:
        with pytest.raises(NotFound):
            plans.get_plan(session, actor=other, plan_id=mine.id)
        with pytest.raises(NotFound):
            plans.delete_plan(session, actor=other, plan_id=mine.id)


def test_a_teacher_gives_a_sharing_student_a_plan(db):
    student, teacher, _share = sharing_pair(db)
    stranger = new_user(db)
    data = {
        "title": "Before the lesson",
        "repeat": {"frequency": "weekly", "days": ["TU", "FR"]},
        "blocks": [{"activityType": "etudes", "minutes": 15, "title": "Czerny Op. 599 No. 20"}],
    }
    with db.transaction() as session:
        given = plans.give_plan(session, actor=teacher, student_id=student.id, data=data)
        with pytest.raises(NotFound):
            plans.give_plan(session, actor=stranger, student_id=student.id, data=data)
    with db.transaction(write=False) as session:
        [seen] = plans.list_plans(session, actor=student)
    assert seen.given_by_name == "Mr Wieck" and seen.description == "Every week on Tue, Fri"
    with db.transaction() as session, pytest.raises(InvalidInput):
        plans.update_plan(session, actor=student, plan_id=given.id, data=data)  # the teacher's to change
    with db.transaction() as session:
        plans.update_plan(session, actor=teacher, plan_id=given.id, data={**data, "title": "Lesson prep"})
        plans.delete_plan(session, actor=student, plan_id=given.id)  # but the student may stop it
    with db.transaction(write=False) as session:
        assert plans.list_plans(session, actor=student) == []


def test_the_review_queue_follows_the_documented_rule(db):
    me = new_user(db, timezone="America/New_York")
    piece = new_piece(db, title="Nocturne")
    with db.transaction() as session:
        repertoire.add_to_repertoire(session, actor=me, piece_id=piece, data={"status": "learning"})
    for day, rating in ((1, 8), (3, 8), (7, 3), (8, 9)):
        start = datetime(2026, 3, day, 18, 0, tzinfo=UTC)  # 13:00 or 14:00 in New York: that local day
        with db.transaction() as session:
            practice_logs.log_practice(
                session,
                actor=me,
                data=log_body(startTime=start.isoformat(), sheetMusicId=str(piece), selfRating=rating),
            )
    with db.transaction(write=False) as session:
        queue = review_queue.review_queue(session, actor=me, today=date(2026, 3, 9))
        later = review_queue.review_queue(session, actor=me, today=date(2026, 3, 13))
    [upcoming] = queue.upcoming
    assert (upcoming.interval_days, upcoming.last_practised, upcoming.due_on) == (
        2,
        date(2026, 3, 8),
        date(2026, 3, 10),
    )
    assert queue.due == [] and queue.neglected == []
    [due] = later.due
    assert later.neglected == [due] and due.days_since == 5
    with db.transaction() as session:
        review_queue.change_review(session, actor=me, sheet_music_id=piece, data={"snoozeDays": 7})
    with db.transaction(write=False) as session:
        snoozed = review_queue.review_queue(session, actor=me)
    assert snoozed.due == [] and [i.title for i in snoozed.set_aside] == ["Nocturne"]
    with db.transaction() as session, pytest.raises(NotFound):
        review_queue.change_review(session, actor=me, sheet_music_id=uuid.uuid4(), data={"dropped": True})


def test_goals_show_progress_earn_an_achievement_once_and_keep_their_history(db):
    me = new_user(db)
    piece = new_piece(db)
    with db.transaction() as session:
        weekly = goals.create_goal(session, actor=me, data={"kind": "weekly_minutes", "target": 25})
        tempo = goals.create_goal(
            session,
            actor=me,
            data={"kind": "piece_tempo", "target": 100, "sheetMusicId": str(piece), "dueOn": "2099-01-01"},
        )
        with pytest.raises(InvalidInput) as missing:
            goals.create_goal(
                session, actor=me, data={"kind": "programme_minutes", "target": 60, "dueOn": "2099-01-01"}
            )
        assert missing.value.problems[0].field == "pieceIds"
    assert (weekly.value, weekly.met, tempo.unit) == (0, False, "BPM")
    log_now(db, me, sheetMusicId=str(piece), tempoPracticed=88)
    log_now(db, me, sheetMusicId=str(piece), tempoPracticed=90)
    with db.transaction(write=False) as session:
        progress = {g.kind: g for g in goals.list_goals(session, actor=me)}
        met = goals.goals_met(session, actor=me)
        rows = len(session.exec(select(GoalMet)).all())
    assert (progress["weekly_minutes"].value, progress["weekly_minutes"].met) == (20, False)
    assert (progress["piece_tempo"].value, progress["piece_tempo"].percent) == (90, 90)
    assert met == [] and rows == 0
    log_now(db, me, durationSeconds=600)
    log_now(db, me, durationSeconds=600)  # met already: no second achievement for the same week
    with db.transaction(write=False) as session:
        [earned] = goals.goals_met(session, actor=me)
    assert earned.title == "25 minutes a week"
    with db.transaction() as session:
        changed = goals.update_goal(session, actor=me, goal_id=weekly.id, data={"kind": "weekly_minutes", "target": 90})
    assert changed.target == 90 and [h.before["target"] for h in changed.history] == [25]
    assert changed.met is False and changed.times_met == 1


def test_the_calendar_feed_parses_lists_the_next_days_and_is_revocable(db):
    me = new_user(db, timezone="Europe/Berlin")
    with db.transaction() as session:
        plan = plans.create_plan(
            session,
            actor=me,
            data={
                "title": "Evening",
                "repeat": {"frequency": "weekly", "days": ["MO", "TH"], "interval": 2},
                "atTime": "19:30",
                "blocks": [{"activityType": "repertoire", "minutes": 40, "title": "Kinderszenen"}],
            },
        )
        feed = calendar_feed.new_feed(session, actor=me, links=FEED_LINKS, base_url="https://m.test")
    assert feed.url and feed.url.startswith("https://m.test/api/calendar/plans.ics?key=")
    token = feed.url.split("key=")[1]
    with db.transaction(write=False) as session:
        parsed = Calendar.from_ical(calendar_feed.feed_ics(session, token=token, links=FEED_LINKS))
    [event] = parsed.walk("VEVENT")
    assert str(event["summary"]) == "Evening"
    start = event.decoded("dtstart")
    assert start.time() == time(19, 30) and str(start.tzinfo) == "Europe/Berlin"
    assert parsed.walk("VTIMEZONE"), "the zone's definition travels with the feed"
    rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=start)
    assert [moment.date() for moment in rule[:5]] == plan.next_days[:5]
    assert "40 min" in str(event["description"])
    with db.transaction() as session:
        calendar_feed.revoke_feed(session, actor=me)
    with db.transaction(write=False) as session, pytest.raises(NotFound):
        calendar_feed.feed_ics(session, token=token, links=FEED_LINKS)
    with db.transaction(write=False) as session, pytest.raises(NotFound):
        calendar_feed.feed_ics(session, token=token[:-2] + "xx", links=FEED_LINKS)
