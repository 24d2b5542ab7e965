"""REST: /api/practice (logs, quick log, sessions, templates)."""

from __future__ import annotations

import uuid

from sqlalchemy import func
from sqlmodel import select

from core.models import PracticeLog
from tests.factories import log_body, new_user


def log_rows(db) -> int:
    with db.transaction(write=False) as session:
        return session.exec(select(func.count()).select_from(PracticeLog)).one()


def test_without_sign_in_every_practice_endpoint_answers_401(client, act_as):
    act_as(None)
    some_id = uuid.uuid4()
    for method, path in [
        ("POST", "/api/practice/logs"),
        ("GET", "/api/practice/logs"),
        ("GET", f"/api/practice/logs/{some_id}"),
        ("PUT", f"/api/practice/logs/{some_id}"),
        ("DELETE", f"/api/practice/logs/{some_id}"),
        ("POST", "/api/practice/quick-log"),
        ("POST", "/api/practice/sessions/start"),
        ("GET", "/api/practice/sessions"),
        ("PUT", f"/api/practice/sessions/{some_id}/end"),
        ("GET", "/api/practice/templates"),
        ("POST", "/api/practice/templates"),
        ("GET", "/api/users/me"),
    ]:
        response = client.request(method, path, json={})
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"


def test_a_log_round_trips_in_camel_case_with_201_and_a_location(client, act_as, db):
    act_as(new_user(db))
    response = client.post("/api/practice/logs", json=log_body())
    assert response.status_code == 201, response.text
    log = response.json()
    assert response.headers["location"] == f"/api/practice/logs/{log['id']}"
    assert {"activityType", "workTitle", "durationSeconds", "selfRating", "focusAreas", "version"} <= log.keys()
    assert client.get(f"/api/practice/logs/{log['id']}").json() == log


def test_the_same_log_uuid_posted_ten_times_is_one_row(client, act_as, db):
    act_as(new_user(db))
    body = log_body(id=str(uuid.uuid4()))
    statuses = [client.post("/api/practice/logs", json=body).status_code for _ in range(10)]
    assert statuses == [201] + [200] * 9
    assert log_rows(db) == 1
    changed = client.post("/api/practice/logs", json={**body, "selfRating": 1})
    assert changed.status_code == 409
    assert "different" in changed.json()["detail"]


def test_quick_log_takes_duration_in_seconds_and_a_piece(client, act_as, db):
    act_as(new_user(db))
    response = client.post(
        "/api/practice/quick-log",
        json={
            "activityType": "scales",
            "duration": 900,
            "piece": {"composer": "Czerny", "title": "Op. 299 No. 1"},
            "tempo": 120,
            "selfRating": 6,
            "notes": "Even sixteenths",
        },
    )
    assert response.status_code == 201, response.text
    log = response.json()
    assert (log["durationSeconds"], log["composer"], log["tempoPracticed"], log["practiceNotes"]) == (
        900,
        "Czerny",
        120,
        "Even sixteenths",
    )


def test_edit_with_a_stale_version_is_409_and_delete_is_204(client, act_as, db):
    act_as(new_user(db))
    log = client.post("/api/practice/logs", json=log_body()).json()
    edited = client.put(f"/api/practice/logs/{log['id']}", json=log_body(selfRating=9, version=1))
    assert edited.status_code == 200
    assert edited.json()["version"] == 2
    stale = client.put(f"/api/practice/logs/{log['id']}", json=log_body(selfRating=3, version=1))
    assert stale.status_code == 409
    assert client.delete(f"/api/practice/logs/{log['id']}", params={"version": 2}).status_code == 204
    assert client.get(f"/api/practice/logs/{log['id']}").status_code == 404
    assert client.post(f"/api/practice/logs/{log['id']}/restore").json()["isActive"] is True


def test_the_log_list_pages_with_total_and_next_offset(client, act_as, db):
    act_as(new_user(db))
    for rating in range(1, 6):
        client.post("/api/practice/logs", json=log_body(selfRating=rating))
    page = client.get("/api/practice/logs", params={"limit": 2, "offset": 2}).json()
    assert (page["total"], len(page["items"]), page["limit"], page["offset"], page["nextOffset"]) == (5, 2, 2, 2, 4)
    scales = client.get("/api/practice/logs", params={"activityType": ["scales", "etudes"]}).json()
    assert scales["total"] == 0


def test_user_b_gets_404_on_each_of_user_a_rows(client, act_as, db):
    owner, other = new_user(db), new_user(db)
    act_as(owner)
    log = client.post("/api/practice/logs", json=log_body()).json()
    sitting = client.post("/api/practice/sessions/start", json={}).json()
    template = client.post("/api/practice/templates", json={"templateName": "Scales", "activityType": "scales"}).json()
    act_as(other)
    for method, path, body in [
        ("GET", f"/api/practice/logs/{log['id']}", None),
        ("PUT", f"/api/practice/logs/{log['id']}", log_body()),
        ("DELETE", f"/api/practice/logs/{log['id']}", None),
        ("POST", f"/api/practice/logs/{log['id']}/restore", None),
        ("GET", f"/api/practice/sessions/{sitting['id']}", None),
        ("PUT", f"/api/practice/sessions/{sitting['id']}/end", {}),
        ("DELETE", f"/api/practice/templates/{template['id']}", None),
    ]:
        assert client.request(method, path, json=body).status_code == 404, (method, path)
    assert client.get("/api/practice/logs").json()["total"] == 0
    assert client.get("/api/practice/templates").json() == []
    act_as(owner)
    assert client.get(f"/api/practice/logs/{log['id']}").json()["version"] == 1


def test_a_session_starts_with_201_and_ends_with_its_summary(client, act_as, db):
    act_as(new_user(db))
    sitting = client.post("/api/practice/sessions/start", json={"sessionType": "guided", "instrument": "guitar"})
    assert sitting.status_code == 201
    session_id = sitting.json()["id"]
    client.post(
        "/api/practice/logs",
        json=log_body(
            sessionId=session_id, instrument="guitar", startTime=sitting.json()["startTime"], durationSeconds=60
        ),
    )
    summary = client.put(f"/api/practice/sessions/{session_id}/end", json={"notes": "Good"}).json()
    assert summary["totalExercises"] == 1
    assert summary["notes"] == "Good"
    assert summary["durationSeconds"] >= 0
    assert client.get("/api/practice/sessions").json()["total"] == 1


def test_saving_a_template_twice_by_name_is_201_then_200(client, act_as, db):
    act_as(new_user(db))
    body = {"templateName": "Warm-up", "activityType": "warm_up", "durationSeconds": 600}
    assert client.post("/api/practice/templates", json=body).status_code == 201
    assert client.post("/api/practice/templates", json={**body, "durationSeconds": 900}).status_code == 200
    assert [t["durationSeconds"] for t in client.get("/api/practice/templates").json()] == [900]
