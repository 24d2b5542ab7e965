"""Sharing with consent: a student's invitation of a teacher, its acceptance and revocation.

Revision ID: 0006_shares
Revises: 0005_sync_changes
Create Date: 2026-11-27 10:44:36.445116
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_shares"
down_revision: str | None = "0005_sync_changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shares",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("student_id", sa.Uuid(), nullable=False),
        sa.Column("teacher_id", sa.Uuid(), nullable=True),
        sa.Column("invite_email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("accepted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "status = 'pending' OR teacher_id IS NOT NULL", name=op.f("ck_shares_teacher_when_accepted")
        ),
        sa.CheckConstraint("status IN ('pending', 'active', 'revoked')", name=op.f("ck_shares_status")),
        sa.CheckConstraint("teacher_id IS NULL OR teacher_id <> student_id", name=op.f("ck_shares_not_self")),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_shares_student_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"], ["users.id"], name=op.f("fk_shares_teacher_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shares")),
    )
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.create_index("idx_shares_student", ["student_id", "status"], unique=False)
        batch_op.create_index("idx_shares_teacher", ["teacher_id", "status"], unique=False)
        batch_op.create_index(
            "uq_shares_active_pair",
            ["student_id", "teacher_id"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_shares_active_pair",
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
        batch_op.drop_index("idx_shares_teacher")
        batch_op.drop_index("idx_shares_student")

    op.drop_table("shares")
