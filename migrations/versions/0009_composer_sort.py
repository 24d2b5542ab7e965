"""The catalogue files composers by surname: sheet_music.composer_sort, filled for every piece.

"Ludwig van Beethoven" sorts as "beethoven ludwig van", "Antonín Dvořák" as "dvorak antonin"
(core.composer_names). Rows are filled here from their names; new and edited rows by the model.

Revision ID: 0009_composer_sort
Revises: 0008_withdrawn_invitations
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.composer_names import composer_sort_key

revision: str = "0009_composer_sort"
down_revision: str | None = "0008_withdrawn_invitations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500


def upgrade() -> None:
    with op.batch_alter_table("sheet_music") as batch:
        batch.add_column(sa.Column("composer_sort", sa.String(length=200), nullable=True))
    connection = op.get_bind()
    names = connection.execute(sa.text("SELECT DISTINCT composer FROM sheet_music WHERE composer IS NOT NULL"))
    keyed = [{"composer": name, "sort": composer_sort_key(name)} for (name,) in names]
    for start in range(0, len(keyed), BATCH):
        connection.execute(
            sa.text("UPDATE sheet_music SET composer_sort = :sort WHERE composer = :composer"),
            keyed[start : start + BATCH],
        )
    op.create_index("idx_sheet_music_composer_sort", "sheet_music", ["composer_sort", "title"])


def downgrade() -> None:
    op.drop_index("idx_sheet_music_composer_sort", table_name="sheet_music")
    with op.batch_alter_table("sheet_music") as batch:
        batch.drop_column("composer_sort")
