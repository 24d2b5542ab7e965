"""The database tables (SQLModel) and the value sets their CHECK constraints enforce.

Mirrors the seven tables of the system design, plus what the architecture adds: a role and an
IANA time zone on users, soft delete and a version counter on practice logs (offline edits
carry the version they were based on), an instrument on sessions and templates.
This module imports nothing of ours.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, LargeBinary, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import validates
from sqlmodel import Field, SQLModel

from core.composer_names import composer_sort_key

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

# none_as_null: a Python None is SQL NULL (not the JSON text 'null'), so "IS NULL" means "absent".
JSONType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class Instrument(StrEnum):
    PIANO = "piano"
    GUITAR = "guitar"


class CatalogueInstrument(StrEnum):
    PIANO = "piano"
    GUITAR = "guitar"
    BOTH = "both"


class SkillLevel(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    PROFESSIONAL = "professional"


class Role(StrEnum):
    MUSICIAN = "musician"
    TEACHER = "teacher"
    ADMIN = "admin"


class SessionType(StrEnum):
    GUIDED = "guided"
    FREE_PRACTICE = "free_practice"
    ASSESSMENT = "assessment"


class ActivityType(StrEnum):
    SIGHT_READING = "sight_reading"
    SCALES = "scales"
    ARPEGGIOS = "arpeggios"
    ETUDES = "etudes"
    REPERTOIRE = "repertoire"
    MEMORIZATION = "memorization"
    SLOW_PRACTICE = "slow_practice"
    MENTAL_PRACTICE = "mental_practice"
    ENSEMBLE_READING = "ensemble_reading"
    TRANSPOSITION = "transposition"
    SCORE_REDUCTION = "score_reduction"
    TECHNIQUE = "technique"
    WARM_UP = "warm_up"


class SourceType(StrEnum):
    GENERATED = "generated"
    PUBLIC_DOMAIN = "public_domain"
    LICENSED = "licensed"
    USER_CREATED = "user_created"


def one_of(column: str, values: type[StrEnum]) -> str:
    """SQL for a CHECK that keeps ``column`` inside an enumeration."""
    quoted = ", ".join(f"'{member.value}'" for member in values)
    return f"{column} IN ({quoted})"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _created() -> Any:
    return Field(default_factory=utcnow, nullable=False, sa_column_kwargs={"server_default": func.now()})


def _json(nullable: bool = True) -> Any:
    return Field(default=None, sa_type=JSONType, nullable=nullable)


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("email"),
        CheckConstraint(one_of("primary_instrument", Instrument), name="primary_instrument"),
        CheckConstraint(one_of("skill_level", SkillLevel), name="skill_level"),
        CheckConstraint(one_of("role", Role), name="role"),
        Index("idx_users_email", "email"),
        Index("idx_users_last_login", "last_login_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=320)
    display_name: str | None = Field(default=None, max_length=100)
    avatar_url: str | None = Field(default=None, max_length=2048)
    primary_instrument: str | None = Field(default=None, max_length=20)
    skill_level: str | None = Field(default=None, max_length=20)
    role: str = Field(default=Role.MUSICIAN.value, max_length=20, sa_column_kwargs={"server_default": "musician"})
    timezone: str = Field(default="UTC", max_length=64, sa_column_kwargs={"server_default": "UTC"})
    created_at: datetime = _created()
    updated_at: datetime = _created()
    last_login_at: datetime | None = None
    preferences: dict[str, Any] | None = _json()
    is_active: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})


class SheetMusic(SQLModel, table=True):
    __tablename__ = "sheet_music"
    __table_args__ = (
        CheckConstraint(one_of("instrument", CatalogueInstrument), name="instrument"),
        CheckConstraint("difficulty_level BETWEEN 1 AND 10", name="difficulty_level"),
        CheckConstraint(one_of("source_type", SourceType), name="source_type"),
        CheckConstraint("duration_seconds > 0", name="duration_seconds"),
        CheckConstraint("suggested_tempo BETWEEN 1 AND 400", name="suggested_tempo"),
        Index("idx_sheet_music_instrument", "instrument"),
        Index("idx_sheet_music_difficulty", "difficulty_level"),
        Index("idx_sheet_music_style", "style_period"),
        Index("idx_sheet_music_grade", "grade_level"),
        Index("idx_sheet_music_composer", "composer"),
        Index("idx_sheet_music_composer_sort", "composer_sort", "title"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    title: str = Field(max_length=300)
    composer: str | None = Field(default=None, max_length=200)
    # Where the composer files: "beethoven ludwig van" (core.composer_names), kept in step with
    # the name whoever writes it (the admin, the CSV import, the seed): set when a row is built
    # and whenever the name changes.
    composer_sort: str | None = Field(default=None, max_length=200)
    opus: str | None = Field(default=None, max_length=100)
    catalog_number: str | None = Field(default=None, max_length=100)
    instrument: str = Field(max_length=20)
    difficulty_level: int | None = None
    grade_level: str | None = Field(default=None, max_length=100)
    duration_seconds: int | None = None
    time_signature: str | None = Field(default=None, max_length=20)
    key_signature: str | None = Field(default=None, max_length=40)
    tempo_marking: str | None = Field(default=None, max_length=100)
    suggested_tempo: int | None = None
    style_period: str | None = Field(default=None, max_length=40)
    tags: list[str] | None = _json()
    source_type: str | None = Field(default=None, max_length=20)
    source_attribution: str | None = Field(default=None, max_length=500)
    license_type: str | None = Field(default=None, max_length=100)
    notation_data: dict[str, Any] | None = _json()
    audio_reference_url: str | None = Field(default=None, max_length=2048)
    created_at: datetime = _created()
    updated_at: datetime = _created()
    is_active: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})

    def model_post_init(self, _context: Any) -> None:
        # Building a row sets the defaults (composer_sort=None) after the given fields.
        self.composer_sort = composer_sort_key(self.composer)

    @validates("composer")
    def _file_composer(self, _key: str, value: str | None) -> str | None:
        self.composer_sort = composer_sort_key(value)
        return value


class PracticeSession(SQLModel, table=True):
    __tablename__ = "practice_sessions"
    __table_args__ = (
        CheckConstraint(one_of("session_type", SessionType), name="session_type"),
        CheckConstraint(one_of("instrument", Instrument), name="instrument"),
        CheckConstraint("duration_seconds >= 0", name="duration_seconds"),
        CheckConstraint("end_time IS NULL OR end_time >= start_time", name="end_after_start"),
        CheckConstraint("accuracy_percentage BETWEEN 0 AND 100", name="accuracy_percentage"),
        Index("idx_sessions_user_date", "user_id", "session_date"),
        Index("idx_sessions_date", "session_date"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    session_date: date
    start_time: datetime
    end_time: datetime | None = None
    duration_seconds: int | None = None
    session_type: str | None = Field(default=None, max_length=20)
    instrument: str | None = Field(default=None, max_length=20)
    total_exercises: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    completed_exercises: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    accuracy_percentage: float | None = None
    notes: str | None = Field(default=None, max_length=10_000)
    created_at: datetime = _created()
    updated_at: datetime = _created()


# The columns of idx_logs_user_pieces, in order (see PracticeLog).
PIECE_INDEX_COLUMNS = (
    "user_id", "is_active", "sheet_music_id", "composer", "work_title", "start_time",
    "tempo_practiced", "duration_seconds", "instrument", "activity_type",
)  # fmt: skip


class PracticeLog(SQLModel, table=True):
    __tablename__ = "practice_logs"
    __table_args__ = (
        CheckConstraint(one_of("activity_type", ActivityType), name="activity_type"),
        CheckConstraint(one_of("instrument", Instrument), name="instrument"),
        CheckConstraint("self_rating BETWEEN 1 AND 10", name="self_rating"),
        CheckConstraint("duration_seconds >= 0", name="duration_seconds"),
        CheckConstraint("end_time IS NULL OR end_time >= start_time", name="end_after_start"),
        CheckConstraint("accuracy_percentage BETWEEN 0 AND 100", name="accuracy_percentage"),
        CheckConstraint("notes_correct <= notes_played", name="notes_correct"),
        CheckConstraint("version >= 1", name="version"),
        Index("idx_logs_user_date", "user_id", "start_time"),
        Index("idx_logs_activity", "activity_type"),
        Index("idx_logs_session", "session_id"),
        Index("idx_logs_sheet_music", "sheet_music_id"),
        # Covers the questions asked per piece (first practised when, for how long, at what tempo:
        # progress, statistics, repertoire and tempo charts) without reading the logs themselves:
        # 35 ms -> 1.3 ms for the first days of the pieces of a musician with 20,000 logs on SQLite.
        Index("idx_logs_user_pieces", *PIECE_INDEX_COLUMNS),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    session_id: uuid.UUID | None = Field(default=None, foreign_key="practice_sessions.id", ondelete="SET NULL")
    sheet_music_id: uuid.UUID | None = Field(default=None, foreign_key="sheet_music.id", ondelete="SET NULL")
    activity_type: str = Field(max_length=30)
    instrument: str = Field(max_length=20)
    start_time: datetime
    end_time: datetime | None = None
    duration_seconds: int | None = None
    composer: str | None = Field(default=None, max_length=200)
    work_title: str | None = Field(default=None, max_length=300)
    opus_number: str | None = Field(default=None, max_length=100)
    movement_section: str | None = Field(default=None, max_length=200)
    tempo_practiced: int | None = None
    target_tempo: int | None = None
    focus_areas: list[str] | None = _json()
    self_rating: int | None = None
    accuracy_percentage: float | None = None
    notes_played: int | None = None
    notes_correct: int | None = None
    practice_notes: str | None = Field(default=None, max_length=10_000)
    audio_recording_url: str | None = Field(default=None, max_length=2048)
    created_at: datetime = _created()
    updated_at: datetime = _created()
    is_active: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class ProgressTracking(SQLModel, table=True):
    __tablename__ = "progress_tracking"
    __table_args__ = (
        UniqueConstraint("user_id", "instrument", "skill_area"),
        CheckConstraint("current_level >= 1", name="current_level"),
        CheckConstraint("experience_points >= 0", name="experience_points"),
        Index("idx_progress_user", "user_id"),
        Index("idx_progress_instrument", "user_id", "instrument"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    instrument: str = Field(max_length=20)
    skill_area: str = Field(max_length=40)
    current_level: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    current_grade: str | None = Field(default=None, max_length=100)
    experience_points: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    total_practice_time: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    consecutive_days: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_practice_date: date | None = None
    accuracy_trend: float | None = None
    speed_trend: float | None = None
    achievements: list[str] | None = _json()
    milestones: list[dict[str, Any]] | None = _json()
    created_at: datetime = _created()
    updated_at: datetime = _created()


class PracticeDay(SQLModel, table=True):
    """A musician's practice of one local day, per instrument, activity and practice session.

    Kept in step with the logs by ``services.practice_days`` before each commit that changes them,
    so that analytics and progress read days (a few rows a day) instead of every log; the session
    is a column because a day's count of sessions is not the sum of its activities' counts.
    """

    __tablename__ = "practice_days"
    __table_args__ = (
        Index("idx_practice_days_user_day", "user_id", "day"),
        Index("idx_practice_days_user_mix", "user_id", "instrument", "activity_type"),  # statistics' grouping
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    day: date
    instrument: str = Field(max_length=20)
    activity_type: str = Field(max_length=30)
    session_id: uuid.UUID | None = None
    seconds: int = 0
    logs: int = 0
    xp: int = 0  # progress_rules.log_xp summed over the logs: the per-log cap makes it more than seconds // 60
    rating_sum: int = 0
    rating_count: int = 0
    accuracy_sum: float = 0.0
    accuracy_count: int = 0
    at_target_tempo: int = 0  # logs played at (or above) their target tempo: the day the achievement was earned


class RepertoireStatus(StrEnum):
    PLANNED = "planned"
    LEARNING = "learning"
    POLISHED = "polished"
    DROPPED = "dropped"


class UserSheetMusicProgress(SQLModel, table=True):
    """A piece in a musician's repertoire, with what their logs say about it."""

    __tablename__ = "user_sheet_music_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "sheet_music_id"),
        CheckConstraint("difficulty_rating BETWEEN 1 AND 5", name="difficulty_rating"),
        CheckConstraint("times_practiced >= 0", name="times_practiced"),
        CheckConstraint(one_of("status", RepertoireStatus), name="status"),
        CheckConstraint("target_tempo BETWEEN 1 AND 400", name="target_tempo"),
        Index("idx_user_music_progress", "user_id", "sheet_music_id"),
        Index("idx_user_music_starred", "user_id", "is_starred"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    sheet_music_id: uuid.UUID = Field(foreign_key="sheet_music.id", ondelete="CASCADE")
    # NULL until first practised (the design defaults them to "now"; a planned piece was never attempted).
    first_attempted_at: datetime | None = None
    last_attempted_at: datetime | None = None
    times_practiced: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    best_accuracy: float | None = None
    average_accuracy: float | None = None
    best_tempo: int | None = None
    is_completed: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    is_starred: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    is_bookmarked: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    difficulty_rating: int | None = None
    notes: str | None = Field(default=None, max_length=10_000)
    status: str | None = Field(default=None, max_length=20)
    target_tempo: int | None = None
    in_repertoire: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    updated_at: datetime = _created()


class PracticeTemplate(SQLModel, table=True):
    __tablename__ = "practice_templates"
    __table_args__ = (
        CheckConstraint(one_of("activity_type", ActivityType), name="activity_type"),
        CheckConstraint(one_of("instrument", Instrument), name="instrument"),
        CheckConstraint("tempo BETWEEN 1 AND 400", name="tempo"),
        CheckConstraint("duration_seconds > 0", name="duration_seconds"),
        Index("idx_templates_user", "user_id", "is_active"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    template_name: str = Field(max_length=100)
    activity_type: str = Field(max_length=30)
    instrument: str | None = Field(default=None, max_length=20)
    duration_seconds: int | None = None
    composer: str | None = Field(default=None, max_length=200)
    work_title: str | None = Field(default=None, max_length=300)
    opus_number: str | None = Field(default=None, max_length=100)
    movement_section: str | None = Field(default=None, max_length=200)
    tempo: int | None = None
    focus_areas: list[str] | None = _json()
    is_active: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = _created()
    updated_at: datetime = _created()


class SessionKind(StrEnum):
    BROWSER = "browser"
    API = "api"


class LoginToken(SQLModel, table=True):
    """A magic sign-in link: only the SHA-256 of its token is kept; single use, short-lived."""

    __tablename__ = "login_tokens"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        Index("idx_login_tokens_email", "email", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    token_hash: str = Field(max_length=64)
    email: str = Field(max_length=320)
    created_at: datetime = _created()
    expires_at: datetime
    consumed_at: datetime | None = None
    requested_ip: str | None = Field(default=None, max_length=64)


class AuthSession(SQLModel, table=True):
    """One sign-in: a browser session, or the family of an API client's refresh tokens."""

    __tablename__ = "auth_sessions"
    __table_args__ = (
        CheckConstraint(one_of("kind", SessionKind), name="kind"),
        Index("idx_auth_sessions_user", "user_id", "revoked_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=10)
    created_at: datetime = _created()
    last_seen_at: datetime = _created()
    expires_at: datetime
    revoked_at: datetime | None = None
    revoked_reason: str | None = Field(default=None, max_length=100)
    browser_id: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)
    ip: str | None = Field(default=None, max_length=64)


class RefreshToken(SQLModel, table=True):
    """One refresh token of an API session; used once, then replaced by the next."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        Index("idx_refresh_tokens_session", "session_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    session_id: uuid.UUID = Field(foreign_key="auth_sessions.id", ondelete="CASCADE")
    token_hash: str = Field(max_length=64)
    created_at: datetime = _created()
    expires_at: datetime
    used_at: datetime | None = None


class AuditEvent(SQLModel, table=True):
    """Who did what, when, from which request. References to a deleted user become NULL."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("idx_audit_time", "occurred_at"),
        Index("idx_audit_actor", "actor_id"),
        Index("idx_audit_subject", "subject_id"),
        Index("idx_audit_action", "action", "occurred_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    occurred_at: datetime = _created()
    action: str = Field(max_length=50)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    subject_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    request_id: str | None = Field(default=None, max_length=64)
    ip: str | None = Field(default=None, max_length=64)
    details: dict[str, Any] | None = _json()


class SyncStatus(StrEnum):
    APPLIED = "applied"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class SyncChange(SQLModel, table=True):
    """One change a device sent while it may have been offline, and the answer it got.

    Keyed by (user, change id): a change sent again gets the stored answer and changes nothing.
    """

    __tablename__ = "sync_changes"
    __table_args__ = (
        CheckConstraint(one_of("status", SyncStatus), name="status"),
        Index("idx_sync_changes_log", "user_id", "log_id"),
    )

    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    change_id: uuid.UUID = Field(primary_key=True)
    kind: str = Field(max_length=10)
    log_id: uuid.UUID
    status: str = Field(max_length=10)
    response: dict[str, Any] = Field(sa_type=JSONType)
    received_at: datetime = _created()


class ShareStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REVOKED = "revoked"


class Share(SQLModel, table=True):
    """A student's consent for one teacher to see their practice, from invitation to revocation.

    Pending: invited (by email, or by a signed link anyone holding it may accept), no teacher yet.
    Active: accepted; the teacher sees the student's dashboard and analytics. Revoked: over (an
    invitation withdrawn before anyone accepted it is revoked with no teacher).
    """

    __tablename__ = "shares"
    __table_args__ = (
        CheckConstraint(one_of("status", ShareStatus), name="status"),
        CheckConstraint("teacher_id IS NULL OR teacher_id <> student_id", name="not_self"),
        CheckConstraint("status <> 'active' OR teacher_id IS NOT NULL", name="teacher_when_active"),
        Index("idx_shares_student", "student_id", "status"),
        Index("idx_shares_teacher", "teacher_id", "status"),
        Index(
            "uq_shares_active_pair",
            "student_id",
            "teacher_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    student_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    teacher_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="CASCADE")
    invite_email: str | None = Field(default=None, max_length=320)
    status: str = Field(default=ShareStatus.PENDING.value, max_length=10)
    created_at: datetime = _created()
    expires_at: datetime
    accepted_at: datetime | None = None
    revoked_at: datetime | None = None


class LogComment(SQLModel, table=True):
    """A teacher's (or the student's own) remark on one practice log."""

    __tablename__ = "log_comments"
    __table_args__ = (Index("idx_log_comments_log", "log_id", "created_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    log_id: uuid.UUID = Field(foreign_key="practice_logs.id", ondelete="CASCADE")
    author_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    body: str = Field(max_length=2000)
    created_at: datetime = _created()


class Assignment(SQLModel, table=True):
    """What a teacher asks a student to practise by a date: a piece or an exercise, a tempo, focus areas."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("target_tempo BETWEEN 1 AND 400", name="target_tempo"),
        CheckConstraint(one_of("activity_type", ActivityType), name="activity_type"),
        Index("idx_assignments_student", "student_id", "is_active", "due_date"),
        Index("idx_assignments_teacher", "teacher_id", "is_active"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    student_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    teacher_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    sheet_music_id: uuid.UUID | None = Field(default=None, foreign_key="sheet_music.id", ondelete="SET NULL")
    title: str = Field(max_length=300)
    composer: str | None = Field(default=None, max_length=200)
    activity_type: str | None = Field(default=None, max_length=30)
    target_tempo: int | None = None
    focus_areas: list[str] | None = _json()
    due_date: date
    notes: str | None = Field(default=None, max_length=10_000)
    is_active: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = _created()


class TakeStatus(StrEnum):
    UPLOADING = "uploading"  # bytes still arriving: never listed, never played
    READY = "ready"  # every byte arrived and the file was checked to be audio


class Take(SQLModel, table=True):
    """A recording kept with a practice log. Its id is made by the device, so an upload repeated
    after a dropped connection or a reload lands on the same row (applied once per id)."""

    __tablename__ = "takes"
    __table_args__ = (
        CheckConstraint(one_of("status", TakeStatus), name="status"),
        CheckConstraint("size_bytes > 0", name="size_bytes"),
        CheckConstraint("received_bytes BETWEEN 0 AND size_bytes", name="received_bytes"),
        Index("idx_takes_user", "user_id", "status"),
        Index("idx_takes_log", "log_id", "created_at"),
    )

    id: uuid.UUID = Field(primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    log_id: uuid.UUID = Field(foreign_key="practice_logs.id", ondelete="CASCADE")
    name: str = Field(max_length=100)
    status: str = Field(default=TakeStatus.UPLOADING.value, max_length=10)
    size_bytes: int = Field(sa_type=BigInteger)
    received_bytes: int = Field(default=0, sa_type=BigInteger)
    container: str | None = Field(default=None, max_length=10)
    mime: str | None = Field(default=None, max_length=30)
    duration_ms: int | None = None
    peaks: list[int] | None = _json()
    created_at: datetime = _created()
    completed_at: datetime | None = None


class TakeChunk(SQLModel, table=True):
    """A take's bytes kept in the database (the PostgreSQL deployment), one row per uploaded chunk."""

    __tablename__ = "take_chunks"

    take_id: uuid.UUID = Field(foreign_key="takes.id", ondelete="CASCADE", primary_key=True)
    start_byte: int = Field(sa_type=BigInteger, primary_key=True)
    data: bytes = Field(sa_type=LargeBinary)


class TakeComment(SQLModel, table=True):
    """Feedback pinned to a moment of a take and, optionally, a bar or bars of the piece."""

    __tablename__ = "take_comments"
    __table_args__ = (
        CheckConstraint("at_ms >= 0", name="at_ms"),
        CheckConstraint("bar_from IS NULL OR bar_from >= 1", name="bar_from"),
        CheckConstraint("bar_to IS NULL OR (bar_from IS NOT NULL AND bar_to >= bar_from)", name="bar_to"),
        Index("idx_take_comments_take", "take_id", "at_ms"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    take_id: uuid.UUID = Field(foreign_key="takes.id", ondelete="CASCADE")
    author_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    at_ms: int
    bar_from: int | None = None
    bar_to: int | None = None
    body: str = Field(max_length=2000)
    created_at: datetime = _created()


class Plan(SQLModel, table=True):
    """A practice plan: ordered blocks repeating by an RFC 5545 rule, in the musician's local days.

    ``given_by`` is the teacher who gave it (shown under "From your teacher"), or NULL for the
    musician's own plan. The rule is stored as text (``FREQ=WEEKLY;BYDAY=MO,WE``) and expanded
    from ``starts_on`` over local dates, so a daylight-saving change can never move a plan's day.
    """

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_on"),
        Index("idx_plans_user", "user_id", "is_active"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    given_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    title: str = Field(max_length=100)
    rrule: str = Field(max_length=200)
    starts_on: date
    ends_on: date | None = None
    at_time: time | None = None  # an optional local time of day, for the calendar feed
    is_active: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = _created()
    updated_at: datetime = _created()


class PlanBlock(SQLModel, table=True):
    """One block of a plan: an activity, optionally a piece or an exercise, for some minutes."""

    __tablename__ = "plan_blocks"
    __table_args__ = (
        CheckConstraint(one_of("activity_type", ActivityType), name="activity_type"),
        CheckConstraint("minutes BETWEEN 1 AND 240", name="minutes"),
        CheckConstraint("target_tempo IS NULL OR target_tempo BETWEEN 1 AND 400", name="target_tempo"),
        UniqueConstraint("plan_id", "position"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    plan_id: uuid.UUID = Field(foreign_key="plans.id", ondelete="CASCADE")
    position: int
    activity_type: str = Field(max_length=30)
    minutes: int
    sheet_music_id: uuid.UUID | None = Field(default=None, foreign_key="sheet_music.id", ondelete="SET NULL")
    title: str | None = Field(default=None, max_length=300)
    composer: str | None = Field(default=None, max_length=200)
    target_tempo: int | None = None
    focus_areas: list[str] | None = _json()
    notes: str | None = Field(default=None, max_length=2000)


class GoalKind(StrEnum):
    WEEKLY_MINUTES = "weekly_minutes"  # minutes a week, all practice
    INSTRUMENT_MINUTES = "instrument_minutes"  # minutes a week on one instrument
    PIECE_TEMPO = "piece_tempo"  # reach a tempo on a piece by a date
    PIECE_MINUTES = "piece_minutes"  # minutes on a piece this month
    PROGRAMME_MINUTES = "programme_minutes"  # minutes over a group of pieces (a recital programme) by a date


class Goal(SQLModel, table=True):
    """A goal beyond the daily minutes. Its changes are kept in ``goal_revisions``."""

    __tablename__ = "goals"
    __table_args__ = (
        CheckConstraint(one_of("kind", GoalKind), name="kind"),
        CheckConstraint("target BETWEEN 1 AND 100000", name="target"),
        Index("idx_goals_user", "user_id", "is_active"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=30)
    title: str | None = Field(default=None, max_length=100)
    target: int  # minutes, or beats per minute for a tempo goal
    instrument: str | None = Field(default=None, max_length=20)
    sheet_music_id: uuid.UUID | None = Field(default=None, foreign_key="sheet_music.id", ondelete="SET NULL")
    piece_ids: list[str] | None = _json()  # a programme's pieces
    starts_on: date
    due_on: date | None = None
    is_active: bool = Field(default=True, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = _created()
    updated_at: datetime = _created()


class GoalRevision(SQLModel, table=True):
    """What a goal was before a change (its history)."""

    __tablename__ = "goal_revisions"
    __table_args__ = (Index("idx_goal_revisions_goal", "goal_id", "changed_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    goal_id: uuid.UUID = Field(foreign_key="goals.id", ondelete="CASCADE")
    changed_at: datetime = _created()
    before: dict[str, Any] = _json(nullable=False)


class GoalMet(SQLModel, table=True):
    """An achievement: a goal met for one period (a week, a month, or the goal's whole span)."""

    __tablename__ = "goals_met"

    goal_id: uuid.UUID = Field(foreign_key="goals.id", ondelete="CASCADE", primary_key=True)
    period_start: date = Field(primary_key=True)
    met_at: datetime = _created()


class ReviewOverride(SQLModel, table=True):
    """A musician's say over the review queue for one piece: snoozed until a day, or dropped."""

    __tablename__ = "review_overrides"

    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    sheet_music_id: uuid.UUID = Field(foreign_key="sheet_music.id", ondelete="CASCADE", primary_key=True)
    snoozed_until: date | None = None
    dropped: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    updated_at: datetime = _created()


class ReminderSetting(SQLModel, table=True):
    """When to remind a musician to practise: a local time on chosen weekdays, by email and/or push."""

    __tablename__ = "reminder_settings"
    __table_args__ = (
        CheckConstraint("weekdays BETWEEN 0 AND 127", name="weekdays"),
        Index("idx_reminder_settings_enabled", "enabled"),
    )

    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    enabled: bool = Field(default=False)
    at_time: time
    weekdays: int = 127  # bit 0 Monday ... bit 6 Sunday
    by_email: bool = True
    by_push: bool = False
    updated_at: datetime = _created()


class ReminderSent(SQLModel, table=True):
    """One row per musician and local day a reminder went out: the primary key is what keeps it to
    one a day when several app processes look at once (the second insert fails)."""

    __tablename__ = "reminders_sent"

    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    local_day: date = Field(primary_key=True)
    sent_at: datetime = _created()


class PushSubscription(SQLModel, table=True):
    """A browser's Web Push subscription (the endpoint is a capability URL: kept, never logged)."""

    __tablename__ = "push_subscriptions"
    __table_args__ = (
        UniqueConstraint("endpoint_hash"),
        Index("idx_push_subscriptions_user", "user_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    endpoint: str = Field(max_length=2048)
    endpoint_hash: str = Field(max_length=64)  # unique without indexing 2 KB of text
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)
    created_at: datetime = _created()


class CalendarFeed(SQLModel, table=True):
    """A private iCalendar feed of a musician's plans; its URL carries this id signed, and a
    revoked feed answers 404."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (Index("idx_calendar_feeds_user", "user_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    created_at: datetime = _created()
    revoked_at: datetime | None = None


class UserIdentity(SQLModel, table=True):
    """An account elsewhere (an OpenID provider, GitHub) that signs a user in: the provider's name in
    the settings and its stable subject id; the address it last vouched for, verified."""

    __tablename__ = "user_identities"
    __table_args__ = (
        UniqueConstraint("provider", "subject"),
        Index("idx_user_identities_user", "user_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    provider: str = Field(max_length=32)
    subject: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=320)
    linked_at: datetime = _created()
