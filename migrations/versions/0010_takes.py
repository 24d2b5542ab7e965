"""Takes: recordings kept with a practice log, their bytes (in the database on PostgreSQL), and
feedback pinned to a moment of a take and a bar of the piece.

Revision ID: 0010_takes
Revises: 0009_composer_sort
Create Date: 2026-12-06 12:15:25.188849
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_takes"
down_revision: str | None = "0009_composer_sort"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "takes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("log_id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("received_bytes", sa.BigInteger(), nullable=False),
        sa.Column("container", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("mime", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column(
            "peaks",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
            ),
            nullable=True,
        ),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("completed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('uploading', 'ready')", name=op.f("ck_takes_status")),
        sa.CheckConstraint("received_bytes BETWEEN 0 AND size_bytes", name=op.f("ck_takes_received_bytes")),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_takes_size_bytes")),
        sa.ForeignKeyConstraint(
            ["log_id"], ["practice_logs.id"], name=op.f("fk_takes_log_id_practice_logs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_takes_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_takes")),
    )
    with op.batch_alter_table("takes", schema=None) as batch_op:
        batch_op.create_index("idx_takes_log", ["log_id", "created_at"], unique=False)
        batch_op.create_index("idx_takes_user", ["user_id", "status"], unique=False)

    op.create_table(
        "take_chunks",
        sa.Column("take_id", sa.Uuid(), nullable=False),
        sa.Column("start_byte", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["take_id"], ["takes.id"], name=op.f("fk_take_chunks_take_id_takes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("take_id", "start_byte", name=op.f("pk_take_chunks")),
    )
    op.create_table(
        "take_comments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("take_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("at_ms", sa.Integer(), nullable=False),
        sa.Column("bar_from", sa.Integer(), nullable=True),
        sa.Column("bar_to", sa.Integer(), nullable=True),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("at_ms >= 0", name=op.f("ck_take_comments_at_ms")),
        sa.CheckConstraint("bar_from IS NULL OR bar_from >= 1", name=op.f("ck_take_comments_bar_from")),
        sa.CheckConstraint(
            "bar_to IS NULL OR (bar_from IS NOT NULL AND bar_to >= bar_from)", name=op.f("ck_take_comments_bar_to")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_take_comments_author_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["take_id"], ["takes.id"], name=op.f("fk_take_comments_take_id_takes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_take_comments")),
    )
    with op.batch_alter_table("take_comments", schema=None) as batch_op:
        batch_op.create_index("idx_take_comments_take", ["take_id", "at_ms"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("take_comments", schema=None) as batch_op:
        batch_op.drop_index("idx_take_comments_take")

    op.drop_table("take_comments")
    op.drop_table("take_chunks")
    with op.batch_alter_table("takes", schema=None) as batch_op:
        batch_op.drop_index("idx_takes_user")
        batch_op.drop_index("idx_takes_log")

    op.drop_table("takes")
