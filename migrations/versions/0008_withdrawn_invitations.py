"""Shares: a pending invitation may be withdrawn (revoked without ever having had a teacher).

The old rule ("anything but pending has a teacher") refused to revoke an unaccepted
invitation, so its link stayed valid. Only an active share needs a teacher.

Revision ID: 0008_withdrawn_invitations
Revises: 0007_teaching
Create Date: 2026-12-06 00:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_withdrawn_invitations"
down_revision: str | None = "0007_teaching"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("shares") as batch:
        batch.drop_constraint(op.f("ck_shares_teacher_when_accepted"), type_="check")
        batch.create_check_constraint(
            op.f("ck_shares_teacher_when_active"), "status <> 'active' OR teacher_id IS NOT NULL"
        )


def downgrade() -> None:
    # The old rule cannot hold a withdrawn invitation; such rows carry nothing but the withdrawal.
    op.execute("DELETE FROM shares WHERE status = 'revoked' AND teacher_id IS NULL")
    with op.batch_alter_table("shares") as batch:
        batch.drop_constraint(op.f("ck_shares_teacher_when_active"), type_="check")
        batch.create_check_constraint(
            op.f("ck_shares_teacher_when_accepted"), "status = 'pending' OR teacher_id IS NOT NULL"
        )
