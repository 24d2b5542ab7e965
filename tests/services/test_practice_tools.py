"""The practice room's settings: kept per user, validated, the last tempo per piece capped."""

from __future__ import annotations

import uuid

import pytest

from services import practice_tools, repertoire
from services.errors import InvalidInput, NotFound
from tests.factories import new_piece, new_user


def test_defaults_then_changes_kept_per_user(db):
    clara, robert = new_user(db), new_user(db)
    with db.transaction() as session:
        assert practice_tools.tool_settings(session, actor=clara).reference_a == 440
        changed = practice_tools.update_tool_settings(
            session, actor=clara, data={"referenceA": 442, "clickSound": "beep", "accent": False}
        )
        other = practice_tools.tool_settings(session, actor=robert)
    assert (changed.reference_a, changed.click_sound, changed.accent) == (442, "beep", False)
    assert changed.updated_at > 0
    assert (other.reference_a, other.click_sound, other.accent) == (440, "wood", True)


def test_a_piece_tempo_is_remembered_and_the_oldest_fall_off(db):
    actor = new_user(db)
    with db.transaction() as session:
        for number in range(practice_tools.MAX_PIECE_TEMPOS + 5):
            practice_tools.update_tool_settings(
                session, actor=actor, data={"pieceTempo": {"key": f"title:etude {number}", "bpm": 60 + number % 100}}
            )
        again = practice_tools.update_tool_settings(
            session, actor=actor, data={"pieceTempo": {"key": "title:etude 10", "bpm": 88}}
        )
    tempos = again.piece_tempos
    assert len(tempos) == practice_tools.MAX_PIECE_TEMPOS
    assert "title:etude 0" not in tempos  # the oldest went
    assert list(tempos)[-1] == "title:etude 10" and tempos["title:etude 10"] == 88
    assert again.reference_a == 440  # a piece tempo alone changes no setting
    assert again.updated_at == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"referenceA": 414}, "referenceA"),
        ({"referenceA": 467}, "referenceA"),
        ({"clickSound": "cowbell"}, "clickSound"),
        ({"accent": "sometimes"}, "accent"),
        ({"pieceTempo": {"key": "piece:1", "bpm": 90}}, "pieceTempo.key"),
        ({"pieceTempo": {"key": "title:x", "bpm": 301}}, "pieceTempo.bpm"),
        ({"pieceTempo": {"key": "title:a\x00b", "bpm": 90}}, "pieceTempo"),
        ({"volume": 3}, "volume"),
    ],
)
def test_bad_settings_name_the_field(db, data, field):
    actor = new_user(db)
    with pytest.raises(InvalidInput) as caught, db.transaction() as session:
        practice_tools.update_tool_settings(session, actor=actor, data=data)
    assert caught.value.problems[0].field.startswith(field)


def test_a_pieces_metronome_starts_at_its_last_tempo_else_its_best_else_the_suggestion(db):
    actor = new_user(db)
    piece = new_piece(db, suggested_tempo=88)
    with db.transaction() as session:
        first = practice_tools.piece_start(session, actor=actor, piece_id=piece)
        repertoire.add_to_repertoire(session, actor=actor, piece_id=piece, data={"targetTempo": 96})
        remembered = {"pieceTempo": {"key": f"sheet:{piece}", "bpm": 72}}
        practice_tools.update_tool_settings(session, actor=actor, data=remembered)
        later = practice_tools.piece_start(session, actor=actor, piece_id=piece)
    assert (first.tempo, first.target) == (88, 88)
    assert (later.tempo, later.target) == (72, 96)
    with pytest.raises(NotFound), db.transaction() as session:
        practice_tools.piece_start(session, actor=actor, piece_id=uuid.uuid4())
