"""The API answers errors in the language of Accept-Language (English without one); field names stay."""

from __future__ import annotations

import pytest

from core import i18n
from tests.factories import log_body, new_user


@pytest.mark.parametrize("language", [language for language in i18n.LANGUAGES if language != "en"])
def test_a_refused_log_is_explained_in_the_callers_language(client, act_as, db, language: str):
    act_as(new_user(db))
    english = client.post("/api/practice/logs", json=log_body(selfRating=11)).json()
    translated = client.post(
        "/api/practice/logs", json=log_body(selfRating=11), headers={"Accept-Language": f"{language},en;q=0.5"}
    ).json()
    assert [e["field"] for e in translated["errors"]] == [e["field"] for e in english["errors"]] == ["selfRating"]
    assert translated["errors"][0]["message"] != english["errors"][0]["message"]
    assert "10" in translated["errors"][0]["message"]  # the limit survives translation


def test_an_unknown_language_gets_english(client, act_as, db):
    act_as(new_user(db))
    plain = client.post("/api/practice/logs", json=log_body(selfRating=11)).json()
    other = client.post("/api/practice/logs", json=log_body(selfRating=11), headers={"Accept-Language": "it"}).json()
    assert plain == other


def test_a_not_found_is_translated_too(client, act_as, db):
    act_as(new_user(db))
    english = client.get("/api/practice/logs/00000000-0000-0000-0000-000000000000").json()["detail"]
    german = client.get(
        "/api/practice/logs/00000000-0000-0000-0000-000000000000", headers={"Accept-Language": "de-DE"}
    ).json()["detail"]
    assert german != english
    with i18n.use_language("de"):
        assert german == i18n._(english)
