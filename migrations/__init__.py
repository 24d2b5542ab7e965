"""Alembic migration scripts (run through core.schema, or `alembic` with the alembic.ini at the root)."""
