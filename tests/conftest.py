"""Shared fixtures: a real, migrated database per backend, wiped after every test.

SQLite always runs; PostgreSQL runs too when MIRUBATO_TEST_DATABASE_URL is set. Tests that use
the ``db`` fixture run once per backend.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from core import schema
from core.db import Database

PG_URL_VARIABLE = "MIRUBATO_TEST_DATABASE_URL"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(PG_URL_VARIABLE) else [])


def postgres_url(database: str | None = None) -> str:
    """The test PostgreSQL URL (psycopg 3), optionally pointing at another database."""
    url = make_url(os.environ[PG_URL_VARIABLE]).set(drivername="postgresql+psycopg")
    if database:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


def fresh_postgres_database(name: str) -> str:
    """(Re)create an empty PostgreSQL database next to the test one and return its URL.

    Under pytest-xdist each worker gets its own (the name ends with the worker's id): dropping a
    database ends every connection to it, another worker's too.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        name = f"{name}_{worker}"
    admin = create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return postgres_url(name)


def database_url(backend: str, folder: Path, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder / f'{name}.db'}"
    return fresh_postgres_database(f"mirubato_{name}")


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def migrated_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    # Durability is not what these tests check (the crash tests run servers of their own with the
    # product's settings): without an fsync per commit the suite spends its time on the code.
    url = database_url(backend, tmp_path_factory.mktemp(backend), "test")
    if backend == "sqlite":
        database = Database(url, synchronous="OFF")
    else:
        database = Database(url + "?options=-c%20synchronous_commit%3Doff")
    schema.upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def db(migrated_database: Database) -> Iterator[Database]:
    """A migrated database of the current backend, empty at the start of the test."""
    yield migrated_database
    wipe(migrated_database)


def wipe(database: Database) -> None:
    tables = [table.name for table in reversed(SQLModel.metadata.sorted_tables)]
    with database.transaction() as session:
        if database.is_sqlite:
            for name in tables:
                session.exec(text(f"DELETE FROM {name}"))  # type: ignore[call-overload]
        else:
            session.exec(text(f"TRUNCATE {', '.join(tables)} CASCADE"))  # type: ignore[call-overload]
