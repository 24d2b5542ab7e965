"""The two analytics views of the system design: daily_practice_summary and user_statistics.

Both count only active (not soft-deleted) logs. Days are UTC calendar days here; services
that need the user's own day boundaries group in the user's time zone instead.

Revision ID: 0002_analytics_views
Revises: 0001_initial
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_analytics_views"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc_day(column: str) -> str:
    # PostgreSQL's DATE(timestamptz) uses the session's time zone; pin it to UTC.
    if op.get_bind().dialect.name == "postgresql":
        return f"DATE({column} AT TIME ZONE 'UTC')"
    return f"DATE({column})"


def upgrade() -> None:
    day = _utc_day("start_time")
    op.execute(
        f"""
        CREATE VIEW daily_practice_summary AS
        SELECT
          user_id,
          {day} AS practice_date,
          COUNT(DISTINCT session_id) AS sessions,
          SUM(duration_seconds) AS total_seconds,
          COUNT(*) AS activities,
          AVG(self_rating) AS avg_rating,
          AVG(accuracy_percentage) AS avg_accuracy
        FROM practice_logs
        WHERE is_active
        GROUP BY user_id, {day}
        """
    )
    op.execute(
        f"""
        CREATE VIEW user_statistics AS
        SELECT
          u.id AS user_id,
          u.primary_instrument,
          COUNT(DISTINCT {_utc_day("pl.start_time")}) AS total_practice_days,
          SUM(pl.duration_seconds) AS total_practice_seconds,
          COUNT(DISTINCT pl.sheet_music_id) AS unique_pieces,
          AVG(pl.self_rating) AS avg_self_rating,
          AVG(pl.accuracy_percentage) AS avg_accuracy
        FROM users u
        LEFT JOIN practice_logs pl ON u.id = pl.user_id AND pl.is_active
        GROUP BY u.id, u.primary_instrument
        """
    )


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS user_statistics")
    op.execute("DROP VIEW IF EXISTS daily_practice_summary")
