"""Teaching: comments on a student's logs, and assignments that count the student's practice toward them.

Who may do what is decided here, through ``sharing.student_actor``: a teacher only while the
student shares with them; the student always, on their own logs and assignments.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import Field, StringConstraints
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from core.i18n import _
from core.models import ActivityType, Assignment, LogComment, PracticeLog, SheetMusic, User, utcnow
from services import sharing
from services.actor import Actor
from services.calendar_days import day_start, local_day
from services.errors import InvalidInput, NotFound
from services.labels import activity_label
from services.practice_shapes import Tempo
from services.validation import Input, LongText, Output, Tags, Text200, Text300, parse

RECENT_COMMENTS = 5
CommentText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class CommentIn(Input):
    body: CommentText


class CommentOut(Output):
    id: uuid.UUID
    log_id: uuid.UUID
    author_id: uuid.UUID
    author_name: str
    body: str
    created_at: datetime
    log_title: str | None = None


class AssignmentIn(Input):
    title: Text300 | None = Field(default=None, description="A piece or an exercise; defaults to the piece's title")
    sheet_music_id: uuid.UUID | None = None
    composer: Text200 | None = None
    activity_type: ActivityType | None = None
    target_tempo: Tempo | None = None
    focus_areas: Tags | None = Field(default=None, max_length=12)
    due_date: date
    notes: LongText | None = None


class AssignmentOut(Output):
    id: uuid.UUID
    student_id: uuid.UUID
    teacher_name: str
    title: str
    composer: str | None
    sheet_music_id: uuid.UUID | None
    activity_type: ActivityType | None
    target_tempo: int | None
    focus_areas: list[str]
    due_date: date
    notes: str | None
    created_at: datetime
    practised_seconds: int
    practice_logs: int
    best_tempo: int | None
    overdue: bool


def add_comment(
    session: Session, *, actor: Actor, log_id: uuid.UUID, data: CommentIn | Mapping[str, Any]
) -> CommentOut:
    """Comment on a log: its owner, or a teacher the owner shares with."""
    comment = parse(CommentIn, data)
    log = _readable_log(session, actor, log_id)
    row = LogComment(log_id=log.id, author_id=actor.id, body=comment.body)
    session.add(row)
    session.flush()
    return _comment_out(session, row, log)


def comments_on_log(session: Session, *, actor: Actor, log_id: uuid.UUID) -> list[CommentOut]:
    log = _readable_log(session, actor, log_id)
    rows = session.exec(
        select(LogComment).where(LogComment.log_id == log.id).order_by(col(LogComment.created_at))
    ).all()
    return [_comment_out(session, row, log) for row in rows]


def recent_comments_for_me(session: Session, *, actor: Actor) -> list[CommentOut]:
    """The newest comments others left on the actor's logs."""
    rows = session.exec(
        select(LogComment, PracticeLog)
        .join(PracticeLog, col(PracticeLog.id) == col(LogComment.log_id))
        .where(PracticeLog.user_id == actor.id, LogComment.author_id != actor.id, col(PracticeLog.is_active).is_(True))
        .order_by(col(LogComment.created_at).desc())
        .limit(RECENT_COMMENTS)
    ).all()
    return [_comment_out(session, comment, log) for comment, log in rows]


def assign(
    session: Session, *, actor: Actor, student_id: uuid.UUID, data: AssignmentIn | Mapping[str, Any]
) -> AssignmentOut:
    """Give a sharing student something to practise by a date."""
    student = sharing.student_actor(session, actor=actor, student_id=student_id)
    wanted = parse(AssignmentIn, data)
    piece = session.get(SheetMusic, wanted.sheet_music_id) if wanted.sheet_music_id else None
    if wanted.sheet_music_id and (piece is None or not piece.is_active):
        raise InvalidInput("sheetMusicId", _("no piece in the catalogue has this id"))
    title = wanted.title or (piece.title if piece else None)
    if not title:
        raise InvalidInput("title", _("is required: name the piece or exercise"))
    row = Assignment(
        student_id=student.id,
        teacher_id=actor.id,
        sheet_music_id=piece.id if piece else None,
        title=title,
        composer=wanted.composer or (piece.composer if piece else None),
        activity_type=wanted.activity_type.value if wanted.activity_type else None,
        target_tempo=wanted.target_tempo,
        focus_areas=list(wanted.focus_areas or []) or None,
        due_date=wanted.due_date,
        notes=wanted.notes,
    )
    session.add(row)
    session.flush()
    return _assignment_out(session, row, student)


def assignments_for_student(session: Session, *, actor: Actor, student_id: uuid.UUID) -> list[AssignmentOut]:
    """The teacher's view of what a student has been given (while the student shares)."""
    student = sharing.student_actor(session, actor=actor, student_id=student_id)
    return _active_assignments(session, student)


def my_assignments(session: Session, *, actor: Actor) -> list[AssignmentOut]:
    """What the actor's teachers asked them to practise, with how far they got."""
    return _active_assignments(session, actor)


def withdraw_assignment(session: Session, *, actor: Actor, assignment_id: uuid.UUID) -> None:
    """The teacher who gave it takes it back (also after the student stopped sharing)."""
    row = session.get(Assignment, assignment_id)
    if row is None or row.teacher_id != actor.id or not row.is_active:
        raise NotFound(_("No assignment of yours has this id."))
    row.is_active = False
    session.add(row)


def _active_assignments(session: Session, student: Actor) -> list[AssignmentOut]:
    rows = session.exec(
        select(Assignment)
        .where(Assignment.student_id == student.id, col(Assignment.is_active).is_(True))
        .order_by(col(Assignment.due_date), col(Assignment.created_at))
    ).all()
    return [_assignment_out(session, row, student) for row in rows]


def _assignment_out(session: Session, row: Assignment, student: Actor) -> AssignmentOut:
    """The assignment with the student's practice toward it, from its creation to the end of its due day."""
    matches: list[Any] = []
    if row.sheet_music_id:
        matches.append(PracticeLog.sheet_music_id == row.sheet_music_id)
    if row.activity_type and not row.sheet_music_id:
        matches.append(PracticeLog.activity_type == row.activity_type)
    if not row.activity_type:
        matches.append(func.lower(PracticeLog.work_title) == row.title.lower())
    seconds, logs, best = session.exec(
        select(
            func.coalesce(func.sum(PracticeLog.duration_seconds), 0),
            func.count(),
            func.max(PracticeLog.tempo_practiced),
        ).where(
            PracticeLog.user_id == student.id,
            col(PracticeLog.is_active).is_(True),
            col(PracticeLog.start_time) >= row.created_at,
            col(PracticeLog.start_time) < day_start(row.due_date + timedelta(days=1), student.timezone),
            or_(*matches),
        )
    ).one()
    teacher = session.get(User, row.teacher_id)
    return AssignmentOut(
        id=row.id,
        student_id=row.student_id,
        teacher_name=(teacher.display_name or teacher.email) if teacher else "",
        title=row.title,
        composer=row.composer,
        sheet_music_id=row.sheet_music_id,
        activity_type=ActivityType(row.activity_type) if row.activity_type else None,
        target_tempo=row.target_tempo,
        focus_areas=row.focus_areas or [],
        due_date=row.due_date,
        notes=row.notes,
        created_at=row.created_at,
        practised_seconds=int(seconds or 0),
        practice_logs=int(logs),
        best_tempo=best,
        overdue=row.due_date < local_day(utcnow(), student.timezone),
    )


def _readable_log(session: Session, actor: Actor, log_id: uuid.UUID) -> PracticeLog:
    log = session.get(PracticeLog, log_id)
    if log is None or not log.is_active:
        raise NotFound(_("No practice log with this id."))
    if log.user_id != actor.id:
        try:
            sharing.student_actor(session, actor=actor, student_id=log.user_id)
        except NotFound:
            raise NotFound(_("No practice log with this id.")) from None
    return log


def _comment_out(session: Session, row: LogComment, log: PracticeLog) -> CommentOut:
    author = session.get(User, row.author_id)
    return CommentOut(
        id=row.id,
        log_id=row.log_id,
        author_id=row.author_id,
        author_name=(author.display_name or author.email) if author else "",
        body=row.body,
        created_at=row.created_at,
        log_title=log.work_title or activity_label(log.activity_type).lower(),
    )
