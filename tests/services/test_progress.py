"""Progress on a real database: known logs across local midnight and a DST change give known numbers."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from core.models import ProgressTracking
from services import practice_logs, progress, sync, users
from services.progress_tracking import rebuild_progress
from services.rate_limits import RateLimiter
from tests.factories import new_piece, new_user
from tests.known_logs import at, musician_with_known_logs


def rows(db, actor) -> dict[tuple[str, str], dict]:
    with db.transaction(write=False) as session:
        found = session.exec(select(ProgressTracking).where(ProgressTracking.user_id == actor.id)).all()
        return {
            (r.instrument, r.skill_area): r.model_dump(exclude={"id", "created_at", "updated_at", "user_id"})
            for r in found
        }


def stored(db, actor) -> dict[tuple[str, str], dict]:
    """The stored rows, as the definition over the logs gives them."""
    return {
        scope: {k: v for k, v in row.items() if k not in ("instrument", "skill_area")}
        for scope, row in rows(db, actor).items()
    }


def by_definition(db, actor) -> dict[tuple[str, str], dict]:
    from services.progress_tracking import progress_from_logs

    with db.transaction(write=False) as session:
        return progress_from_logs(session, actor.id)


def test_known_logs_give_the_expected_levels_and_totals(db):
    actor, _ = musician_with_known_logs(db)
    table = rows(db, actor)
    assert set(table) == {
        ("all", "overall"),
        ("piano", "overall"),
        ("piano", "repertoire"),
        ("piano", "technique"),
        ("piano", "sight_reading"),
        ("guitar", "overall"),
        ("guitar", "technique"),
    }
    total = table[("all", "overall")]
    assert total["total_practice_time"] == 7 * 1800 + 3600
    assert total["experience_points"] == 270 + 7 * 10  # minutes + a bonus per local day
    assert total["current_level"] == 3
    assert total["consecutive_days"] == 7
    assert total["last_practice_date"] == date(2026, 3, 8)
    assert total["accuracy_trend"] == 85.0
    assert total["speed_trend"] == 100.0
    assert (table[("piano", "overall")]["experience_points"], table[("piano", "overall")]["current_level"]) == (280, 2)
    assert table[("piano", "repertoire")]["experience_points"] == 120 + 40
    assert table[("piano", "technique")]["experience_points"] == 60 + 20
    assert table[("guitar", "technique")]["consecutive_days"] == 1


def test_achievements_are_dated_by_local_day_across_dst(db):
    actor, _ = musician_with_known_logs(db)
    with db.transaction(write=False) as session:
        earned = {a.key: a.earned_on for a in progress.achievements(session, actor=actor) if a.earned}
    # In UTC every 23:30 log falls on the next day; the musician's days are what count.
    assert earned == {
        "first_log": date(2026, 3, 2),
        "target_tempo": date(2026, 3, 7),
        "both_instruments": date(2026, 3, 8),
        "streak_7": date(2026, 3, 8),
    }
    assert rows(db, actor)[("all", "overall")]["achievements"] == [
        "first_log",
        "target_tempo",
        "both_instruments",
        "streak_7",
    ]


def test_the_streak_stays_alive_until_a_whole_local_day_is_missed(db):
    actor, _ = musician_with_known_logs(db)
    with db.transaction(write=False) as session:
        next_day = progress.streaks(session, actor=actor, today=date(2026, 3, 9))
        later = progress.streaks(session, actor=actor, today=date(2026, 3, 10))
    assert (next_day.current, next_day.longest, next_day.at_risk, next_day.practised_today) == (7, 7, True, False)
    assert (later.current, later.longest) == (0, 7)


def test_deleting_editing_and_restoring_logs_update_progress(db):
    actor, bodies = musician_with_known_logs(db)
    guitar_log = uuid.UUID(bodies[-1]["id"])
    with db.transaction() as session:
        practice_logs.delete_log(session, actor=actor, log_id=guitar_log)
    table = rows(db, actor)
    assert ("guitar", "overall") not in table
    assert table[("all", "overall")]["experience_points"] == 280
    assert "both_instruments" not in table[("all", "overall")]["achievements"]

    with db.transaction() as session:
        practice_logs.restore_log(session, actor=actor, log_id=guitar_log)
        first = uuid.UUID(bodies[0]["id"])
        edited = {k: v for k, v in bodies[0].items() if k != "id"} | {"durationSeconds": 600}
        practice_logs.update_log(session, actor=actor, log_id=first, data=edited)
    table = rows(db, actor)
    assert table[("all", "overall")]["total_practice_time"] == 600 + 6 * 1800 + 3600
    assert table[("all", "overall")]["experience_points"] == 250 + 70


def test_synced_changes_update_progress_once_per_batch(db):
    actor, _ = musician_with_known_logs(db)
    change = {
        "id": str(uuid.uuid4()),
        "kind": "create",
        "logId": str(uuid.uuid4()),
        "data": {"activityType": "scales", "instrument": "piano", "startTime": at(9, 23, 30), "durationSeconds": 600},
    }
    with db.transaction() as session:
        sync.apply_batch(session, actor=actor, batch={"changes": [change]}, limiter=RateLimiter())
    total = rows(db, actor)[("all", "overall")]
    assert (total["consecutive_days"], total["last_practice_date"]) == (8, date(2026, 3, 9))


def test_a_rebuild_from_the_logs_alone_gives_the_same_numbers(db):
    actor, _ = musician_with_known_logs(db)
    before = rows(db, actor)
    with db.transaction() as session:
        assert rebuild_progress(session, actor.id) == 0
        for row in session.exec(select(ProgressTracking)).all():
            session.delete(row)
    assert rows(db, actor) == {}
    with db.transaction() as session:
        assert rebuild_progress(session, actor.id) == len(before)
    assert rows(db, actor) == before


def test_moving_to_another_time_zone_moves_the_days(db):
    actor, _ = musician_with_known_logs(db)
    with db.transaction() as session:
        users.update_preferences(session, actor=actor, data={"timezone": "UTC"})
    total = rows(db, actor)[("all", "overall")]
    assert total["last_practice_date"] == date(2026, 3, 9)  # 23:30 EDT on 3/8 is 03:30 UTC on 3/9
    assert total["milestones"][0] == {"date": "2026-03-03", "achievement": "first_log", "title": "First notes"}


def test_the_overview_matches_the_spec_response(db):
    actor, _ = musician_with_known_logs(db)
    with db.transaction(write=False) as session:
        view = progress.overview(session, actor=actor, today=date(2026, 3, 8))
        piano = progress.instrument_progress(session, actor=actor, instrument="piano")
        stats = progress.statistics(session, actor=actor)
    assert (view.current_level, view.experience_points, view.consecutive_days) == (3, 340, 7)
    assert (view.level_start_xp, view.next_level_xp, view.title) == (300, 600, "Beginner")
    assert view.total_practice_time == 16200
    assert [i.instrument for i in view.instruments] == ["piano", "guitar"]
    assert len(view.recent_activity) == 5
    assert [s.skill_area for s in piano.skills] == ["repertoire", "sight_reading", "technique"]
    assert stats.by_instrument[0].model_dump() == {"name": "piano", "seconds": 12600, "logs": 7}
    assert stats.average_log_seconds == 16200 // 8


def test_a_new_musician_has_level_one_and_nothing_earned(db):
    actor = new_user(db)
    with db.transaction(write=False) as session:
        view = progress.overview(session, actor=actor)
        earned = [a for a in progress.achievements(session, actor=actor) if a.earned]
    assert (view.current_level, view.experience_points, view.consecutive_days, view.instruments) == (1, 0, 0, [])
    assert earned == []


def test_the_rebuild_command_reproduces_progress(db, tmp_path, monkeypatch):
    from app.cli import main

    actor, _ = musician_with_known_logs(db)
    before = rows(db, actor)
    with db.transaction() as session:
        for row in session.exec(select(ProgressTracking)).all():
            row.experience_points = 1
            session.add(row)
    monkeypatch.setenv("MIRUBATO_DATABASE_URL", db.url)
    monkeypatch.setenv("MIRUBATO_DATA_DIR", str(tmp_path))
    assert main(["progress", "rebuild"]) == 0
    assert rows(db, actor) == before
    assert main(["progress", "rebuild", "--email", "nobody@example.com"]) == 2


def test_many_logs_in_one_transaction_rebuild_once_at_commit(db, monkeypatch):
    from services import progress_tracking

    actor = new_user(db, timezone="America/New_York")
    calls = []
    original = progress_tracking.recompute_progress
    monkeypatch.setattr(progress_tracking, "recompute_progress", lambda s, u, z: calls.append(u) or original(s, u, z))
    with db.transaction() as session:
        for day in range(2, 12):
            body = {
                "activityType": "scales",
                "instrument": "piano",
                "startTime": at(day, 23, 30),
                "durationSeconds": 600,
            }
            practice_logs.log_practice(session, actor=actor, data=body)
    total = rows(db, actor)[("all", "overall")]
    assert (total["total_practice_time"], total["consecutive_days"]) == (6000, 10)
    assert calls == [actor.id]


def test_the_fast_path_for_new_logs_always_equals_a_rebuild(db, monkeypatch):
    """300 logs saved one by one in time order, like a musician over a year, with gaps and DST."""
    import random

    from services import progress_tracking

    rng = random.Random(11)
    actor = new_user(db, timezone="Europe/Berlin")
    rebuilds = []
    original = progress_tracking.recompute_progress
    monkeypatch.setattr(
        progress_tracking, "recompute_progress", lambda s, u, z: rebuilds.append(u) or original(s, u, z)
    )
    moment = datetime(2025, 6, 1, 20, tzinfo=UTC)
    pieces = [{"composer": "J. S. Bach", "workTitle": f"Invention {n}"} for n in range(14)]
    pieces += [{}, {"workTitle": "Improvisation"}, {"workTitle": "improvisation "}]  # no composer; case and spaces
    pieces += [{"sheetMusicId": str(new_piece(db, title=f"Study {n}"))} for n in range(3)]
    for index in range(300):
        moment += timedelta(hours=rng.choice([1, 3, 20, 24, 26, 30, 49, 100]))
        body = {
            "activityType": rng.choice(["scales", "repertoire", "sight_reading", "mental_practice", "etudes"]),
            "instrument": rng.choice(["piano", "piano", "guitar"]) if index > 40 else "piano",
            "startTime": moment.isoformat(),
            "durationSeconds": rng.choice([59, 600, 1800, 3600, 14400]),
            **rng.choice(pieces),
        }
        if rng.random() < 0.5:
            body["accuracyPercentage"] = round(rng.uniform(50, 100), 1)
        if rng.random() < 0.5:
            body.update(tempoPracticed=rng.randint(40, 130), targetTempo=rng.choice([100, 120, 130]))
        with db.transaction() as session:
            practice_logs.log_practice(session, actor=actor, data=body)
        if index % 25 == 24:
            assert stored(db, actor) == by_definition(db, actor), f"the fast path went astray at log {index}"
    assert rebuilds == []  # every save took the fast path
    total = rows(db, actor)[("all", "overall")]
    assert {"first_log", "hours_10", "hours_100", "pieces_10", "target_tempo", "both_instruments"} <= set(
        total["achievements"]
    )


def test_the_fast_paths_row_mirrors_the_table():
    from services.progress_append import COLUMNS, ProgressRow

    assert sorted(ProgressRow.__slots__) == sorted(COLUMNS)


def test_a_back_dated_log_rebuilds_and_still_gets_it_right(db):
    actor, _ = musician_with_known_logs(db)
    body = {"activityType": "scales", "instrument": "piano", "startTime": at(1, 12), "durationSeconds": 600}
    with db.transaction() as session:
        practice_logs.log_practice(session, actor=actor, data=body)
    total = rows(db, actor)[("all", "overall")]
    assert (total["consecutive_days"], total["milestones"][0]["date"]) == (8, "2026-03-01")


def test_users_whose_logs_predate_progress_get_it_built_at_start(db):
    from services.progress_tracking import users_without_progress

    actor, _ = musician_with_known_logs(db)
    new_user(db)  # no logs: nothing to build
    before = rows(db, actor)
    with db.transaction() as session:
        for row in session.exec(select(ProgressTracking)).all():
            session.delete(row)
    with db.transaction(write=False) as session:
        assert users_without_progress(session) == [actor.id]
    with db.transaction() as session:
        rebuild_progress(session, actor.id)
    with db.transaction(write=False) as session:
        assert users_without_progress(session) == []
    assert rows(db, actor) == before


def days_by_definition(db, actor) -> dict[tuple, tuple]:
    """The logs grouped from scratch in Python: (day, instrument, activity, session) -> the sums practice_days keeps."""
    from zoneinfo import ZoneInfo

    from core.models import PracticeLog, User
    from services.progress_rules import log_xp

    with db.transaction(write=False) as session:
        zone = ZoneInfo(session.get(User, actor.id).timezone)
        logs = session.exec(select(PracticeLog).where(PracticeLog.user_id == actor.id, PracticeLog.is_active)).all()
        grouped: dict[tuple, list] = {}
        for log in logs:
            start = log.start_time if log.start_time.tzinfo else log.start_time.replace(tzinfo=UTC)
            key = (start.astimezone(zone).date(), log.instrument, log.activity_type, log.session_id)
            sums = grouped.setdefault(key, [0, 0, 0, 0, 0, 0.0, 0])
            seconds = log.duration_seconds or 0
            ratings = [log.self_rating] if log.self_rating is not None else []
            accuracies = [log.accuracy_percentage] if log.accuracy_percentage is not None else []
            for index, value in enumerate(
                (seconds, 1, log_xp(seconds), sum(ratings), len(ratings), sum(accuracies), len(accuracies))
            ):
                sums[index] += value
        return {key: (*sums[:5], round(sums[5], 6), sums[6]) for key, sums in grouped.items()}


def days_stored(db, actor) -> dict[tuple, tuple]:
    from core.models import PracticeDay

    with db.transaction(write=False) as session:
        found = session.exec(select(PracticeDay).where(PracticeDay.user_id == actor.id)).all()
        keys = [(r.day, r.instrument, r.activity_type, r.session_id) for r in found]
        assert len(keys) == len(set(keys)), "one row per day, instrument, activity and session"
        return {
            key: (r.seconds, r.logs, r.xp, r.rating_sum, r.rating_count, round(r.accuracy_sum, 6), r.accuracy_count)
            for key, r in zip(keys, found, strict=True)
        }


def test_a_new_log_is_added_to_its_days_row_without_summing_the_day_again(db, monkeypatch):
    """Saves alone take the incremental path (practice_days.add_log): logs on one local day, across
    midnight in the user's zone, in a sitting and outside one, with and without ratings, end as the
    logs grouped from scratch, and the day is never summed again from the logs."""
    from services import practice_sessions, progress_tracking

    actor = new_user(db, timezone="America/New_York")
    with db.transaction() as session:
        sitting = practice_sessions.start_session(session, actor=actor, data={}).id
    summed = []
    original = progress_tracking.refresh_days
    monkeypatch.setattr(progress_tracking, "refresh_days", lambda *a: summed.append(a) or original(*a))
    moment = datetime(2026, 3, 7, 23, 0, tzinfo=UTC)  # 18:00 in New York; 05:00 UTC is still the 7th there
    for step, (hours, extra) in enumerate(
        [(0, {}), (1, {"selfRating": 7}), (6, {"accuracyPercentage": 87.5}), (6.1, {"sessionId": str(sitting)}),
         (6.2, {"sessionId": str(sitting), "tempoPracticed": 120, "targetTempo": 120}), (30, {"durationSeconds": 59})]
    ):  # fmt: skip
        body = {"activityType": "scales", "instrument": "piano", "durationSeconds": 600 + step}
        body |= {"startTime": (moment + timedelta(hours=hours)).isoformat()} | extra
        with db.transaction() as session:
            practice_logs.log_practice(session, actor=actor, data=body)
        assert days_stored(db, actor) == days_by_definition(db, actor), f"days went astray at log {step}"
    assert summed == []


def test_days_and_progress_follow_random_edits_as_the_logs_define_them(db):
    """Saves in any order, edits that move a log to another day, instrument or activity, deletes,
    restores, a synced batch and a change of time zone: after each step the practice days are the
    logs grouped from scratch, and the stored progress is what the rules give over every log."""
    import random

    from services import practice_sessions

    rng = random.Random(23)
    actor = new_user(db, timezone="Europe/Berlin")
    piece = str(new_piece(db, title="Study"))
    with db.transaction() as session:
        sitting = practice_sessions.start_session(
            session, actor=actor, data={"startTime": "2025-10-26T00:30:00+00:00"}
        ).id
    base = datetime(2025, 10, 20, tzinfo=UTC)  # the autumn DST change falls inside the range
    live: list[uuid.UUID] = []
    removed: list[uuid.UUID] = []

    def body() -> dict:
        found = {
            "activityType": rng.choice(["scales", "repertoire", "sight_reading", "mental_practice", "etudes"]),
            "instrument": rng.choice(["piano", "guitar"]),
            "startTime": (base + timedelta(minutes=rng.randint(0, 14 * 24 * 60))).isoformat(),
            "durationSeconds": rng.choice([30, 600, 1800, 11000, 14400]),
        }
        if rng.random() < 0.4:
            found["accuracyPercentage"] = round(rng.uniform(50, 100), 1)
        if rng.random() < 0.4:
            found["selfRating"] = rng.randint(1, 10)
        if rng.random() < 0.4:
            found.update(tempoPracticed=rng.randint(40, 130), targetTempo=rng.choice([100, 120]))
        if rng.random() < 0.3:
            found["sheetMusicId"] = piece
        elif rng.random() < 0.3:
            # Spellings of one piece, and enough pieces that "10 pieces" is earned and lost again.
            found["workTitle"] = rng.choice(
                ["Invention 1", "invention  1", "Prelude", *(f"Etude {n}" for n in range(12))]
            )
        return found

    for step in range(120):
        roll = rng.random()
        with db.transaction() as session:
            if roll < 0.45 or not live:
                extra = {"sessionId": str(sitting)} if rng.random() < 0.2 else {}
                saved = practice_logs.log_practice(session, actor=actor, data=body() | extra)
                live.append(saved.log.id)
            elif roll < 0.7:
                practice_logs.update_log(session, actor=actor, log_id=rng.choice(live), data=body())
            elif roll < 0.82:
                gone = live.pop(rng.randrange(len(live)))
                practice_logs.delete_log(session, actor=actor, log_id=gone)
                removed.append(gone)
            elif roll < 0.9 and removed:
                back = removed.pop(rng.randrange(len(removed)))
                practice_logs.restore_log(session, actor=actor, log_id=back)
                live.append(back)
            elif roll < 0.97:
                changes = [
                    {"id": str(uuid.uuid4()), "kind": "create", "logId": str(uuid.uuid4()), "data": body()}
                    for _ in range(3)
                ]
                sync.apply_batch(session, actor=actor, batch={"changes": changes}, limiter=RateLimiter())
                live += [uuid.UUID(c["logId"]) for c in changes]
            else:
                zone = rng.choice(["America/New_York", "Asia/Tokyo", "Europe/Berlin"])
                users.update_profile(session, actor=actor, data={"timezone": zone})
        assert days_stored(db, actor) == days_by_definition(db, actor), f"days went astray at step {step}"
        assert stored(db, actor) == by_definition(db, actor), f"progress went astray at step {step}"
