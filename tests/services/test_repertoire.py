"""Repertoire: status and target tempo, flags, and statistics that follow the logs."""

from __future__ import annotations

import pytest

from services import practice_logs, repertoire
from services.errors import NotFound
from tests.factories import log_body, new_piece, new_user


def test_a_piece_joins_the_repertoire_with_a_status_and_target_tempo(db):
    actor = new_user(db)
    piece = new_piece(db, title="Für Elise", suggested_tempo=60)
    with db.transaction() as session:
        item = repertoire.add_to_repertoire(
            session, actor=actor, piece_id=piece, data={"status": "planned", "targetTempo": 66}
        )
    assert (item.status, item.target_tempo, item.times_practiced, item.last_attempted_at) == ("planned", 66, 0, None)
    with db.transaction() as session:
        repertoire.add_to_repertoire(session, actor=actor, piece_id=piece, data={"status": "polished"})
        listed = repertoire.list_repertoire(session, actor=actor)
    assert [(i.title, i.status, i.target_tempo) for i in listed] == [("Für Elise", "polished", 66)]


def test_statistics_follow_logs_saved_edited_and_removed(db):
    actor = new_user(db)
    piece = new_piece(db)
    with db.transaction() as session:
        first = practice_logs.log_practice(
            session, actor=actor, data=log_body(sheetMusicId=str(piece), tempoPracticed=60, accuracyPercentage=80)
        ).log
        practice_logs.log_practice(
            session, actor=actor, data=log_body(sheetMusicId=str(piece), tempoPracticed=72, accuracyPercentage=90)
        )
    with db.transaction(write=False) as session:
        stats = repertoire.piece_activity(session, actor=actor, piece_id=piece)
    assert (stats.times_practiced, stats.best_tempo, stats.best_accuracy, stats.average_accuracy) == (2, 72, 90, 85)
    assert stats.in_repertoire is False
    with db.transaction() as session:
        practice_logs.update_log(
            session,
            actor=actor,
            log_id=first.id,
            data=log_body(sheetMusicId=str(piece), tempoPracticed=80, accuracyPercentage=70),
        )
    with db.transaction(write=False) as session:
        assert repertoire.piece_activity(session, actor=actor, piece_id=piece).best_tempo == 80
    with db.transaction() as session:
        practice_logs.delete_log(session, actor=actor, log_id=first.id)
    with db.transaction(write=False) as session:
        after = repertoire.piece_activity(session, actor=actor, piece_id=piece)
        timeline = repertoire.piece_timeline(session, actor=actor, piece_id=piece)
    assert (after.times_practiced, after.best_tempo) == (1, 72)
    assert [point.tempo_practiced for point in timeline] == [72]


def test_stars_and_bookmarks_are_per_user(db):
    owner, other = new_user(db), new_user(db)
    piece = new_piece(db)
    with db.transaction() as session:
        flagged = repertoire.set_flags(session, actor=owner, piece_id=piece, data={"isStarred": True})
        assert flagged.is_starred and not flagged.is_bookmarked
        assert repertoire.piece_activity(session, actor=other, piece_id=piece).is_starred is False


def test_removing_a_piece_keeps_its_history_and_unknown_pieces_are_not_found(db):
    actor = new_user(db)
    piece = new_piece(db)
    with db.transaction() as session:
        repertoire.add_to_repertoire(session, actor=actor, piece_id=piece)
        repertoire.remove_from_repertoire(session, actor=actor, piece_id=piece)
        assert repertoire.list_repertoire(session, actor=actor) == []
        with pytest.raises(NotFound):
            repertoire.remove_from_repertoire(session, actor=actor, piece_id=piece)
    import uuid

    with pytest.raises(NotFound), db.transaction() as session:
        repertoire.add_to_repertoire(session, actor=actor, piece_id=uuid.uuid4())
