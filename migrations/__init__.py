"""Alembic migration scripts (run through app.schema, or `alembic` with the alembic.ini at the root)."""
