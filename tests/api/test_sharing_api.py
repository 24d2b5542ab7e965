"""REST: a student shares with a teacher by email (real SMTP on loopback), the teacher sees, the student revokes."""

from __future__ import annotations

import re

from app.api.deps import optional_actor
from tests.factories import log_body, new_user

INVITE_LINK = re.compile(r"/share/accept\?token=(\S+)")


def test_invite_by_email_accept_view_and_revoke(make_client, mail_sink, db):
    client = make_client(smtp_host=mail_sink.host, smtp_port=mail_sink.port)
    student, teacher = (
        new_user(db, display_name="Clara", email="clara@example.com"),
        new_user(db, email="t@example.com"),
    )

    def act_as(actor):
        client.app.dependency_overrides[optional_actor] = lambda: actor

    act_as(student)
    client.post("/api/practice/logs", json=log_body(durationSeconds=900))
    invited = client.post("/api/sharing/invites", json={"email": "t@example.com"})
    assert invited.status_code == 201
    message = mail_sink.to("t@example.com")[-1]
    assert message["Subject"] == "A student shares their practice with you on Mirubato"
    assert '"Clara"' in message.get_body(("plain",)).get_content()
    token = INVITE_LINK.search(message.get_body(("plain",)).get_content()).group(1)

    act_as(teacher)
    assert client.get(f"/api/teacher/students/{student.id}/dashboard").status_code == 404
    assert client.post("/api/sharing/accept", json={"token": token}).json()["status"] == "active"
    assert client.post("/api/sharing/accept", json={"token": token}).status_code == 409
    studio = client.get("/api/teacher/students").json()
    assert [(s["student"]["displayName"], s["weekSeconds"]) for s in studio] == [("Clara", 900)]
    assert client.get(f"/api/teacher/students/{student.id}/progress").json()["totalPracticeTime"] == 900
    analytics = client.get(f"/api/teacher/students/{student.id}/analytics", params={"granularity": "week"})
    assert analytics.json()["time"]["totalSeconds"] == 900

    act_as(student)
    shares = client.get("/api/sharing").json()
    assert [(s["status"], s["teacher"]["email"]) for s in shares] == [("active", "t@example.com")]
    assert client.delete(f"/api/sharing/{shares[0]['id']}").json()["status"] == "revoked"

    act_as(teacher)
    assert client.get(f"/api/teacher/students/{student.id}/dashboard").status_code == 404
    assert client.get("/api/teacher/students").json() == []


def test_bad_invitations_are_client_errors(client, act_as, db):
    act_as(new_user(db))
    assert client.post("/api/sharing/invites", json={"email": "not an address"}).status_code == 422
    assert client.post("/api/sharing/accept", json={"token": "forged"}).status_code == 422
    assert client.delete("/api/sharing/00000000-0000-0000-0000-000000000000").status_code == 404
    act_as(None)
    assert client.post("/api/sharing/invites", json={}).status_code == 401


def test_a_pending_invitation_withdrawn_can_no_longer_be_accepted(client, act_as, db):
    student, stranger = new_user(db), new_user(db)
    act_as(student)
    for body in ({}, {"email": "teacher@example.com"}):
        invited = client.post("/api/sharing/invites", json=body).json()
        token = invited["link"].split("token=", 1)[1]
        withdrawn = client.delete(f"/api/sharing/{invited['share']['id']}")
        assert withdrawn.status_code == 200, withdrawn.text
        assert (withdrawn.json()["status"], withdrawn.json()["teacher"]) == ("revoked", None)
        assert client.get("/api/sharing").json() == []

        act_as(stranger)
        refused = client.post("/api/sharing/accept", json={"token": token})
        assert refused.status_code == 409
        assert "withdrawn" in refused.json()["detail"]
        assert client.get(f"/api/teacher/students/{student.id}/dashboard").status_code == 404
        act_as(student)
