"""Practice templates: save, replace by name, list, delete."""

from __future__ import annotations

import pytest

from services import templates
from services.errors import InvalidInput, NotFound
from tests.factories import new_user

SCALES = {"templateName": "Morning scales", "activityType": "scales", "durationSeconds": 900, "tempo": 80}


def test_a_saved_template_is_listed_and_saving_the_same_name_replaces_it(db):
    actor = new_user(db)
    with db.transaction() as session:
        first, created = templates.save_template(session, actor=actor, data=SCALES)
        second, created_again = templates.save_template(
            session, actor=actor, data={**SCALES, "templateName": "morning SCALES", "tempo": 96}
        )
    assert created
    assert not created_again
    assert second.id == first.id
    with db.transaction(write=False) as session:
        listed = templates.list_templates(session, actor=actor)
    assert [(t.template_name, t.tempo) for t in listed] == [("morning SCALES", 96)]


def test_templates_are_private_and_deletable_only_by_their_owner(db):
    owner, other = new_user(db), new_user(db)
    with db.transaction() as session:
        template, _ = templates.save_template(session, actor=owner, data=SCALES)
    with pytest.raises(NotFound), db.transaction() as session:
        templates.delete_template(session, actor=other, template_id=template.id)
    with db.transaction(write=False) as session:
        assert templates.list_templates(session, actor=other) == []
    with db.transaction() as session:
        templates.delete_template(session, actor=owner, template_id=template.id)
    with db.transaction(write=False) as session:
        assert templates.list_templates(session, actor=owner) == []


def test_a_template_needs_a_name_and_a_known_activity(db):
    actor = new_user(db)
    with pytest.raises(InvalidInput) as caught, db.transaction() as session:
        templates.save_template(session, actor=actor, data={"templateName": " ", "activityType": "nap"})
    assert {p.field for p in caught.value.problems} == {"templateName", "activityType"}
