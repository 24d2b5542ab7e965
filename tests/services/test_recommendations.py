"""Recommendations: the catalogue read against what the musician practises."""

from __future__ import annotations

import pytest

from services import practice_logs, recommendations, repertoire
from tests.factories import log_body, new_piece, new_user


def practise(db, actor, piece_id, seconds=3600):
    with db.transaction() as session:
        practice_logs.log_practice(
            session, actor=actor, data=log_body(sheetMusicId=str(piece_id), durationSeconds=seconds)
        )


def test_a_new_musician_gets_pieces_at_their_stated_level(db):
    easy = new_piece(db, title="Easy", difficulty_level=2)
    new_piece(db, title="Hard", difficulty_level=9)
    new_piece(db, title="Guitar", instrument="guitar", difficulty_level=2)
    actor = new_user(db, skill_level="beginner")
    with db.transaction(write=False) as session:
        found = recommendations.recommended(session, actor=actor)
    assert [r.piece.id for r in found] == [easy]
    assert found[0].reason == "Within reach at your level (2 of 10)"


def test_next_steps_follow_the_composers_practised_and_skip_finished_pieces(db):
    actor = new_user(db)
    bach_one = new_piece(db, title="Invention 1", composer="J. S. Bach", difficulty_level=4, style_period="Baroque")
    bach_two = new_piece(db, title="Invention 2", composer="J. S. Bach", difficulty_level=5, style_period="Baroque")
    debussy = new_piece(db, title="Rêverie", composer="C. Debussy", difficulty_level=5, style_period="Impressionist")
    learning = new_piece(db, title="Sonatina", composer="M. Clementi", difficulty_level=5, style_period="Classical")
    practise(db, actor, bach_one)
    with db.transaction() as session:
        repertoire.add_to_repertoire(session, actor=actor, piece_id=learning, data={"status": "learning"})
        repertoire.add_to_repertoire(session, actor=actor, piece_id=bach_one, data={"status": "polished"})
    with db.transaction(write=False) as session:
        found = {r.piece.id: r.reason for r in recommendations.recommended(session, actor=actor)}
    assert found == {
        bach_two: "A next step after Invention 1",
        debussy: "An Impressionist piece to balance your Baroque",
    }


def test_the_level_follows_the_time_spent_and_at_most_two_per_composer(db):
    actor = new_user(db)
    hard = new_piece(db, title="Hard study", composer="C. Czerny", difficulty_level=8)
    practise(db, actor, hard, seconds=7200)
    practise(db, actor, new_piece(db, title="Easy study", composer="C. Czerny", difficulty_level=2), seconds=600)
    for n in range(4):
        new_piece(db, title=f"Etude {n}", composer="F. Burgmüller", difficulty_level=8)
    with db.transaction(write=False) as session:
        found = recommendations.recommended(session, actor=actor, query={"limit": 10})
    assert [r.piece.composer for r in found].count("F. Burgmüller") == 2
    assert all(7 <= r.piece.difficulty_level <= 10 for r in found)


@pytest.mark.parametrize(
    ("word", "phrase"),
    [
        ("Impressionist", "an Impressionist"),
        ("Early", "an Early"),
        ("Romantic", "a Romantic"),
        ("Baroque", "a Baroque"),
        ("Contemporary", "a Contemporary"),
        ("unique", "a unique"),
        ("European", "a European"),
        ("hour", "an hour"),
    ],
)
def test_the_article_follows_the_sound_of_the_word(word, phrase):
    assert recommendations.with_article(word) == phrase
