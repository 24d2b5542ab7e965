"""Offline sync: the changes devices sent and the answers they got (exactly-once by user and change id).

Revision ID: 0005_sync_changes
Revises: 0004_repertoire
Create Date: 2026-11-25 00:21:33.224712
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_sync_changes"
down_revision: str | None = "0004_repertoire"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_changes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("change_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("log_id", sa.Uuid(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column(
            "response",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
            ),
            nullable=False,
        ),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("status IN ('applied', 'conflict', 'rejected')", name=op.f("ck_sync_changes_status")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sync_changes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "change_id", name=op.f("pk_sync_changes")),
    )
    with op.batch_alter_table("sync_changes", schema=None) as batch_op:
        batch_op.create_index("idx_sync_changes_log", ["user_id", "log_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sync_changes", schema=None) as batch_op:
        batch_op.drop_index("idx_sync_changes_log")

    op.drop_table("sync_changes")
