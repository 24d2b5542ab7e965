"""The sheet-music catalogue: browsing, searching, random picks, admin-only writes, the seed."""

from __future__ import annotations

from collections import Counter

import pytest

from core.models import Role
from services import catalogue
from services.actor import Actor
from services.catalogue_seed import seed_catalogue, starter_pieces
from services.errors import Forbidden, InvalidInput, NotFound
from tests.factories import new_user


@pytest.fixture
def seeded(db):
    with db.transaction() as session:
        seed_catalogue(session)
    return db


def browse(db, **query):
    with db.transaction(write=False) as session:
        return catalogue.list_pieces(session, actor=None, query=query)


def test_the_starter_catalogue_has_over_150_real_piano_and_guitar_works():
    pieces = list(starter_pieces())
    instruments = Counter(p.instrument.value for p in pieces)
    assert len(pieces) >= 150
    assert instruments["piano"] >= 100
    assert instruments["guitar"] >= 30
    assert all(p.composer and p.difficulty_level and p.style_period for p in pieces)
    assert sum(1 for p in pieces if p.notation_data) >= 5
    assert len({p.id for p in pieces}) == len(pieces)


def test_seeding_twice_adds_nothing_the_second_time(seeded):
    with seeded.transaction() as session:
        report = seed_catalogue(session)
    assert (report.added, report.updated) == (0, 0)
    assert report.unchanged == len(list(starter_pieces()))


def test_piano_includes_pieces_for_both_instruments(seeded):
    piano = browse(seeded, instrument="piano", limit=200)
    assert {p.instrument for p in piano.items} == {"piano", "both"}
    assert piano.total == sum(1 for p in starter_pieces() if p.instrument in {"piano", "both"})


def test_filters_combine(seeded):
    found = browse(seeded, instrument="piano", composer="chopin", period="Romantic", difficultyMax=3)
    assert found.total > 0
    assert all("Chopin" in p.composer and p.difficulty_level <= 3 for p in found.items)


def test_words_of_a_search_may_match_different_fields(seeded):
    found = browse(seeded, q="beethoven elise")
    assert [p.catalog_number for p in found.items] == ["WoO 59"]


def test_tags_and_keys_filter(seeded):
    etudes = browse(seeded, tags=["etude"], instrument="guitar")
    assert etudes.total > 0
    assert all("etude" in p.tags for p in etudes.items)
    minor = browse(seeded, key="E minor")
    assert minor.total > 0
    assert all(p.key_signature == "E minor" for p in minor.items)


def test_pages_cover_everything_once(seeded):
    seen, offset = [], 0
    while offset is not None:
        page = browse(seeded, sort="difficulty", limit=37, offset=offset)
        seen += [p.id for p in page.items]
        offset = page.next_offset
    assert len(seen) == len(set(seen)) == page.total


def test_a_random_piece_meets_the_criteria(seeded):
    with seeded.transaction(write=False) as session:
        for _ in range(5):
            piece = catalogue.random_piece(session, query={"instrument": "guitar", "difficultyMax": 3})
            assert piece.instrument in {"guitar", "both"}
            assert piece.difficulty_level <= 3
        with pytest.raises(NotFound):
            catalogue.random_piece(session, query={"composer": "Nobody Atall"})


def test_bad_criteria_name_the_field(seeded):
    for query, field in [
        ({"difficultyMin": 11}, "difficultyMin"),
        ({"sort": "price"}, "sort"),
        ({"limit": 0}, "limit"),
        ({"period": "Jazz"}, "period"),
        ({"colour": "red"}, "colour"),
    ]:
        with pytest.raises(InvalidInput) as caught, seeded.transaction(write=False) as session:
            catalogue.list_pieces(session, actor=None, query=query)
        assert caught.value.problems[0].field == field


def test_only_admins_add_and_edit_pieces_and_hidden_pieces_vanish(db):
    musician = new_user(db)
    admin = new_user(db, role=Role.ADMIN.value)
    admin_actor = Actor(id=admin.id, role=Role.ADMIN)
    piece = {
        "title": "Etude No. 1",
        "composer": "Test",
        "instrument": "guitar",
        "difficultyLevel": 4,
        "notationData": {"format": "abc", "data": "X:1\nK:C\nCDEF|"},
    }
    with pytest.raises(Forbidden), db.transaction() as session:
        catalogue.create_piece(session, actor=musician, data=piece)
    with db.transaction() as session:
        created = catalogue.create_piece(session, actor=admin_actor, data=piece)
    with pytest.raises(Forbidden), db.transaction() as session:
        catalogue.update_piece(session, actor=musician, piece_id=created.id, data=piece)
    with db.transaction() as session:
        catalogue.update_piece(session, actor=admin_actor, piece_id=created.id, data={**piece, "isActive": False})
    with pytest.raises(NotFound), db.transaction(write=False) as session:
        catalogue.get_piece(session, actor=musician, piece_id=created.id)
    assert browse(db).total == 0
    with db.transaction(write=False) as session:
        assert catalogue.get_piece(session, actor=admin_actor, piece_id=created.id).notation_data["format"] == "abc"
        with pytest.raises(Forbidden):
            catalogue.list_pieces(session, actor=musician, query={"includeInactive": True})


def test_a_piece_needs_a_title_an_instrument_and_sane_numbers(db):
    admin = Actor(id=new_user(db, role="admin").id, role=Role.ADMIN)
    bad = {"title": "", "instrument": "lute", "difficultyLevel": 0, "timeSignature": "seven", "suggestedTempo": 999}
    with pytest.raises(InvalidInput) as caught, db.transaction() as session:
        catalogue.create_piece(session, actor=admin, data=bad)
    assert {p.field for p in caught.value.problems} == {
        "title",
        "instrument",
        "difficultyLevel",
        "timeSignature",
        "suggestedTempo",
    }


def test_an_admin_edits_some_fields_and_deactivates_a_piece(db):
    from core.models import Role
    from services import catalogue
    from services.errors import Forbidden
    from tests.factories import new_piece, new_user

    boss, musician = new_user(db, role=Role.ADMIN.value), new_user(db)
    piece = new_piece(db, title="Old title", suggested_tempo=80, tags=["etude"])
    with db.transaction() as session:
        edited = catalogue.edit_piece(
            session, actor=boss, piece_id=piece, changes={"title": "New title", "is_active": False}
        )
    assert (edited.title, edited.suggested_tempo, edited.tags, edited.is_active) == ("New title", 80, ["etude"], False)
    with db.transaction() as session, pytest.raises(Forbidden):
        catalogue.edit_piece(session, actor=musician, piece_id=piece, changes={"title": "Mine"})


def test_composers_file_by_surname_with_particles_and_accents_set_aside(seeded):
    composers = [piece.composer for piece in browse(seeded, sort="composer", limit=200).items]
    firsts = list(dict.fromkeys(composers))
    # Bach before Beethoven before Chopin, whatever their first names; "van Beethoven" under B.
    assert (
        firsts.index("Johann Sebastian Bach") < firsts.index("Ludwig van Beethoven") < firsts.index("Frédéric Chopin")
    )
    assert firsts.index("Carl Philipp Emanuel Bach") < firsts.index("Carl Czerny")
    assert firsts.index("Johann Sebastian Bach (attr.)") < firsts.index("Ludwig van Beethoven")
    assert firsts.index("Luis de Milán") < firsts.index("Wolfgang Amadeus Mozart") < firsts.index("Luys de Narváez")
    assert firsts[0] == "Isaac Albéniz"
    with seeded.transaction(write=False) as session:
        facets = catalogue.facets(session)
    assert facets.composers.index("Johann Sebastian Bach") < facets.composers.index("Ludwig van Beethoven")
    assert facets.composers.index("Ludwig van Beethoven") < facets.composers.index("Frédéric Chopin")
    assert facets.composers[0] == "Isaac Albéniz" and facets.composers[-1] == "Silvius Leopold Weiss"


def test_a_piece_written_any_way_files_its_composer_and_is_found_without_accents(db):
    admin = new_user(db, role=Role.ADMIN)
    with db.transaction() as session:
        falla = catalogue.create_piece(
            session,
            actor=admin,
            data={"title": "Danza ritual del fuego", "composer": "Manuel de Falla", "instrument": "piano"},
        )
        dvorak = catalogue.create_piece(
            session, actor=admin, data={"title": "Humoresque", "composer": "Antonin Dvorak", "instrument": "piano"}
        )
        catalogue.edit_piece(session, actor=admin, piece_id=dvorak.id, changes={"composer": "Antonín Dvořák"})
        catalogue.create_piece(session, actor=admin, data={"title": "Anon. Minuet", "instrument": "piano"})
    found = browse(db, sort="composer")
    assert [p.title for p in found.items] == ["Humoresque", "Danza ritual del fuego", "Anon. Minuet"]
    assert [p.id for p in browse(db, composer="dvorak").items] == [dvorak.id]
    assert [p.id for p in browse(db, q="falla danza").items] == [falla.id]
    with db.transaction(write=False) as session:
        assert catalogue.facets(session).composers == ["Antonín Dvořák", "Manuel de Falla"]
