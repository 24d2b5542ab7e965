"""GDPR: the export holds every row about the user; deletion leaves no row that points at them."""

from __future__ import annotations

import csv
import io
import uuid

from sqlalchemy import String, Text, Uuid, select
from sqlmodel import SQLModel

from core.models import SessionKind
from services import account, auth, practice_logs, practice_sessions, templates
from services.actor import Actor
from services.rate_limits import RateLimiter
from tests.factories import log_body, new_piece

CONFIG = auth.AuthConfig(base_url="http://mirubato.test")


def busy_user(db, email: str) -> Actor:
    """A user with a row in every kind of table: sessions, logs, templates, sign-ins, tokens, audit."""
    with db.transaction() as session:
        link = auth.request_sign_in(
            session, data={"email": email}, ip="198.51.100.1", limiter=RateLimiter(), config=CONFIG
        )
    token = link.link.split("token=")[1]
    with db.transaction() as session:
        signed_in = auth.redeem_sign_in(
            session,
            data={"token": token},
            kind=SessionKind.API,
            ip="198.51.100.1",
            limiter=RateLimiter(),
            config=CONFIG,
            browser_id=f"browser-{email}",
        )
        from core.security import AccessTokens

        signer = AccessTokens("s" * 40, issuer=CONFIG.base_url, lifetime=auth.timedelta(minutes=15))
        auth.issue_tokens(session, signed_in=signed_in, tokens=signer, config=CONFIG)
    actor = Actor(id=signed_in.user_id)
    piece = new_piece(db)
    with db.transaction() as session:
        sitting = practice_sessions.start_session(session, actor=actor, data={})
        practice_logs.log_practice(
            session, actor=actor, data=log_body(sessionId=str(sitting.id), sheetMusicId=str(piece))
        )
        practice_logs.log_practice(session, actor=actor, data=log_body(practiceNotes=f"notes of {email}"))
        templates.save_template(session, actor=actor, data={"templateName": "Scales", "activityType": "scales"})
        from core.models import ProgressTracking

        session.add(ProgressTracking(user_id=actor.id, instrument="piano", skill_area="technique"))
    return actor


def rows_mentioning(db, user_id: uuid.UUID, email: str) -> list[tuple[str, str]]:
    """Every (table, column) in the whole schema where a value is the user's id or contains their email."""
    found = []
    with db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, Uuid):
                    hit = connection.execute(select(column).where(column == user_id).limit(1)).first()
                elif isinstance(column.type, String | Text):
                    hit = connection.execute(select(column).where(column.contains(email)).limit(1)).first()
                else:
                    continue
                if hit is not None:
                    found.append((table.name, column.name))
    return found


def test_the_export_holds_every_row_of_the_user_in_every_table(db):
    actor = busy_user(db, "export@example.com")
    busy_user(db, "someone-else@example.com")
    with db.transaction() as session:
        document = account.export_account(session, actor=actor)
    keys = {table.name: [c.name for c in table.primary_key.columns] for table in SQLModel.metadata.sorted_tables}
    exported = {
        name: {tuple(str(row[k]) for k in keys[name]) for row in rows} for name, rows in document["tables"].items()
    }
    with db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            condition = account.ownership(table, _user_row(db, actor))
            if condition is None:
                continue
            found = connection.execute(select(*table.primary_key.columns).where(condition))
            expected = {tuple(str(value) for value in row) for row in found}
            assert expected == exported.get(table.name, set()), table.name
    counts = {name: len(ids) for name, ids in exported.items() if ids}
    print(f"export: {sum(counts.values())} rows from {len(counts)} tables {counts}")
    assert {
        "users",
        "practice_logs",
        "practice_sessions",
        "practice_templates",
        "auth_sessions",
        "refresh_tokens",
        "login_tokens",
        "audit_events",
        "progress_tracking",
        "user_sheet_music_progress",
    } <= counts.keys()
    assert all(row["token_hash"] == "(hidden)" for row in document["tables"]["refresh_tokens"])
    assert all(row["user_id"] == str(actor.id) for row in document["tables"]["practice_logs"])


def test_the_csv_export_has_one_line_per_log(db):
    actor = busy_user(db, "csv@example.com")
    with db.transaction(write=False) as session:
        text = account.export_logs_csv(session, actor=actor)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2 and rows[0]["focus_areas"] == "rhythm;articulation"


def test_after_deletion_no_row_anywhere_references_the_user_and_others_are_untouched(db):
    actor = busy_user(db, "leaving@example.com")
    other = busy_user(db, "staying@example.com")
    before_other = rows_mentioning(db, other.id, "staying@example.com")
    assert rows_mentioning(db, actor.id, "leaving@example.com")
    with db.transaction() as session:
        deleted = account.delete_account(session, actor=actor)
    assert deleted.browser_ids == ["browser-leaving@example.com"]
    leftovers = rows_mentioning(db, actor.id, "leaving@example.com")
    print(f"after deletion: {len(leftovers)} columns still reference the user")
    assert leftovers == []
    assert rows_mentioning(db, other.id, "staying@example.com") == before_other


def _user_row(db, actor):
    from core.models import User

    with db.transaction(write=False) as session:
        return session.get(User, actor.id)
