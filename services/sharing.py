"""Sharing with consent: a student invites a teacher, the teacher accepts, either ends it.

This module is where it is decided whether one user may see another's practice: only a
teacher with an active share from that student may, and only while it stays active (each
request checks again, so a revocation holds from the teacher's next click). Anything else
looks exactly like a student who does not exist (404), so ids leak nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import EmailStr
from sqlmodel import Session, col, select

from core import effects
from core.i18n import _
from core.models import Role, Share, ShareStatus, User, utcnow
from core.security import ExpiredLink, InvalidToken, SignedLinks
from services import audit
from services.actor import Actor
from services.errors import Conflict, Forbidden, InvalidInput, NotFound
from services.rate_limits import RateLimiter
from services.validation import Input, Output, parse

INVITE_LIFETIME = timedelta(days=14)
ACCEPT_PATH = "/share/accept"


@dataclass(frozen=True)
class InviteLinks:
    """How invitation links are made: the signer and the public address they point at."""

    signer: SignedLinks
    base_url: str


class InviteIn(Input):
    email: EmailStr | None = None  # None: a link to hand over in person or by any messenger


class Acceptance(Input):
    token: str


class Person(Output):
    id: uuid.UUID
    display_name: str | None
    email: str


class ShareOut(Output):
    id: uuid.UUID
    status: ShareStatus
    invite_email: str | None
    student: Person
    teacher: Person | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class Invitation(Output):
    share: ShareOut
    link: str


def invite_teacher(
    session: Session, *, actor: Actor, data: InviteIn | Mapping[str, Any], links: InviteLinks, limiter: RateLimiter
) -> Invitation:
    """A pending share and the signed link that accepts it (valid for 14 days, once).

    An invitation by email counts against the student's daily invitations and the address's
    hourly emails, so the app cannot be used to flood anyone's inbox.
    """
    invite = parse(InviteIn, data)
    student = _user(session, actor.id)
    email = invite.email.strip().lower() if invite.email else None
    if email == student.email.lower():
        raise InvalidInput("email", _("is your own address; invite your teacher's"))
    if email and _active_with_email(session, actor.id, email):
        raise Conflict(_("{email} can already see your practice.", email=email))
    if email:
        limiter.invites(actor.id)
        limiter.mail_to(email)
    now = utcnow()
    share = Share(student_id=actor.id, invite_email=email, created_at=now, expires_at=now + INVITE_LIFETIME)
    session.add(share)
    session.flush()
    audit.record(session, "share_invite", actor_id=actor.id, details={"share": str(share.id), "email": email})
    link = f"{links.base_url}{ACCEPT_PATH}?token={links.signer.make(str(share.id))}"
    invitation = Invitation(share=_out(session, share), link=link)
    if email:  # mailed once the share is committed, so the link works when it arrives
        name = invitation.share.student.display_name or invitation.share.student.email
        mail = effects.InvitationMailed(email=email, student=name, link=link, days=INVITE_LIFETIME.days)
        effects.record(session, mail)
    return invitation


def invitation_for(session: Session, *, actor: Actor, token: str, links: InviteLinks) -> ShareOut:
    """What an invitation link offers, checked as accepting it would be, without accepting."""
    return _out(session, _acceptable(session, actor, token, links))


def accept_invite(
    session: Session, *, actor: Actor, data: Acceptance | Mapping[str, Any], links: InviteLinks
) -> ShareOut:
    """Become the student's teacher: from now on the actor sees their dashboard and analytics."""
    share = _acceptable(session, actor, parse(Acceptance, data).token, links)
    share.teacher_id, share.status, share.accepted_at = actor.id, ShareStatus.ACTIVE.value, utcnow()
    teacher = _user(session, actor.id)
    if teacher.role == Role.MUSICIAN.value:
        teacher.role = Role.TEACHER.value  # a teacher's pages appear once someone shares with them
        session.add(teacher)
    session.add(share)
    session.flush()
    audit.record(
        session, "share_accept", actor_id=actor.id, subject_id=share.student_id, details={"share": str(share.id)}
    )
    return _out(session, share)


def revoke_share(session: Session, *, actor: Actor, share_id: uuid.UUID) -> ShareOut:
    """End a share (the student withdraws it, or the teacher steps back); ending it again changes nothing."""
    share = session.get(Share, share_id, with_for_update=True)
    if share is None or actor.id not in (share.student_id, share.teacher_id):
        raise NotFound(_("No share of yours has this id."))
    if share.status != ShareStatus.REVOKED.value:
        share.status, share.revoked_at = ShareStatus.REVOKED.value, utcnow()
        session.add(share)
        session.flush()
        audit.record(
            session, "share_revoke", actor_id=actor.id, subject_id=share.student_id, details={"share": str(share.id)}
        )
    return _out(session, share)


def shares_of_student(session: Session, *, actor: Actor) -> list[ShareOut]:
    """Who can see the actor's practice, and who is invited: pending and active shares, newest first."""
    found = session.exec(
        select(Share)
        .where(
            Share.student_id == actor.id, col(Share.status).in_([ShareStatus.PENDING.value, ShareStatus.ACTIVE.value])
        )
        .order_by(col(Share.created_at).desc())
    ).all()
    return [_out(session, share) for share in found]


def students_of_teacher(session: Session, *, actor: Actor) -> list[ShareOut]:
    """The students who share with the actor now."""
    found = session.exec(
        select(Share)
        .where(Share.teacher_id == actor.id, Share.status == ShareStatus.ACTIVE.value)
        .order_by(col(Share.accepted_at))
    ).all()
    return [_out(session, share) for share in found]


def student_actor(session: Session, *, actor: Actor, student_id: uuid.UUID) -> Actor:
    """The student as read-only services should see them, when the actor may; otherwise NotFound."""
    share = session.exec(
        select(Share).where(
            Share.student_id == student_id,
            Share.teacher_id == actor.id,
            Share.status == ShareStatus.ACTIVE.value,
        )
    ).first()
    student = session.get(User, student_id) if share is not None else None
    if student is None or not student.is_active:
        raise NotFound(_("No student of yours has this id."))
    return Actor(id=student.id, role=Role.MUSICIAN, timezone=student.timezone)


def _acceptable(session: Session, actor: Actor, token: str, links: InviteLinks) -> Share:
    try:
        share_id = uuid.UUID(links.signer.read(token, max_age=INVITE_LIFETIME))
    except ExpiredLink:
        raise InvalidInput("token", _("this invitation has expired; ask for a new one")) from None
    except (InvalidToken, ValueError):
        raise InvalidInput("token", _("is not a valid invitation link")) from None
    share = session.get(Share, share_id, with_for_update=True)
    if share is None or share.status != ShareStatus.PENDING.value or share.expires_at <= utcnow():
        raise Conflict(_("This invitation was already used or withdrawn; ask for a new one."))
    if share.student_id == actor.id:
        raise InvalidInput("token", _("is your own invitation; send it to your teacher"))
    if share.invite_email and share.invite_email != _user(session, actor.id).email.lower():
        raise Forbidden(
            _(
                "This invitation was sent to {email}. Sign in with that address to accept it.",
                email=share.invite_email,
            )
        )
    if _active_pair(session, share.student_id, actor.id):
        raise Conflict(_("You can already see this student's practice."))
    return share


def _active_pair(session: Session, student_id: uuid.UUID, teacher_id: uuid.UUID) -> bool:
    return (
        session.exec(
            select(Share.id).where(
                Share.student_id == student_id, Share.teacher_id == teacher_id, Share.status == ShareStatus.ACTIVE.value
            )
        ).first()
        is not None
    )


def _active_with_email(session: Session, student_id: uuid.UUID, email: str) -> bool:
    return (
        session.exec(
            select(Share.id)
            .join(User, col(User.id) == col(Share.teacher_id))
            .where(Share.student_id == student_id, Share.status == ShareStatus.ACTIVE.value, User.email == email)
        ).first()
        is not None
    )


def _user(session: Session, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user


def _person(user: User) -> Person:
    return Person(id=user.id, display_name=user.display_name, email=user.email)


def _out(session: Session, share: Share) -> ShareOut:
    teacher = session.get(User, share.teacher_id) if share.teacher_id else None
    return ShareOut(
        id=share.id,
        status=ShareStatus(share.status),
        invite_email=share.invite_email,
        student=_person(_user(session, share.student_id)),
        teacher=_person(teacher) if teacher else None,
        created_at=share.created_at,
        expires_at=share.expires_at,
        accepted_at=share.accepted_at,
        revoked_at=share.revoked_at,
    )
