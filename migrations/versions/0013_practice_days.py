"""Practice days: each musician's logs rolled up per local day, instrument, activity and session, so
that analytics and progress read days instead of every log; and an index that answers "which
pieces, first practised when" from the index alone. Filled at the next start for users
who have logs (``app.main``), since a local day needs the user's time zone.

Revision ID: 0013_practice_days
Revises: 0012_user_identities
Create Date: 2026-12-07 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013_practice_days"
down_revision: str | None = "0012_user_identities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Written out (not imported from core.models): a migration keeps what it did when the models change.
PIECE_INDEX_COLUMNS = [
    "user_id", "is_active", "sheet_music_id", "composer", "work_title", "start_time",
    "tempo_practiced", "duration_seconds", "instrument", "activity_type",
]  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "practice_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("activity_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("logs", sa.Integer(), nullable=False),
        sa.Column("xp", sa.Integer(), nullable=False),
        sa.Column("rating_sum", sa.Integer(), nullable=False),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.Column("accuracy_sum", sa.Float(), nullable=False),
        sa.Column("accuracy_count", sa.Integer(), nullable=False),
        sa.Column("at_target_tempo", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_practice_days_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_days")),
    )
    with op.batch_alter_table("practice_days", schema=None) as batch_op:
        batch_op.create_index("idx_practice_days_user_day", ["user_id", "day"], unique=False)
    with op.batch_alter_table("practice_logs", schema=None) as batch_op:
        batch_op.create_index(
            "idx_logs_user_pieces",
            PIECE_INDEX_COLUMNS,
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("practice_logs", schema=None) as batch_op:
        batch_op.drop_index("idx_logs_user_pieces")
    with op.batch_alter_table("practice_days", schema=None) as batch_op:
        batch_op.drop_index("idx_practice_days_user_day")

    op.drop_table("practice_days")
