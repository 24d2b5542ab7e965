"""Running the Alembic migrations from code: at start-up, from the command line and in tests.

The migration scripts live in the top-level ``migrations`` package, so an installed wheel
can migrate its database without an ``alembic.ini`` beside it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

import migrations
from core.db import Database

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(migrations.__file__).parent
# Any constant works; it only has to be the same in every process of one deployment.
PG_MIGRATION_LOCK = 727_274_001


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (default: the newest)."""
    with _migration_connection(db) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(db: Database, revision: str) -> None:
    """Take the schema back to ``revision`` ("base" removes every table)."""
    with _migration_connection(db) as connection:
        command.downgrade(alembic_config(connection), revision)


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_up_to_date(db: Database) -> bool:
    return current_revision(db) == head_revision()


@contextmanager
def _migration_connection(db: Database) -> Iterator[Connection]:
    with db.engine.connect() as connection:
        if db.is_sqlite:
            # SQLite rebuilds tables to alter them; with foreign keys on, dropping the old copy
            # of a parent table would cascade into its children. The pragma only takes effect
            # outside a transaction, so it goes straight to the driver connection.
            _driver(connection).execute("PRAGMA foreign_keys = OFF")
        else:
            # Several app processes may start at once; only one may migrate at a time.
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_MIGRATION_LOCK})
            connection.commit()
        try:
            yield connection
            _verify_foreign_keys(connection, db)
        finally:
            if db.is_sqlite:
                _driver(connection).execute("PRAGMA foreign_keys = ON")
            else:
                connection.rollback()
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_MIGRATION_LOCK})
                connection.commit()


def _verify_foreign_keys(connection: Connection, db: Database) -> None:
    if not db.is_sqlite:
        return
    broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
    connection.rollback()
    if broken:
        raise RuntimeError(f"migration left {len(broken)} rows with broken foreign keys: {broken[:5]}")


def _driver(connection: Connection) -> Any:
    """The DB-API connection under SQLAlchemy's (open, as the connection it belongs to is)."""
    driver = connection.connection.driver_connection
    assert driver is not None, "an open connection has its driver connection"
    return driver
