"""Practice logs through the service layer, on a real database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.models import PracticeLog
from services import practice_logs
from services.errors import Conflict, InvalidInput, NotFound
from tests.factories import log_body, new_piece, new_user


def count_logs(db) -> int:
    with db.transaction(write=False) as session:
        return session.exec(select(func.count()).select_from(PracticeLog)).one()


def test_a_log_is_stored_with_its_end_time_computed(db):
    actor = new_user(db)
    with db.transaction() as session:
        saved = practice_logs.log_practice(session, actor=actor, data=log_body(durationSeconds=600))
    assert saved.created
    assert saved.log.end_time - saved.log.start_time == timedelta(seconds=600)
    assert saved.log.version == 1
    with db.transaction(write=False) as session:
        assert practice_logs.get_log(session, actor=actor, log_id=saved.log.id).work_title == "Invention No. 1"


def test_the_same_id_posted_ten_times_gives_one_row(db):
    actor = new_user(db)
    body = log_body(id=str(uuid.uuid4()))
    results = []
    for _ in range(10):
        with db.transaction() as session:
            results.append(practice_logs.log_practice(session, actor=actor, data=body))
    assert [r.created for r in results] == [True] + [False] * 9
    assert {r.log.id for r in results} == {uuid.UUID(body["id"])}
    assert count_logs(db) == 1


def test_a_retried_quick_log_without_times_is_still_the_same_log(db):
    actor = new_user(db)
    body = {"id": str(uuid.uuid4()), "activityType": "scales", "duration": 300}
    with db.transaction() as session:
        first = practice_logs.quick_log(session, actor=actor, data=body)
    with db.transaction() as session:
        again = practice_logs.quick_log(session, actor=actor, data=body)
    assert first.created
    assert not again.created
    assert again.log.start_time == first.log.start_time


def test_the_same_id_with_different_content_is_a_conflict(db):
    actor = new_user(db)
    body = log_body(id=str(uuid.uuid4()))
    with db.transaction() as session:
        practice_logs.log_practice(session, actor=actor, data=body)
    with pytest.raises(Conflict), db.transaction() as session:
        practice_logs.log_practice(session, actor=actor, data={**body, "selfRating": 2})
    assert count_logs(db) == 1


def test_another_users_log_id_cannot_be_reused_or_read(db):
    owner, other = new_user(db), new_user(db)
    body = log_body(id=str(uuid.uuid4()))
    with db.transaction() as session:
        practice_logs.log_practice(session, actor=owner, data=body)
    with pytest.raises(Conflict), db.transaction() as session:
        practice_logs.log_practice(session, actor=other, data=body)
    log_id = uuid.UUID(body["id"])
    for attempt in (
        lambda s: practice_logs.get_log(s, actor=other, log_id=log_id),
        lambda s: practice_logs.update_log(s, actor=other, log_id=log_id, data=log_body()),
        lambda s: practice_logs.delete_log(s, actor=other, log_id=log_id),
        lambda s: practice_logs.restore_log(s, actor=other, log_id=log_id),
    ):
        with pytest.raises(NotFound), db.transaction() as session:
            attempt(session)
    with db.transaction(write=False) as session:
        assert practice_logs.list_logs(session, actor=other, query={}).total == 0
        assert practice_logs.get_log(session, actor=owner, log_id=log_id).self_rating == 7


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"activityType": "juggling"}, "activityType"),
        ({"durationSeconds": -5}, "durationSeconds"),
        ({"selfRating": 11}, "selfRating"),
        ({"practiceNotes": "x" * 100_000}, "practiceNotes"),
        ({"instrument": "violin"}, "instrument"),
        ({"accuracyPercentage": 101}, "accuracyPercentage"),
        ({"tempoPracticed": 0}, "tempoPracticed"),
        ({"startTime": "2024-05-01T10:00:00"}, "startTime"),
        ({"startTime": "yesterday"}, "startTime"),
        ({"endTime": "2020-01-01T00:00:00Z"}, "endTime"),
        ({"durationSeconds": None, "endTime": None}, "durationSeconds"),
        ({"notesPlayed": 10, "notesCorrect": 11}, "notesCorrect"),
        ({"notesCorrect": 3}, "notesPlayed"),
        ({"sessionId": str(uuid.uuid4())}, "sessionId"),
        ({"sheetMusicId": str(uuid.uuid4())}, "sheetMusicId"),
        ({"focusAreas": ['"quoted"']}, "focusAreas"),
        ({"mood": "happy"}, "mood"),
        ({"audioRecordingUrl": "javascript:alert(1)"}, "audioRecordingUrl"),
        ({"startTime": "2999-01-01T00:00:00Z"}, "startTime"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(db, change, field):
    actor = new_user(db)
    with pytest.raises(InvalidInput) as caught, db.transaction() as session:
        practice_logs.log_practice(session, actor=actor, data=log_body(**change))
    assert field in [p.field.split("[")[0] for p in caught.value.problems], caught.value.message
    assert count_logs(db) == 0


def test_a_duration_longer_than_the_time_span_is_refused(db):
    actor = new_user(db)
    start = datetime(2024, 5, 1, 10, tzinfo=UTC)
    body = log_body(
        startTime=start.isoformat(), endTime=(start + timedelta(minutes=10)).isoformat(), durationSeconds=3600
    )
    with pytest.raises(InvalidInput, match="durationSeconds"), db.transaction() as session:
        practice_logs.log_practice(session, actor=actor, data=body)


def test_a_piece_from_the_catalogue_fills_in_composer_and_title(db):
    actor = new_user(db)
    piece = new_piece(db, title="Für Elise", composer="Ludwig van Beethoven", catalog_number="WoO 59")
    body = log_body(sheetMusicId=str(piece))
    del body["composer"], body["workTitle"]
    with db.transaction() as session:
        log = practice_logs.log_practice(session, actor=actor, data=body).log
    assert (log.composer, log.work_title, log.opus_number) == ("Ludwig van Beethoven", "Für Elise", "WoO 59")


def test_accuracy_is_computed_from_notes_played_and_correct(db):
    actor = new_user(db)
    with db.transaction() as session:
        log = practice_logs.log_practice(session, actor=actor, data=log_body(notesPlayed=200, notesCorrect=183)).log
    assert log.accuracy_percentage == 91.5


def test_an_edit_based_on_the_current_version_is_applied_and_bumps_the_version(db):
    actor = new_user(db)
    body = log_body()  # once: a second body could start a second later (log_body reads the clock)
    with db.transaction() as session:
        log = practice_logs.log_practice(session, actor=actor, data=body).log
    with db.transaction() as session:
        change = {**body, "selfRating": 9, "version": 1}
        edited = practice_logs.update_log(session, actor=actor, log_id=log.id, data=change)
    assert (edited.self_rating, edited.version) == (9, 2)
    assert edited.start_time == log.start_time


def test_an_edit_based_on_an_old_version_is_a_conflict_and_changes_nothing(db):
    actor = new_user(db)
    with db.transaction() as session:
        log = practice_logs.log_practice(session, actor=actor, data=log_body()).log
    with db.transaction() as session:
        practice_logs.update_log(session, actor=actor, log_id=log.id, data=log_body(selfRating=9, version=1))
    with pytest.raises(Conflict, match="version 1"), db.transaction() as session:
        practice_logs.update_log(session, actor=actor, log_id=log.id, data=log_body(selfRating=2, version=1))
    with db.transaction(write=False) as session:
        assert practice_logs.get_log(session, actor=actor, log_id=log.id).self_rating == 9


def test_an_invalid_edit_leaves_the_log_as_it_was(db):
    actor = new_user(db)
    with db.transaction() as session:
        log = practice_logs.log_practice(session, actor=actor, data=log_body()).log
    with pytest.raises(InvalidInput), db.transaction() as session:
        practice_logs.update_log(session, actor=actor, log_id=log.id, data=log_body(selfRating=0))
    with db.transaction(write=False) as session:
        again = practice_logs.get_log(session, actor=actor, log_id=log.id)
    assert (again.self_rating, again.version) == (7, 1)


def test_a_deleted_log_disappears_and_can_be_restored(db):
    actor = new_user(db)
    with db.transaction() as session:
        log = practice_logs.log_practice(session, actor=actor, data=log_body()).log
    with db.transaction() as session:
        practice_logs.delete_log(session, actor=actor, log_id=log.id)
        practice_logs.delete_log(session, actor=actor, log_id=log.id)  # a repeat is harmless
    with pytest.raises(NotFound), db.transaction(write=False) as session:
        practice_logs.get_log(session, actor=actor, log_id=log.id)
    with db.transaction() as session:
        restored = practice_logs.restore_log(session, actor=actor, log_id=log.id)
    assert restored.is_active
    assert restored.version == 3


def test_the_list_filters_by_local_day_activity_and_text_and_pages(db):
    actor = new_user(db, timezone="America/New_York")
    # 23:30 in New York on 1 May is 03:30 UTC on 2 May: it belongs to the local 1 May.
    late = datetime(2024, 5, 2, 3, 30, tzinfo=UTC)
    with db.transaction() as session:
        practice_logs.log_practice(session, actor=actor, data=log_body(startTime=late.isoformat()))
        for day in range(3, 8):
            practice_logs.log_practice(
                session,
                actor=actor,
                data=log_body(
                    startTime=datetime(2024, 5, day, 15, tzinfo=UTC).isoformat(),
                    activityType="scales",
                    workTitle=f"Scales {day}",
                ),
            )
    with db.transaction(write=False) as session:
        first_of_may = practice_logs.list_logs(
            session, actor=actor, query={"from": date(2024, 5, 1), "to": date(2024, 5, 1)}
        )
        scales = practice_logs.list_logs(session, actor=actor, query={"activityType": ["scales"], "limit": 2})
        text = practice_logs.list_logs(session, actor=actor, query={"q": "invention"})
    assert [log.start_time for log in first_of_may.items] == [late]
    assert (scales.total, len(scales.items), scales.next_offset) == (5, 2, 2)
    assert scales.items[0].work_title == "Scales 7"
    assert text.total == 1


def test_from_after_to_is_refused(db):
    actor = new_user(db)
    with pytest.raises(InvalidInput, match="from"), db.transaction(write=False) as session:
        practice_logs.list_logs(session, actor=actor, query={"from": "2024-05-02", "to": "2024-05-01"})


def test_ten_concurrent_creates_of_one_id_give_one_row_and_no_errors(db):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    actor = new_user(db)
    body = log_body(id=str(uuid.uuid4()))
    barrier = Barrier(10)

    def create() -> bool:
        barrier.wait()
        with db.transaction() as session:
            return practice_logs.log_practice(session, actor=actor, data=body).created

    with ThreadPoolExecutor(10) as pool:
        created = list(pool.map(lambda _: create(), range(10)))
    assert created.count(True) == 1
    assert count_logs(db) == 1
