"""Sharing with consent on a real database: invite, accept, see, revoke."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner

from core.models import Role, User
from core.security import SignedLinks
from services import practice_logs, sharing, studio
from services.errors import Conflict, Forbidden, InvalidInput, NotFound
from services.rate_limits import RateLimiter
from services.sharing import InviteLinks
from tests.factories import log_body, new_user

LINKS = InviteLinks(SignedLinks("test-secret-" + "x" * 40, purpose="share-invite"), base_url="http://mirubato.test")


def token_of(link: str) -> str:
    return link.split("token=", 1)[1]


def email_of(db, actor) -> str:
    with db.transaction(write=False) as session:
        return session.get(User, actor.id).email


def invite(db, student, **data):
    with db.transaction() as session:
        return sharing.invite_teacher(session, actor=student, data=data, links=LINKS, limiter=RateLimiter())


def accept(db, teacher, invitation):
    with db.transaction() as session:
        return sharing.accept_invite(session, actor=teacher, data={"token": token_of(invitation.link)}, links=LINKS)


def test_an_emailed_invitation_accepted_lets_the_teacher_see_the_student(db):
    student, teacher = new_user(db, display_name="Clara"), new_user(db)
    with db.transaction() as session:
        practice_logs.log_practice(session, actor=student, data=log_body(durationSeconds=1800))
    invitation = invite(db, student, email=email_of(db, teacher).upper())
    assert invitation.link.startswith("http://mirubato.test/share/accept?token=")
    assert invitation.share.status == "pending"
    share = accept(db, teacher, invitation)
    assert (share.status, share.teacher.id) == ("active", teacher.id)
    with db.transaction(write=False) as session:
        assert session.get(User, teacher.id).role == Role.TEACHER.value
        week = studio.overview(session, actor=teacher)
        board = studio.student_dashboard(session, actor=teacher, student_id=student.id)
    assert [(w.student.display_name, w.week_seconds) for w in week] == [("Clara", 1800)]
    assert board.recent_logs[0].duration_seconds == 1800


def test_revoking_ends_the_view_at_once_for_either_side(db):
    student, teacher = new_user(db), new_user(db)
    share = accept(db, teacher, invite(db, student))
    with db.transaction() as session:
        sharing.revoke_share(session, actor=student, share_id=share.id)
    with db.transaction(write=False) as session, pytest.raises(NotFound):
        studio.student_progress(session, actor=teacher, student_id=student.id)
    with db.transaction(write=False) as session:
        assert sharing.shares_of_student(session, actor=student) == []
        assert studio.overview(session, actor=teacher) == []


def test_a_teacher_sees_nobody_who_did_not_share(db):
    student, teacher, stranger = new_user(db), new_user(db), new_user(db)
    accept(db, teacher, invite(db, student))
    with db.transaction(write=False) as session:
        with pytest.raises(NotFound):
            studio.student_dashboard(session, actor=stranger, student_id=student.id)
        with pytest.raises(NotFound):
            studio.student_dashboard(session, actor=student, student_id=teacher.id)
        with pytest.raises(NotFound):
            sharing.revoke_share(
                session, actor=stranger, share_id=sharing.students_of_teacher(session, actor=teacher)[0].id
            )


def test_invitations_are_checked_before_they_are_accepted(db, monkeypatch):
    student, teacher, other = new_user(db), new_user(db), new_user(db)
    by_email = invite(db, student, email=email_of(db, teacher))
    with pytest.raises(Forbidden):
        accept(db, other, by_email)
    with pytest.raises(InvalidInput) as own:
        accept(db, student, by_email)
    assert own.value.problems[0].field == "token"
    tampered = by_email.model_copy(update={"link": by_email.link[:-3] + "abc"})
    with pytest.raises(InvalidInput, match="not a valid invitation"):
        accept(db, teacher, tampered)
    later = int(time.time()) + int(timedelta(days=15).total_seconds())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: later)
    with pytest.raises(InvalidInput, match="expired"):
        accept(db, teacher, by_email)
    monkeypatch.undo()
    accept(db, teacher, by_email)
    with pytest.raises(Conflict):
        accept(db, teacher, by_email)  # used
    with pytest.raises(Conflict):
        accept(db, teacher, invite(db, student))  # already sharing with this teacher
    with pytest.raises(InvalidInput):
        invite(db, student, email=email_of(db, student))


def test_a_link_for_another_purpose_is_refused(db):
    student, teacher = new_user(db), new_user(db)
    invitation = invite(db, student)
    other_purpose = SignedLinks("test-secret-" + "x" * 40, purpose="something-else")
    forged = other_purpose.make(str(invitation.share.id))
    with db.transaction() as session, pytest.raises(InvalidInput):
        sharing.accept_invite(session, actor=teacher, data={"token": forged}, links=LINKS)
