"""Administration on a real database: users, catalogue import with a bad row, audit log, system figures."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.models import AuditEvent, Role, SheetMusic
from services import admin, catalogue_import, practice_logs
from services.errors import Conflict, Forbidden, InvalidInput
from tests.factories import log_body, new_user

CSV = """title,composer,instrument,difficulty,period,key,tags
Minuet in G,Christian Petzold,piano,2,Baroque,G major,dance;minuet
Bad row,Nobody,harp,11,Baroque,,
Lagrima,Francisco Tárrega,guitar,5,Romantic,E major,
"""
MUSICXML = """<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="4.0">
  <work><work-title>Etude in A minor</work-title></work>
  <identification><creator type="composer">Matteo Carcassi</creator></identification>
  <part-list><score-part id="P1"><part-name>Classical Guitar</part-name></score-part></part-list>
  <part id="P1"><measure number="1"><attributes><divisions>1</divisions>
    <key><fifths>0</fifths><mode>minor</mode></key><time><beats>6</beats><beat-type>8</beat-type></time>
  </attributes><note><pitch><step>A</step><octave>3</octave></pitch><duration>3</duration></note></measure></part>
</score-partwise>"""


def test_a_csv_import_lands_the_good_rows_and_reports_the_bad_one(db):
    boss = new_user(db, role=Role.ADMIN.value)
    with db.transaction() as session:
        preview = catalogue_import.import_catalogue(session, actor=boss, data={"format": "csv", "content": CSV})
    assert (preview.dry_run, preview.added, preview.errors) == (True, 2, 1)
    assert {(p.line, p.field) for p in preview.problems} == {(3, "instrument"), (3, "difficulty")}
    with db.transaction(write=False) as session:
        assert session.exec(select(SheetMusic)).all() == []  # a preview writes nothing
    with db.transaction() as session:
        done = catalogue_import.import_catalogue(
            session, actor=boss, data={"format": "csv", "content": CSV, "dryRun": False}
        )
        again = catalogue_import.import_catalogue(session, actor=boss, data={"format": "csv", "content": CSV})
    assert done.added == 2 and [r.status for r in done.rows] == ["new", "error", "new"]
    assert (again.added, again.existing) == (0, 2)  # importing the same file twice adds nothing
    with db.transaction(write=False) as session:
        titles = sorted(p.title for p in session.exec(select(SheetMusic)).all())
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "admin_catalogue_import")).all()
    assert titles == ["Lagrima", "Minuet in G"]
    assert len(events) == 1


def test_a_musicxml_file_becomes_a_piece_with_its_notation(db):
    boss = new_user(db, role=Role.ADMIN.value)
    with db.transaction() as session:
        report = catalogue_import.import_catalogue(
            session, actor=boss, data={"format": "musicxml", "content": MUSICXML, "dryRun": False}
        )
        piece = session.exec(select(SheetMusic)).one()
    assert report.added == 1
    assert (piece.title, piece.composer, piece.instrument, piece.key_signature, piece.time_signature) == (
        "Etude in A minor",
        "Matteo Carcassi",
        "guitar",
        "A minor",
        "6/8",
    )
    assert piece.notation_data["format"] == "musicxml"


def test_bad_files_and_non_admins_are_refused(db):
    boss, musician = new_user(db, role=Role.ADMIN.value), new_user(db)
    with db.transaction() as session:
        with pytest.raises(Forbidden):
            catalogue_import.import_catalogue(session, actor=musician, data={"format": "csv", "content": CSV})
        with pytest.raises(InvalidInput, match="columns"):
            catalogue_import.import_catalogue(session, actor=boss, data={"format": "csv", "content": "name,x\n1,2\n"})
        bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><score-partwise>&a;</score-partwise>'
        with pytest.raises(InvalidInput, match="readable MusicXML"):
            catalogue_import.import_catalogue(session, actor=boss, data={"format": "musicxml", "content": bomb})


def test_admins_manage_users_but_cannot_lock_themselves_out(db):
    boss, clara = new_user(db, role=Role.ADMIN.value), new_user(db, display_name="Clara Wieck")
    with db.transaction() as session:
        practice_logs.log_practice(session, actor=clara, data=log_body())
    with db.transaction(write=False) as session:
        found = admin.search_users(session, actor=boss, query={"q": "wieck"})
    assert [(u.display_name, u.logs) for u in found.items] == [("Clara Wieck", 1)]
    with db.transaction() as session:
        changed = admin.change_user(session, actor=boss, user_id=clara.id, data={"role": "teacher", "isActive": False})
    assert (changed.role, changed.is_active) == ("teacher", False)
    with db.transaction() as session, pytest.raises(Conflict):
        admin.change_user(session, actor=boss, user_id=boss.id, data={"isActive": False})
    with db.transaction(write=False) as session:
        actions = [e.action for e in admin.audit_log(session, actor=boss, query={"userId": str(clara.id)}).items]
        figures = admin.system_figures(session, actor=boss)
    assert {"admin_set_role", "admin_deactivate"} <= set(actions)
    assert (figures.users, figures.active_users, figures.logs) == (2, 1, 1)
    assert sum(d.count for d in figures.logs_per_day) == 1
    with db.transaction(write=False) as session, pytest.raises(Forbidden):
        admin.search_users(session, actor=clara, query={})
