"""Recorded takes on both databases: resumable chunked uploads applied once per id, checked to be
audio from their bytes, read back by range, heard only by their owner and a sharing teacher, and
gone with their log or account. SQLite keeps the bytes in files, PostgreSQL in the database."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.db import Database
from core.models import Take, TakeChunk, utcnow
from services import account, practice_logs, sharing, take_feedback, takes
from services.actor import Actor
from services.adapters.take_store import FileStore, store_for
from services.errors import InvalidInput, NotFound, OffsetMismatch, TooLarge
from services.rate_limits import RateLimiter
from services.takes import Refusal, TakeShelf, UploadState
from services.validation import parse
from tests.factories import log_body, new_user
from tests.takes_data import CHUNK, PNG_HEADER, real_take

PEAKS = [10, 200, 255, 90]


@pytest.fixture
def shelf(db: Database, tmp_path: Path) -> TakeShelf:
    shelf = TakeShelf(store=store_for("auto", is_sqlite=db.is_sqlite, data_dir=tmp_path), quota_bytes=400_000)
    takes.erase_after_commits(db.after_commit, shelf)  # as the app does at start-up
    return shelf


def new_log(db: Database, actor: Actor) -> uuid.UUID:
    with db.transaction() as session:
        return practice_logs.log_practice(session, actor=actor, data=log_body()).log.id


def upload(db: Database, actor: Actor, shelf: TakeShelf, log_id: uuid.UUID, data: bytes, take_id: uuid.UUID):
    with db.transaction() as session:
        takes.begin_upload(
            session, actor=actor, take_id=take_id, shelf=shelf,
            data={"logId": str(log_id), "name": "Scales", "sizeBytes": len(data), "peaks": PEAKS},
        )  # fmt: skip
    state: UploadState | Refusal | None = None
    for offset in range(0, len(data), CHUNK):
        with db.transaction() as session:
            state = takes.append_chunk(
                session, actor=actor, take_id=take_id, offset=offset, data=data[offset : offset + CHUNK], shelf=shelf
            )
        if isinstance(state, Refusal):
            break
    return state


def count_takes(db: Database) -> tuple[int, int]:
    with db.transaction(write=False) as session:
        rows = session.execute(select(func.count()).select_from(Take)).scalar_one()
        chunks = session.execute(select(func.count()).select_from(TakeChunk)).scalar_one()
    return rows, chunks


def test_a_take_uploaded_in_chunks_is_ready_with_the_length_read_from_the_file(db, shelf):
    clara = new_user(db)
    log_id, data, take_id = new_log(db, clara), real_take(), uuid.uuid4()
    state = upload(db, clara, shelf, log_id, data, take_id)
    assert isinstance(state, UploadState) and state.status == "ready" and state.received_bytes == len(data)
    with db.transaction(write=False) as session:
        (listed,) = takes.takes_of_log(session, actor=clara, log_id=log_id)
        playable = takes.playable(session, actor=clara, take_id=take_id)
        middle = b"".join(takes.read_range(session, take=playable, start=1000, end=len(data) - 7, shelf=shelf))
        whole = b"".join(takes.read_range(session, take=playable, start=0, end=len(data) - 1, shelf=shelf))
    assert 2900 <= listed.duration_ms <= 3300
    assert (listed.name, listed.mime, listed.peaks, listed.mine) == ("Scales", "audio/webm", PEAKS, True)
    assert middle == data[1000 : len(data) - 6] and whole == data
    assert isinstance(shelf.store, FileStore) == db.is_sqlite  # files on SQLite, rows on PostgreSQL


def test_the_same_take_id_again_changes_nothing(db, shelf):
    clara = new_user(db)
    log_id, data, take_id = new_log(db, clara), real_take(), uuid.uuid4()
    upload(db, clara, shelf, log_id, data, take_id)
    before = count_takes(db)
    again = upload(db, clara, shelf, log_id, data, take_id)  # a device that never heard the answers
    assert isinstance(again, UploadState) and again.status == "ready"
    assert count_takes(db) == before and before[0] == 1


def test_an_interrupted_upload_resumes_where_it_stands_and_refuses_a_chunk_out_of_order(db, shelf):
    clara = new_user(db)
    log_id, data, take_id = new_log(db, clara), real_take(), uuid.uuid4()
    with db.transaction() as session:
        takes.begin_upload(
            session, actor=clara, take_id=take_id, shelf=shelf, data={"logId": str(log_id), "sizeBytes": len(data)}
        )
        takes.append_chunk(session, actor=clara, take_id=take_id, offset=0, data=data[:CHUNK], shelf=shelf)
    with db.transaction() as session, pytest.raises(OffsetMismatch) as skipped:
        takes.append_chunk(session, actor=clara, take_id=take_id, offset=2 * CHUNK, data=data[:CHUNK], shelf=shelf)
    assert skipped.value.offset == CHUNK
    with db.transaction(write=False) as session:
        assert takes.upload_state(session, actor=clara, take_id=take_id).received_bytes == CHUNK
        assert takes.takes_of_log(session, actor=clara, log_id=log_id) == []  # half an upload is no take
        with pytest.raises(NotFound):
            takes.playable(session, actor=clara, take_id=take_id)
    for offset in range(CHUNK, len(data), CHUNK):
        with db.transaction() as session:
            state = takes.append_chunk(
                session, actor=clara, take_id=take_id, offset=offset, data=data[offset : offset + CHUNK], shelf=shelf
            )
    assert isinstance(state, UploadState) and state.status == "ready"


@pytest.mark.parametrize(
    ("content", "status"),
    [(PNG_HEADER + bytes(3000), 415), (b"OggS" + bytes(100), 415), (bytes(5000), 415)],
    ids=["a PNG renamed .webm", "a broken Ogg", "zeros"],
)
def test_a_file_that_is_not_audio_is_refused_and_nothing_of_it_is_kept(db, shelf, content, status):
    clara = new_user(db)
    state = upload(db, clara, shelf, new_log(db, clara), content, uuid.uuid4())
    assert isinstance(state, Refusal) and state.status == status and "not a recording" in state.detail
    assert count_takes(db) == (0, 0)


def test_a_truncated_recording_is_refused_when_its_length_cannot_be_read(db, shelf):
    clara = new_user(db)
    state = upload(db, clara, shelf, new_log(db, clara), real_take()[:300], uuid.uuid4())
    assert isinstance(state, Refusal) and state.status == 415 and "length" in state.detail
    assert count_takes(db) == (0, 0)


def test_sizes_and_the_quota_are_checked_before_any_byte_is_sent(db, shelf):
    clara = new_user(db)
    log_id = new_log(db, clara)
    with db.transaction() as session, pytest.raises(InvalidInput) as empty:
        takes.begin_upload(
            session, actor=clara, take_id=uuid.uuid4(), shelf=shelf, data={"logId": str(log_id), "sizeBytes": 0}
        )
    assert empty.value.problems[0].field == "sizeBytes"
    upload(db, clara, shelf, log_id, real_take(), uuid.uuid4())
    with db.transaction() as session, pytest.raises(TooLarge) as full:
        takes.begin_upload(
            session, actor=clara, take_id=uuid.uuid4(), shelf=shelf, data={"logId": str(log_id), "sizeBytes": 390_000}
        )
    assert "Your recordings are full" in full.value.message and "0.4 MB" in full.value.message
    assert count_takes(db)[0] == 1


def test_a_chunk_for_another_users_take_or_log_is_not_found_and_changes_nothing(db, shelf):
    clara, robert = new_user(db), new_user(db)
    log_id, data, take_id = new_log(db, clara), real_take(), uuid.uuid4()
    with db.transaction() as session:
        takes.begin_upload(
            session, actor=clara, take_id=take_id, shelf=shelf, data={"logId": str(log_id), "sizeBytes": len(data)}
        )
    with db.transaction() as session, pytest.raises(NotFound):
        takes.append_chunk(session, actor=robert, take_id=take_id, offset=0, data=data[:CHUNK], shelf=shelf)
    with db.transaction() as session, pytest.raises(NotFound):
        takes.begin_upload(
            session, actor=robert, take_id=uuid.uuid4(), shelf=shelf, data={"logId": str(log_id), "sizeBytes": 10}
        )
    with db.transaction(write=False) as session:
        assert takes.upload_state(session, actor=clara, take_id=take_id).received_bytes == 0


def share_with_teacher(db: Database, student: Actor, teacher: Actor) -> uuid.UUID:
    from core.security import SignedLinks
    from services.sharing import InviteLinks

    links = InviteLinks(SignedLinks("s" * 40, purpose="share-invite"), base_url="http://testserver")
    with db.transaction() as session:
        invitation = sharing.invite_teacher(session, actor=student, data={}, links=links, limiter=RateLimiter())
        token = invitation.link.split("token=")[1]
        return sharing.accept_invite(session, actor=teacher, data={"token": token}, links=links).id


def test_a_sharing_teacher_hears_and_comments_until_the_share_is_revoked(db, shelf):
    clara, teacher, stranger = new_user(db), new_user(db, role="teacher"), new_user(db, role="teacher")
    log_id, take_id = new_log(db, clara), uuid.uuid4()
    upload(db, clara, shelf, log_id, real_take(), take_id)
    share_id = share_with_teacher(db, clara, teacher)
    with db.transaction() as session:
        assert [t.id for t in takes.takes_of_log(session, actor=teacher, log_id=log_id)] == [take_id]
        comment = take_feedback.add_comment(
            session,
            actor=teacher,
            take_id=take_id,
            data={"atMs": 2000, "barFrom": 5, "body": "Listen to the left hand"},
        )
        with pytest.raises(NotFound):
            takes.playable(session, actor=stranger, take_id=take_id)
        with pytest.raises(InvalidInput) as late:
            take_feedback.add_comment(session, actor=teacher, take_id=take_id, data={"atMs": 99_000, "body": "x"})
    assert late.value.problems[0].field == "atMs"
    assert (comment.at_ms, comment.bar_from, comment.bar_to, comment.mine) == (2000, 5, None, True)
    with db.transaction(write=False) as session:
        (seen,) = take_feedback.new_feedback_for_me(session, actor=clara)
    assert (seen.body, seen.mine, seen.take_name) == ("Listen to the left hand", False, "Scales")
    with db.transaction() as session:
        sharing.revoke_share(session, actor=clara, share_id=share_id)
    with db.transaction(write=False) as session, pytest.raises(NotFound):
        takes.playable(session, actor=teacher, take_id=take_id)


@pytest.mark.parametrize("bars", [{"barFrom": 6, "barTo": 5}, {"barTo": 5}, {"barFrom": 0}], ids=str)
def test_bars_must_be_in_order(bars):
    with pytest.raises(InvalidInput):
        parse(take_feedback.TakeCommentIn, {"atMs": 0, "body": "x", **bars})


def test_a_range_of_one_bar_is_that_bar():
    comment = parse(take_feedback.TakeCommentIn, {"atMs": 0, "body": "x", "barFrom": 5, "barTo": 5})
    assert (comment.bar_from, comment.bar_to) == (5, None)


def test_takes_go_with_their_log_and_with_the_account(db, shelf):
    clara = new_user(db)
    first, second = new_log(db, clara), new_log(db, clara)
    one, two = uuid.uuid4(), uuid.uuid4()
    upload(db, clara, shelf, first, real_take(), one)
    upload(db, clara, shelf, second, real_take(), two)
    with db.transaction() as session:
        practice_logs.delete_log(session, actor=clara, log_id=first)
    assert count_takes(db)[0] == 1
    if isinstance(shelf.store, FileStore):
        assert not shelf.store.path(one).exists() and shelf.store.path(two).exists()
    with db.transaction() as session:
        account.delete_account(session, actor=clara)
    assert count_takes(db) == (0, 0)
    if isinstance(shelf.store, FileStore):
        assert not shelf.store.path(two).exists()


def test_an_upload_abandoned_for_a_week_stops_counting_against_the_quota(db, shelf):
    clara = new_user(db)
    log_id, stale = new_log(db, clara), uuid.uuid4()
    with db.transaction() as session:
        takes.begin_upload(
            session, actor=clara, take_id=stale, shelf=shelf, data={"logId": str(log_id), "sizeBytes": 390_000}
        )
        session.get(Take, stale).created_at = utcnow() - timedelta(days=8)
    with db.transaction() as session:
        started = takes.begin_upload(
            session, actor=clara, take_id=uuid.uuid4(), shelf=shelf, data={"logId": str(log_id), "sizeBytes": 300_000}
        )
        assert session.get(Take, stale) is None
    assert started.received_bytes == 0


def test_a_take_for_a_deleted_log_is_refused_so_the_device_drops_it(db, shelf):
    clara = new_user(db)
    log_id = new_log(db, clara)
    with db.transaction() as session:
        practice_logs.delete_log(session, actor=clara, log_id=log_id)
    with db.transaction() as session, pytest.raises(NotFound, match="deleted"):
        takes.begin_upload(
            session, actor=clara, take_id=uuid.uuid4(), shelf=shelf, data={"logId": str(log_id), "sizeBytes": 10}
        )
    assert count_takes(db) == (0, 0)
