"""The engine, the transaction scope and the SQLite connection pragmas.

One :class:`Database` per process. Writes on SQLite open with ``BEGIN IMMEDIATE`` so a
transaction that reads and then writes never fails half-way with SQLITE_BUSY when another
writer got there first: it waits (``busy_timeout``) for the lock up front instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from core.effects import AfterCommit, run_before_commit, take_effects
from core.write_turns import WriteTurns

SQLITE_BEGIN_OPTION = "mirubato_sqlite_begin"


class Database:
    """The engines of one database and the one way to open a transaction on it."""

    def __init__(self, url: str, *, synchronous: str = "FULL", busy_timeout_ms: int = 5000) -> None:
        self.url = url
        self.engine = make_engine(url, synchronous=synchronous, busy_timeout_ms=busy_timeout_ms)
        self._writer = self.engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        self.write_turns = WriteTurns(enabled=self.is_sqlite)
        self.after_commit = AfterCommit()  # handlers are registered by the app at start-up

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """Open a session in one transaction: commit on success, roll back on any error.

        On success, the steps the services asked for run just before the commit (core.effects),
        and the effects they recorded are handed to ``after_commit`` once it has committed.
        """
        engine = self._writer if write else self.engine
        with Session(engine, expire_on_commit=False) as session:
            with session.begin():
                yield session
                run_before_commit(session)
            effects = take_effects(session)
        if effects:
            self.after_commit.run(effects)

    def ping(self) -> None:
        """Run a trivial query; raises when the database cannot be reached."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str, *, synchronous: str = "FULL", busy_timeout_ms: int = 5000) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False}, pool_size=10, max_overflow=20)
    _install_sqlite_pragmas(engine, synchronous=synchronous, busy_timeout_ms=busy_timeout_ms)
    return engine


def _install_sqlite_pragmas(engine: Engine, *, synchronous: str, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit at the driver level: SQLAlchemy's "begin" event below emits BEGIN itself,
        # so the pysqlite driver's own implicit (deferred) BEGIN never gets in the way.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")
