"""A new practice log in one statement: INSERT ... ON CONFLICT (id) DO NOTHING.

A save used to look its id up, open a savepoint, insert through the ORM's unit of work and
release the savepoint: four statements and most of a save's Python time. Creation is
idempotent by id, and the database already answers "was it new?" in one step on both SQLite
and PostgreSQL, including when two requests race with the same id (the loser inserts nothing).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from core.models import PracticeLog

_TABLE = PracticeLog.__table__  # type: ignore[attr-defined]  # SQLModel sets it at runtime
_COLUMNS = [column.key for column in _TABLE.columns]
# preserve_rowcount: SQLAlchemy reports an INSERT's row count only when asked (psycopg gives -1 otherwise).
_INSERTS: dict[str, Any] = {
    name: dialect.insert(_TABLE).on_conflict_do_nothing(index_elements=["id"]).execution_options(preserve_rowcount=True)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}


def insert_new(session: Session, row: PracticeLog) -> bool:
    """Store the row unless a log with its id exists; True when it was stored.

    The row stays outside the session (no identity-map entry): later reads in the same
    transaction load it from the database like any other log.
    """
    session.flush()  # earlier changes of this transaction go first, in order
    connection = session.connection()
    values = {name: getattr(row, name) for name in _COLUMNS}
    return connection.execute(_INSERTS[connection.dialect.name], values).rowcount == 1
