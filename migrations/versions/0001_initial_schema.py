"""Initial schema: the seven tables of the system design.

Revision ID: 0001_initial
Revises: (none)
Create Date: 2026-11-24 23:28:24.589459
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sheet_music",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("composer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("opus", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("catalog_number", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("difficulty_level", sa.Integer(), nullable=True),
        sa.Column("grade_level", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("time_signature", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("key_signature", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("tempo_marking", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("suggested_tempo", sa.Integer(), nullable=True),
        sa.Column("style_period", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("tags", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True),
        sa.Column("source_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("source_attribution", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("license_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column(
            "notation_data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("audio_reference_url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default="1", nullable=False),
        sa.CheckConstraint("instrument IN ('piano', 'guitar', 'both')", name=op.f("ck_sheet_music_instrument")),
        sa.CheckConstraint(
            "source_type IN ('generated', 'public_domain', 'licensed', 'user_created')",
            name=op.f("ck_sheet_music_source_type"),
        ),
        sa.CheckConstraint("difficulty_level BETWEEN 1 AND 10", name=op.f("ck_sheet_music_difficulty_level")),
        sa.CheckConstraint("duration_seconds > 0", name=op.f("ck_sheet_music_duration_seconds")),
        sa.CheckConstraint("suggested_tempo BETWEEN 1 AND 400", name=op.f("ck_sheet_music_suggested_tempo")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sheet_music")),
    )
    with op.batch_alter_table("sheet_music", schema=None) as batch_op:
        batch_op.create_index("idx_sheet_music_composer", ["composer"], unique=False)
        batch_op.create_index("idx_sheet_music_difficulty", ["difficulty_level"], unique=False)
        batch_op.create_index("idx_sheet_music_grade", ["grade_level"], unique=False)
        batch_op.create_index("idx_sheet_music_instrument", ["instrument"], unique=False)
        batch_op.create_index("idx_sheet_music_style", ["style_period"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("avatar_url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
        sa.Column("primary_instrument", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("skill_level", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), server_default="musician", nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), server_default="UTC", nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("last_login_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column(
            "preferences", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("is_active", sa.Boolean(), server_default="1", nullable=False),
        sa.CheckConstraint("primary_instrument IN ('piano', 'guitar')", name=op.f("ck_users_primary_instrument")),
        sa.CheckConstraint("role IN ('musician', 'teacher', 'admin')", name=op.f("ck_users_role")),
        sa.CheckConstraint(
            "skill_level IN ('beginner', 'intermediate', 'advanced', 'professional')", name=op.f("ck_users_skill_level")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("idx_users_email", ["email"], unique=False)
        batch_op.create_index("idx_users_last_login", ["last_login_at"], unique=False)

    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("start_time", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("end_time", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("session_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("total_exercises", sa.Integer(), server_default="0", nullable=False),
        sa.Column("completed_exercises", sa.Integer(), server_default="0", nullable=False),
        sa.Column("accuracy_percentage", sa.Float(), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("instrument IN ('piano', 'guitar')", name=op.f("ck_practice_sessions_instrument")),
        sa.CheckConstraint(
            "session_type IN ('guided', 'free_practice', 'assessment')", name=op.f("ck_practice_sessions_session_type")
        ),
        sa.CheckConstraint(
            "accuracy_percentage BETWEEN 0 AND 100", name=op.f("ck_practice_sessions_accuracy_percentage")
        ),
        sa.CheckConstraint("duration_seconds >= 0", name=op.f("ck_practice_sessions_duration_seconds")),
        sa.CheckConstraint(
            "end_time IS NULL OR end_time >= start_time", name=op.f("ck_practice_sessions_end_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_practice_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_sessions")),
    )
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.create_index("idx_sessions_date", ["session_date"], unique=False)
        batch_op.create_index("idx_sessions_user_date", ["user_id", "session_date"], unique=False)

    op.create_table(
        "practice_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("template_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("activity_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("composer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("work_title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("opus_number", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("movement_section", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("tempo", sa.Integer(), nullable=True),
        sa.Column(
            "focus_areas", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("is_active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "activity_type IN ('sight_reading', 'scales', 'arpeggios', 'etudes', 'repertoire', 'memorization', 'slow_practice', 'mental_practice', 'ensemble_reading', 'transposition', 'score_reduction', 'technique', 'warm_up')",
            name=op.f("ck_practice_templates_activity_type"),
        ),
        sa.CheckConstraint("instrument IN ('piano', 'guitar')", name=op.f("ck_practice_templates_instrument")),
        sa.CheckConstraint("duration_seconds > 0", name=op.f("ck_practice_templates_duration_seconds")),
        sa.CheckConstraint("tempo BETWEEN 1 AND 400", name=op.f("ck_practice_templates_tempo")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_practice_templates_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_templates")),
    )
    with op.batch_alter_table("practice_templates", schema=None) as batch_op:
        batch_op.create_index("idx_templates_user", ["user_id", "is_active"], unique=False)

    op.create_table(
        "progress_tracking",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("skill_area", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("current_level", sa.Integer(), server_default="1", nullable=False),
        sa.Column("current_grade", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("experience_points", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_practice_time", sa.Integer(), server_default="0", nullable=False),
        sa.Column("consecutive_days", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_practice_date", sa.Date(), nullable=True),
        sa.Column("accuracy_trend", sa.Float(), nullable=True),
        sa.Column("speed_trend", sa.Float(), nullable=True),
        sa.Column(
            "achievements", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column(
            "milestones", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("current_level >= 1", name=op.f("ck_progress_tracking_current_level")),
        sa.CheckConstraint("experience_points >= 0", name=op.f("ck_progress_tracking_experience_points")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_progress_tracking_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_tracking")),
        sa.UniqueConstraint(
            "user_id", "instrument", "skill_area", name=op.f("uq_progress_tracking_user_id_instrument_skill_area")
        ),
    )
    with op.batch_alter_table("progress_tracking", schema=None) as batch_op:
        batch_op.create_index("idx_progress_instrument", ["user_id", "instrument"], unique=False)
        batch_op.create_index("idx_progress_user", ["user_id"], unique=False)

    op.create_table(
        "user_sheet_music_progress",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("sheet_music_id", sa.Uuid(), nullable=False),
        sa.Column(
            "first_attempted_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "last_attempted_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("times_practiced", sa.Integer(), server_default="1", nullable=False),
        sa.Column("best_accuracy", sa.Float(), nullable=True),
        sa.Column("average_accuracy", sa.Float(), nullable=True),
        sa.Column("best_tempo", sa.Integer(), nullable=True),
        sa.Column("is_completed", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("is_starred", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("is_bookmarked", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("difficulty_rating", sa.Integer(), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.CheckConstraint(
            "difficulty_rating BETWEEN 1 AND 5", name=op.f("ck_user_sheet_music_progress_difficulty_rating")
        ),
        sa.CheckConstraint("times_practiced >= 0", name=op.f("ck_user_sheet_music_progress_times_practiced")),
        sa.ForeignKeyConstraint(
            ["sheet_music_id"],
            ["sheet_music.id"],
            name=op.f("fk_user_sheet_music_progress_sheet_music_id_sheet_music"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sheet_music_progress_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sheet_music_progress")),
        sa.UniqueConstraint(
            "user_id", "sheet_music_id", name=op.f("uq_user_sheet_music_progress_user_id_sheet_music_id")
        ),
    )
    with op.batch_alter_table("user_sheet_music_progress", schema=None) as batch_op:
        batch_op.create_index("idx_user_music_progress", ["user_id", "sheet_music_id"], unique=False)
        batch_op.create_index("idx_user_music_starred", ["user_id", "is_starred"], unique=False)

    op.create_table(
        "practice_logs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("sheet_music_id", sa.Uuid(), nullable=True),
        sa.Column("activity_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("start_time", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("end_time", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("composer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("work_title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("opus_number", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("movement_section", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("tempo_practiced", sa.Integer(), nullable=True),
        sa.Column("target_tempo", sa.Integer(), nullable=True),
        sa.Column(
            "focus_areas", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("self_rating", sa.Integer(), nullable=True),
        sa.Column("accuracy_percentage", sa.Float(), nullable=True),
        sa.Column("notes_played", sa.Integer(), nullable=True),
        sa.Column("notes_correct", sa.Integer(), nullable=True),
        sa.Column("practice_notes", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.Column("audio_recording_url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "activity_type IN ('sight_reading', 'scales', 'arpeggios', 'etudes', 'repertoire', 'memorization', 'slow_practice', 'mental_practice', 'ensemble_reading', 'transposition', 'score_reduction', 'technique', 'warm_up')",
            name=op.f("ck_practice_logs_activity_type"),
        ),
        sa.CheckConstraint("instrument IN ('piano', 'guitar')", name=op.f("ck_practice_logs_instrument")),
        sa.CheckConstraint("accuracy_percentage BETWEEN 0 AND 100", name=op.f("ck_practice_logs_accuracy_percentage")),
        sa.CheckConstraint("duration_seconds >= 0", name=op.f("ck_practice_logs_duration_seconds")),
        sa.CheckConstraint("end_time IS NULL OR end_time >= start_time", name=op.f("ck_practice_logs_end_after_start")),
        sa.CheckConstraint("notes_correct <= notes_played", name=op.f("ck_practice_logs_notes_correct")),
        sa.CheckConstraint("self_rating BETWEEN 1 AND 10", name=op.f("ck_practice_logs_self_rating")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_practice_logs_version")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["practice_sessions.id"],
            name=op.f("fk_practice_logs_session_id_practice_sessions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sheet_music_id"],
            ["sheet_music.id"],
            name=op.f("fk_practice_logs_sheet_music_id_sheet_music"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_practice_logs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_logs")),
    )
    with op.batch_alter_table("practice_logs", schema=None) as batch_op:
        batch_op.create_index("idx_logs_activity", ["activity_type"], unique=False)
        batch_op.create_index("idx_logs_session", ["session_id"], unique=False)
        batch_op.create_index("idx_logs_sheet_music", ["sheet_music_id"], unique=False)
        batch_op.create_index("idx_logs_user_date", ["user_id", "start_time"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("practice_logs", schema=None) as batch_op:
        batch_op.drop_index("idx_logs_user_date")
        batch_op.drop_index("idx_logs_sheet_music")
        batch_op.drop_index("idx_logs_session")
        batch_op.drop_index("idx_logs_activity")

    op.drop_table("practice_logs")
    with op.batch_alter_table("user_sheet_music_progress", schema=None) as batch_op:
        batch_op.drop_index("idx_user_music_starred")
        batch_op.drop_index("idx_user_music_progress")

    op.drop_table("user_sheet_music_progress")
    with op.batch_alter_table("progress_tracking", schema=None) as batch_op:
        batch_op.drop_index("idx_progress_user")
        batch_op.drop_index("idx_progress_instrument")

    op.drop_table("progress_tracking")
    with op.batch_alter_table("practice_templates", schema=None) as batch_op:
        batch_op.drop_index("idx_templates_user")

    op.drop_table("practice_templates")
    with op.batch_alter_table("practice_sessions", schema=None) as batch_op:
        batch_op.drop_index("idx_sessions_user_date")
        batch_op.drop_index("idx_sessions_date")

    op.drop_table("practice_sessions")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("idx_users_last_login")
        batch_op.drop_index("idx_users_email")

    op.drop_table("users")
    with op.batch_alter_table("sheet_music", schema=None) as batch_op:
        batch_op.drop_index("idx_sheet_music_style")
        batch_op.drop_index("idx_sheet_music_instrument")
        batch_op.drop_index("idx_sheet_music_grade")
        batch_op.drop_index("idx_sheet_music_difficulty")
        batch_op.drop_index("idx_sheet_music_composer")

    op.drop_table("sheet_music")
