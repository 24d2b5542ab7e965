"""Comments and assignments between a teacher and a student who shares with them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.security import SignedLinks
from services import practice_logs, sharing, teaching
from services.errors import InvalidInput, NotFound
from services.rate_limits import RateLimiter
from services.sharing import InviteLinks
from tests.factories import log_body, new_piece, new_user

LINKS = InviteLinks(SignedLinks("test-secret-" + "x" * 40, purpose="share-invite"), base_url="http://mirubato.test")


def sharing_pair(db):
    student, teacher = new_user(db, display_name="Clara"), new_user(db, display_name="Mr Wieck")
    with db.transaction() as session:
        link = sharing.invite_teacher(session, actor=student, data={}, links=LINKS, limiter=RateLimiter()).link
        share = sharing.accept_invite(session, actor=teacher, data={"token": link.split("token=")[1]}, links=LINKS)
    return student, teacher, share


def test_a_teacher_comments_on_a_log_and_the_student_reads_it(db):
    student, teacher, share = sharing_pair(db)
    with db.transaction() as session:
        log = practice_logs.log_practice(session, actor=student, data=log_body()).log
        teaching.add_comment(session, actor=teacher, log_id=log.id, data={"body": "Lighter left hand in bar 7."})
        teaching.add_comment(session, actor=student, log_id=log.id, data={"body": "Will do!"})
    with db.transaction(write=False) as session:
        thread = teaching.comments_on_log(session, actor=student, log_id=log.id)
        inbox = teaching.recent_comments_for_me(session, actor=student)
    assert [(c.author_name, c.body) for c in thread] == [
        ("Mr Wieck", "Lighter left hand in bar 7."),
        ("Clara", "Will do!"),
    ]
    assert [c.body for c in inbox] == ["Lighter left hand in bar 7."]
    with db.transaction() as session:
        sharing.revoke_share(session, actor=student, share_id=share.id)
    with db.transaction() as session, pytest.raises(NotFound, match="practice log"):
        teaching.add_comment(session, actor=teacher, log_id=log.id, data={"body": "Still here?"})


def test_strangers_cannot_comment_and_empty_comments_are_refused(db):
    student, _teacher, _ = sharing_pair(db)
    stranger = new_user(db)
    with db.transaction() as session:
        log = practice_logs.log_practice(session, actor=student, data=log_body()).log
    with db.transaction() as session, pytest.raises(NotFound):
        teaching.add_comment(session, actor=stranger, log_id=log.id, data={"body": "Hi"})
    with db.transaction() as session, pytest.raises(InvalidInput) as error:
        teaching.add_comment(session, actor=student, log_id=log.id, data={"body": "   "})
    assert error.value.problems[0].field == "body"


def test_an_assignment_counts_the_practice_toward_it(db):
    student, teacher, _ = sharing_pair(db)
    piece = new_piece(db, title="Invention No. 1", composer="J. S. Bach")
    due = (datetime.now(UTC) + timedelta(days=7)).date()
    with db.transaction() as session:
        given = teaching.assign(
            session,
            actor=teacher,
            student_id=student.id,
            data={"sheetMusicId": str(piece), "targetTempo": 88, "dueDate": str(due)},
        )
    assert (given.title, given.practised_seconds) == ("Invention No. 1", 0)
    now = datetime.now(UTC).replace(microsecond=0)
    with db.transaction() as session:
        for tempo in (60, 72):
            body = log_body(
                sheetMusicId=str(piece), startTime=(now + timedelta(minutes=1)).isoformat(), tempoPracticed=tempo
            )
            practice_logs.log_practice(session, actor=student, data=body)
        older = log_body(sheetMusicId=str(piece), startTime=(now - timedelta(days=3)).isoformat())
        practice_logs.log_practice(session, actor=student, data=older)  # before it was assigned: not counted
    with db.transaction(write=False) as session:
        mine = teaching.my_assignments(session, actor=student)
        theirs = teaching.assignments_for_student(session, actor=teacher, student_id=student.id)
    assert [(a.practice_logs, a.practised_seconds, a.best_tempo, a.target_tempo) for a in mine] == [(2, 2400, 72, 88)]
    assert theirs == mine
    with db.transaction() as session:
        teaching.withdraw_assignment(session, actor=teacher, assignment_id=given.id)
    with db.transaction(write=False) as session:
        assert teaching.my_assignments(session, actor=student) == []


def test_only_a_teacher_the_student_shares_with_may_assign(db):
    student, _teacher, _ = sharing_pair(db)
    stranger = new_user(db)
    with db.transaction() as session, pytest.raises(NotFound):
        teaching.assign(
            session, actor=stranger, student_id=student.id, data={"title": "Scales", "dueDate": "2030-01-01"}
        )
