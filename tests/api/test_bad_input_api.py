"""Bad input over REST: a 4xx naming the problem, the database unchanged, never a 500."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.models import PracticeLog
from tests.factories import log_body, new_user


def log_rows(db) -> int:
    with db.transaction(write=False) as session:
        return session.exec(select(func.count()).select_from(PracticeLog)).one()


@pytest.mark.parametrize(
    ("body", "status", "named"),
    [
        (log_body(activityType="juggling"), 422, "activityType"),
        (log_body(durationSeconds=-60), 422, "durationSeconds"),
        (log_body(selfRating=11), 422, "selfRating"),
        (log_body(endTime="2000-01-01T00:00:00Z"), 422, "endTime"),
        (log_body(practiceNotes="n" * 100_000), 422, "practiceNotes"),
        (log_body(durationSeconds="long"), 422, "durationSeconds"),
        (log_body(focusAreas="rhythm"), 422, "focusAreas"),
        (log_body(userId=str(uuid.uuid4())), 422, "userId"),
        (log_body(sessionId=str(uuid.uuid4())), 422, "sessionId"),
        ([1, 2, 3], 422, ""),
    ],
)
def test_a_bad_log_is_refused_with_the_field_named_and_nothing_written(client, act_as, db, body, status, named):
    act_as(new_user(db))
    response = client.post("/api/practice/logs", json=body)
    assert response.status_code == status, response.text
    error = response.json()
    assert named in error["detail"]
    assert all({"field", "message"} == set(e) for e in error["errors"])
    assert log_rows(db) == 0


def test_malformed_json_is_400(client, act_as, db):
    act_as(new_user(db))
    response = client.post(
        "/api/practice/logs", content=b'{"activityType": "scales",', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_bad_path_and_query_values_are_422_not_500(client, act_as, db):
    act_as(new_user(db))
    assert client.get("/api/practice/logs/not-a-uuid").status_code == 422
    assert client.get("/api/practice/logs", params={"limit": 10_000}).status_code == 422
    assert client.get("/api/practice/logs", params={"from": "yesterday"}).status_code == 422
    assert client.get("/api/sheet-music", params={"difficultyMin": "hard"}).status_code == 422
    assert client.get("/api/sheet-music", params={"unknown": "1"}).status_code == 422


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/does-not-exist")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")


def test_an_oversized_body_is_413_before_it_is_read(client, act_as, db):
    act_as(new_user(db))
    response = client.post(
        "/api/practice/logs",
        content=b'{"practiceNotes": "' + b"x" * 2_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert log_rows(db) == 0
