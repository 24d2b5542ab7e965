"""Teaching: a teacher's comments on a student's logs, and assignments with a due date.

Revision ID: 0007_teaching
Revises: 0006_shares
Create Date: 2026-11-27 10:53:04.803315
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007_teaching"
down_revision: str | None = "0006_shares"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("teacher_id", sa.Uuid(), nullable=False),
        sa.Column("sheet_music_id", sa.Uuid(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("composer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("activity_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("target_tempo", sa.Integer(), nullable=True),
        sa.Column(
            "focus_areas",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
            ),
            nullable=True,
        ),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=10000), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "activity_type IN ('sight_reading', 'scales', 'arpeggios', 'etudes', 'repertoire', 'memorization', 'slow_practice', 'mental_practice', 'ensemble_reading', 'transposition', 'score_reduction', 'technique', 'warm_up')",
            name=op.f("ck_assignments_activity_type"),
        ),
        sa.CheckConstraint("target_tempo BETWEEN 1 AND 400", name=op.f("ck_assignments_target_tempo")),
        sa.ForeignKeyConstraint(
            ["sheet_music_id"],
            ["sheet_music.id"],
            name=op.f("fk_assignments_sheet_music_id_sheet_music"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_assignments_student_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"], ["users.id"], name=op.f("fk_assignments_teacher_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("idx_assignments_student", ["student_id", "is_active", "due_date"], unique=False)
        batch_op.create_index("idx_assignments_teacher", ["teacher_id", "is_active"], unique=False)

    op.create_table(
        "log_comments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("log_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_log_comments_author_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["log_id"], ["practice_logs.id"], name=op.f("fk_log_comments_log_id_practice_logs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_comments")),
    )
    with op.batch_alter_table("log_comments", schema=None) as batch_op:
        batch_op.create_index("idx_log_comments_log", ["log_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("log_comments", schema=None) as batch_op:
        batch_op.drop_index("idx_log_comments_log")

    op.drop_table("log_comments")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("idx_assignments_teacher")
        batch_op.drop_index("idx_assignments_student")

    op.drop_table("assignments")
