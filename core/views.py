"""The analytics views (created by migration 0002) as query-able tables.

They live on their own MetaData so that Alembic's autogenerate never mistakes them for tables.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Float, Integer, MetaData, String, Table, Uuid

views = MetaData()

daily_practice_summary = Table(
    "daily_practice_summary",
    views,
    Column("user_id", Uuid),
    Column("practice_date", Date),
    Column("sessions", Integer),
    Column("total_seconds", Integer),
    Column("activities", Integer),
    Column("avg_rating", Float),
    Column("avg_accuracy", Float),
)

user_statistics = Table(
    "user_statistics",
    views,
    Column("user_id", Uuid),
    Column("primary_instrument", String),
    Column("total_practice_days", Integer),
    Column("total_practice_seconds", Integer),
    Column("unique_pieces", Integer),
    Column("avg_self_rating", Float),
    Column("avg_accuracy", Float),
)
