"""Plans (blocks repeating by an RRULE), goals with their history and the goals met, the review
queue's overrides, reminders (settings, one sent row per local day, push subscriptions) and
private calendar feeds.

Revision ID: 0011_plans
Revises: 0010_takes
Create Date: 2026-12-06 18:10:08.186740
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011_plans"
down_revision: str | None = "0010_takes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_calendar_feeds_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
    )
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.create_index("idx_calendar_feeds_user", ["user_id"], unique=False)

    op.create_table(
        "goals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("instrument", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("sheet_music_id", sa.Uuid(), nullable=True),
        sa.Column(
            "piece_ids",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
            ),
            nullable=True,
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('weekly_minutes', 'instrument_minutes', 'piece_tempo', 'piece_minutes', 'programme_minutes')",
            name=op.f("ck_goals_kind"),
        ),
        sa.CheckConstraint("target BETWEEN 1 AND 100000", name=op.f("ck_goals_target")),
        sa.ForeignKeyConstraint(
            ["sheet_music_id"],
            ["sheet_music.id"],
            name=op.f("fk_goals_sheet_music_id_sheet_music"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_goals_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index("idx_goals_user", ["user_id", "is_active"], unique=False)

    op.create_table(
        "plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("given_by", sa.Uuid(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("rrule", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("at_time", sa.Time(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_plans_ends_on")),
        sa.ForeignKeyConstraint(["given_by"], ["users.id"], name=op.f("fk_plans_given_by_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_plans_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index("idx_plans_user", ["user_id", "is_active"], unique=False)

    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("endpoint", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
        sa.Column("endpoint_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("p256dh", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("auth", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_push_subscriptions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscriptions")),
        sa.UniqueConstraint("endpoint_hash", name=op.f("uq_push_subscriptions_endpoint_hash")),
    )
    with op.batch_alter_table("push_subscriptions", schema=None) as batch_op:
        batch_op.create_index("idx_push_subscriptions_user", ["user_id"], unique=False)

    op.create_table(
        "reminder_settings",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("at_time", sa.Time(), nullable=False),
        sa.Column("weekdays", sa.Integer(), nullable=False),
        sa.Column("by_email", sa.Boolean(), nullable=False),
        sa.Column("by_push", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("weekdays BETWEEN 0 AND 127", name=op.f("ck_reminder_settings_weekdays")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reminder_settings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_reminder_settings")),
    )
    with op.batch_alter_table("reminder_settings", schema=None) as batch_op:
        batch_op.create_index("idx_reminder_settings_enabled", ["enabled"], unique=False)

    op.create_table(
        "reminders_sent",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reminders_sent_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "local_day", name=op.f("pk_reminders_sent")),
    )
    op.create_table(
        "review_overrides",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("sheet_music_id", sa.Uuid(), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("dropped", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sheet_music_id"],
            ["sheet_music.id"],
            name=op.f("fk_review_overrides_sheet_music_id_sheet_music"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_review_overrides_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "sheet_music_id", name=op.f("pk_review_overrides")),
    )
    op.create_table(
        "goal_revisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("goal_id", sa.Uuid(), nullable=False),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column(
            "before",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goals.id"], name=op.f("fk_goal_revisions_goal_id_goals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_revisions")),
    )
    with op.batch_alter_table("goal_revisions", schema=None) as batch_op:
        batch_op.create_index("idx_goal_revisions_goal", ["goal_id", "changed_at"], unique=False)

    op.create_table(
        "goals_met",
        sa.Column("goal_id", sa.Uuid(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("met_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["goal_id"], ["goals.id"], name=op.f("fk_goals_met_goal_id_goals"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("goal_id", "period_start", name=op.f("pk_goals_met")),
    )
    op.create_table(
        "plan_blocks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("activity_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("sheet_music_id", sa.Uuid(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("composer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("target_tempo", sa.Integer(), nullable=True),
        sa.Column(
            "focus_areas",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
            ),
            nullable=True,
        ),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.CheckConstraint(
            "activity_type IN ('sight_reading', 'scales', 'arpeggios', 'etudes', 'repertoire', 'memorization', 'slow_practice', 'mental_practice', 'ensemble_reading', 'transposition', 'score_reduction', 'technique', 'warm_up')",
            name=op.f("ck_plan_blocks_activity_type"),
        ),
        sa.CheckConstraint("minutes BETWEEN 1 AND 240", name=op.f("ck_plan_blocks_minutes")),
        sa.CheckConstraint(
            "target_tempo IS NULL OR target_tempo BETWEEN 1 AND 400", name=op.f("ck_plan_blocks_target_tempo")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_blocks_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sheet_music_id"],
            ["sheet_music.id"],
            name=op.f("fk_plan_blocks_sheet_music_id_sheet_music"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_blocks")),
        sa.UniqueConstraint("plan_id", "position", name=op.f("uq_plan_blocks_plan_id_position")),
    )


def downgrade() -> None:
    op.drop_table("plan_blocks")
    op.drop_table("goals_met")
    with op.batch_alter_table("goal_revisions", schema=None) as batch_op:
        batch_op.drop_index("idx_goal_revisions_goal")

    op.drop_table("goal_revisions")
    op.drop_table("review_overrides")
    op.drop_table("reminders_sent")
    with op.batch_alter_table("reminder_settings", schema=None) as batch_op:
        batch_op.drop_index("idx_reminder_settings_enabled")

    op.drop_table("reminder_settings")
    with op.batch_alter_table("push_subscriptions", schema=None) as batch_op:
        batch_op.drop_index("idx_push_subscriptions_user")

    op.drop_table("push_subscriptions")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index("idx_plans_user")

    op.drop_table("plans")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index("idx_goals_user")

    op.drop_table("goals")
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.drop_index("idx_calendar_feeds_user")

    op.drop_table("calendar_feeds")
