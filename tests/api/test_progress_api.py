"""REST: the progress service (/api/progress/...)."""

from __future__ import annotations

from tests.factories import log_body, new_user


def test_progress_endpoints_answer_after_a_logged_hour(client, act_as, db):
    act_as(new_user(db))
    assert client.post("/api/practice/logs", json=log_body(durationSeconds=3600)).status_code == 201
    overview = client.get("/api/progress/overview").json()
    assert overview["experiencePoints"] == 60 + 10
    assert overview["currentLevel"] == 1
    assert overview["consecutiveDays"] == 1
    assert overview["totalPracticeTime"] == 3600
    assert [a["key"] for a in overview["achievements"]] == ["first_log"]
    assert overview["recentActivity"][0]["durationSeconds"] == 3600

    piano = client.get("/api/progress/instrument/piano").json()
    assert piano["overall"]["experiencePoints"] == 70
    assert [s["skillArea"] for s in piano["skills"]] == ["repertoire"]
    assert client.get("/api/progress/streaks").json()["current"] == 1
    achievements = client.get("/api/progress/achievements").json()
    assert len(achievements) == 11 and sum(a["earned"] for a in achievements) == 1
    stats = client.get("/api/progress/statistics").json()
    assert stats["byActivity"] == [{"name": "repertoire", "seconds": 3600, "logs": 1}]


def test_progress_needs_sign_in_and_a_known_instrument(client, act_as, db):
    act_as(None)
    assert client.get("/api/progress/overview").status_code == 401
    act_as(new_user(db))
    response = client.get("/api/progress/instrument/banjo")
    assert response.status_code == 422
    assert "instrument" in response.text


def test_starting_the_app_builds_progress_for_logs_made_before_it(make_client, db):
    from sqlmodel import select

    from core.models import ProgressTracking
    from services import practice_logs

    actor = new_user(db)
    with db.transaction() as session:
        practice_logs.log_practice(session, actor=actor, data=log_body(durationSeconds=600))
    with db.transaction() as session:
        for row in session.exec(select(ProgressTracking)).all():
            session.delete(row)
    make_client()
    with db.transaction(write=False) as session:
        built = session.exec(select(ProgressTracking).where(ProgressTracking.user_id == actor.id)).all()
    assert {(r.instrument, r.skill_area) for r in built} == {
        ("all", "overall"),
        ("piano", "overall"),
        ("piano", "repertoire"),
    }
