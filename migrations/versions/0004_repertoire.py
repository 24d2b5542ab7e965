"""Repertoire: a status and a target tempo for a musician's pieces.

A planned piece has never been attempted: its attempt times become nullable, without a default.

user_sheet_music_progress also holds stars, bookmarks and practice statistics of pieces that are
not (or no longer) in the repertoire list; ``in_repertoire`` tells them apart.

Revision ID: 0004_repertoire
Revises: 0003_auth
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004_repertoire"
down_revision: str | None = "0003_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "user_sheet_music_progress"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.add_column(sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column("target_tempo", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("in_repertoire", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False)
        )
        for column in ("first_attempted_at", "last_attempted_at"):
            batch_op.alter_column(
                column, existing_type=sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True, server_default=None
            )
        batch_op.create_check_constraint(
            op.f("ck_user_sheet_music_progress_status"), "status IN ('planned', 'learning', 'polished', 'dropped')"
        )
        batch_op.create_check_constraint(
            op.f("ck_user_sheet_music_progress_target_tempo"), "target_tempo BETWEEN 1 AND 400"
        )


def downgrade() -> None:
    op.execute(
        f"UPDATE {TABLE} SET first_attempted_at = COALESCE(first_attempted_at, CURRENT_TIMESTAMP), "
        "last_attempted_at = COALESCE(last_attempted_at, CURRENT_TIMESTAMP)"
    )
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_sheet_music_progress_target_tempo"), type_="check")
        batch_op.drop_constraint(op.f("ck_user_sheet_music_progress_status"), type_="check")
        for column in ("first_attempted_at", "last_attempted_at"):
            batch_op.alter_column(
                column, existing_type=sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False, server_default=sa.func.now()
            )
        batch_op.drop_column("updated_at")
        batch_op.drop_column("in_repertoire")
        batch_op.drop_column("target_tempo")
        batch_op.drop_column("status")
