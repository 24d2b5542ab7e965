"""The user's own profile and preferences."""

from __future__ import annotations

import pytest

from services import users
from services.errors import InvalidInput
from tests.factories import new_user


def test_a_profile_update_changes_only_the_fields_given(db):
    actor = new_user(db, display_name="Clara")
    with db.transaction() as session:
        updated = users.update_profile(session, actor=actor, data={"skillLevel": "advanced"})
    assert (updated.display_name, updated.skill_level) == ("Clara", "advanced")


def test_preferences_merge_and_a_time_zone_moves_the_profile(db):
    actor = new_user(db)
    with db.transaction() as session:
        users.update_preferences(session, actor=actor, data={"theme": "dark"})
        profile = users.update_preferences(
            session, actor=actor, data={"notationSize": 120, "timezone": "Europe/Vienna"}
        )
    assert profile.preferences["theme"] == "dark"
    assert profile.preferences["notationSize"] == 120
    assert profile.preferences["weekStartsOn"] == "monday"
    assert profile.timezone == "Europe/Vienna"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": None}, "timezone"),
        ({"primaryInstrument": "tuba"}, "primaryInstrument"),
        ({"displayName": "x" * 101}, "displayName"),
        ({"avatarUrl": "ftp://example.com/a.png"}, "avatarUrl"),
        ({"email": "new@example.com"}, "email"),
    ],
)
def test_bad_profile_input_names_the_field(db, data, field):
    actor = new_user(db)
    with pytest.raises(InvalidInput) as caught, db.transaction() as session:
        users.update_profile(session, actor=actor, data=data)
    assert caught.value.problems[0].field == field


def test_bad_preferences_name_the_field(db):
    actor = new_user(db)
    with pytest.raises(InvalidInput, match="theme"), db.transaction() as session:
        users.update_preferences(session, actor=actor, data={"theme": "neon"})


def test_an_account_is_found_by_email_whatever_its_case(db):
    with db.transaction() as session:
        first = users.find_or_create_account(session, {"email": "Clara.Schumann@Example.com"})
        again = users.find_or_create_account(session, {"email": "clara.schumann@example.com "})
    assert first.id == again.id
    assert first.email == "clara.schumann@example.com"
