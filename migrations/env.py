"""Alembic environment: migrates the connection core.schema hands over, or the configured database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import core.models  # noqa: F401  (registers every table on SQLModel.metadata)

target_metadata = SQLModel.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        compare_server_default=False,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    # Invoked as the `alembic` command: use the database the settings point to.
    from core.db import Database
    from core.settings import load_settings

    settings = load_settings()
    db = Database(settings.resolved_database_url)
    try:
        with db.engine.connect() as fresh:
            run_on(fresh)
    finally:
        db.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run them against a database.")
run_online()
