"""Offline sync at the service layer: exactly once, conflicts instead of overwrites, nothing half-done."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier

from sqlalchemy import func
from sqlmodel import select

from core.models import PracticeLog
from services import practice_logs, sync
from services.rate_limits import RateLimiter
from tests.factories import log_body, new_user


def create(log_id=None, **overrides):
    data = log_body(**overrides)
    data.pop("id", None)
    return {"id": str(uuid.uuid4()), "kind": "create", "logId": str(log_id or uuid.uuid4()), "data": data}


def rows(db) -> int:
    with db.transaction(write=False) as session:
        return session.exec(select(func.count()).select_from(PracticeLog)).one()


def send(db, actor, changes):
    with db.transaction() as session:
        return sync.apply_batch(session, actor=actor, batch={"changes": changes}, limiter=RateLimiter()).results


def test_a_batch_sent_twice_is_applied_once_and_answered_twice(db):
    actor = new_user(db)
    batch = [create(selfRating=r) for r in range(1, 9)]
    first, again = send(db, actor, batch), send(db, actor, batch)
    assert [r.status for r in first] == ["applied"] * 8 and not any(r.repeated for r in first)
    assert [r.status for r in again] == ["applied"] * 8 and all(r.repeated for r in again)
    print(f"queued 8, delivered 16 (twice), server rows {rows(db)}, duplicated {rows(db) - 8}")
    assert rows(db) == 8


def test_an_edit_based_on_an_old_version_is_a_conflict_and_overwrites_nothing(db):
    actor = new_user(db)
    log_id = uuid.uuid4()
    send(db, actor, [create(log_id)])
    phone = {
        "id": str(uuid.uuid4()),
        "kind": "update",
        "logId": str(log_id),
        "baseVersion": 1,
        "data": log_body(selfRating=9),
    }
    laptop = {
        "id": str(uuid.uuid4()),
        "kind": "update",
        "logId": str(log_id),
        "baseVersion": 1,
        "data": log_body(selfRating=2),
    }
    assert send(db, actor, [phone])[0].status == "applied"
    conflict = send(db, actor, [laptop])[0]
    assert conflict.status == "conflict"
    assert (conflict.log.self_rating, conflict.log.version) == (9, 2)
    with db.transaction(write=False) as session:
        assert practice_logs.get_log(session, actor=actor, log_id=log_id).self_rating == 9
    mine = {**laptop, "id": str(uuid.uuid4()), "baseVersion": 2}  # "keep mine": based on what the server holds
    assert send(db, actor, [mine])[0].status == "applied"


def test_editing_a_log_deleted_elsewhere_is_a_conflict_and_a_stale_delete_too(db):
    actor = new_user(db)
    log_id = uuid.uuid4()
    send(db, actor, [create(log_id)])
    send(db, actor, [{"id": str(uuid.uuid4()), "kind": "delete", "logId": str(log_id), "baseVersion": 1}])
    edit = send(
        db,
        actor,
        [{"id": str(uuid.uuid4()), "kind": "update", "logId": str(log_id), "baseVersion": 1, "data": log_body()}],
    )[0]
    assert edit.status == "conflict" and edit.log.is_active is False
    restored = send(db, actor, [{"id": str(uuid.uuid4()), "kind": "restore", "logId": str(log_id)}])[0]
    assert restored.status == "applied" and restored.log.version == 3
    stale_delete = send(
        db, actor, [{"id": str(uuid.uuid4()), "kind": "delete", "logId": str(log_id), "baseVersion": 1}]
    )[0]
    assert stale_delete.status == "conflict"


def test_a_bad_change_is_rejected_with_its_problems_and_the_rest_of_the_batch_lands(db):
    actor = new_user(db)
    results = send(db, actor, [create(), create(selfRating=42), create()])
    assert [r.status for r in results] == ["applied", "rejected", "applied"]
    assert results[1].problems[0].field == "selfRating"
    assert rows(db) == 2


def test_another_users_log_is_not_found_for_sync_either(db):
    owner, other = new_user(db), new_user(db)
    log_id = uuid.uuid4()
    send(db, owner, [create(log_id)])
    edit = send(
        db,
        other,
        [{"id": str(uuid.uuid4()), "kind": "update", "logId": str(log_id), "baseVersion": 1, "data": log_body()}],
    )[0]
    assert edit.status == "rejected" and edit.log is None


def test_a_device_clock_a_day_ahead_does_not_break_sync_but_practice_in_the_future_is_refused(db):
    """The device's own clock is only shown; the browser corrects its times by the server's clock, and a
    start plainly ahead of the server (a clock the browser could not correct) is refused by name."""
    actor = new_user(db)
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    shown_only = {**create(), "queuedAt": tomorrow.isoformat()}
    ahead = create(startTime=(datetime.now(UTC) + timedelta(hours=3)).isoformat())
    slightly = create(startTime=(datetime.now(UTC) + timedelta(minutes=5)).isoformat(), durationSeconds=60)
    answers = send(db, actor, [shown_only, ahead, slightly])
    assert [a.status for a in answers] == ["applied", "rejected", "applied"]
    assert [p.field for p in answers[1].problems] == ["startTime"]


def test_two_tabs_flushing_the_same_batch_at_once_make_no_duplicates(db):
    actor = new_user(db)
    batch = [create() for _ in range(20)]
    barrier = Barrier(2)

    def flush(_: int) -> list[str]:
        barrier.wait()
        return [r.status for r in send(db, actor, batch)]

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(flush, range(2)))
    print(
        f"queued 20, delivered 40 (two tabs at once), server rows {rows(db)}, lost {20 - rows(db)}, "
        f"duplicated {max(0, rows(db) - 20)}"
    )
    assert answers == [["applied"] * 20] * 2
    assert rows(db) == 20


def test_a_batch_is_capped_at_one_hundred_changes(db):
    actor = new_user(db)
    import pytest

    from services.errors import InvalidInput

    with pytest.raises(InvalidInput, match="changes"):
        send(db, actor, [create() for _ in range(101)])


def test_a_malformed_change_is_rejected_alone(db):
    actor = new_user(db)
    broken = {"id": str(uuid.uuid4()), "kind": "teleport", "logId": str(uuid.uuid4())}
    results = send(db, actor, [create(), broken, create()])
    assert [r.status for r in results] == ["applied", "rejected", "applied"]
    assert results[1].problems[0].field == "kind"


def test_a_change_repeated_inside_one_batch_is_applied_once(db):
    actor = new_user(db)
    twice, once = create(), create(selfRating=3)
    results = send(db, actor, [twice, once, twice])
    assert [(r.status, r.repeated) for r in results] == [("applied", False), ("applied", False), ("applied", True)]
    assert results[2].log == results[0].log
    assert rows(db) == 2


def test_change_ids_belong_to_their_user(db):
    """Another user's device may pick the same change id: it is a different change."""
    first, second = new_user(db), new_user(db)
    change = create()
    mine = send(db, first, [change])
    theirs = send(db, second, [{**change, "logId": str(uuid.uuid4())}])
    assert [(r.status, r.repeated) for r in mine + theirs] == [("applied", False), ("applied", False)]
    assert rows(db) == 2


def test_a_change_made_by_another_account_is_neither_applied_nor_answered(db):
    alice, bob = new_user(db), new_user(db)
    hers = {**create(practiceNotes="Alice's private note"), "owner": str(alice.id)}
    his = {**create(), "owner": str(bob.id)}
    unowned = create()  # queued before devices recorded owners
    answers = send(db, bob, [hers, his, unowned])
    assert [a.id for a in answers] == [uuid.UUID(his["id"]), uuid.UUID(unowned["id"])]
    with db.transaction(write=False) as session:
        notes = session.exec(select(PracticeLog.practice_notes).where(PracticeLog.user_id == bob.id)).all()
    assert "Alice's private note" not in notes
    assert [a.status for a in send(db, alice, [hers])] == ["applied"]  # at her next sign-in
