"""What an outside probe found (issue 14), each as the request it sent, on SQLite and PostgreSQL.

Every value here is refused with a 4xx naming the field (or stored), never a 5xx; a sync batch
answers each change on its own; email and write limits hold however the requests arrive.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.models import PracticeLog, Role
from tests.factories import log_body, new_user

EDGE_DAYS = ["0001-01-01", "9999-12-31"]
HUGE_OFFSET = "9223372036854775808"
LISTS = ["/api/sheet-music", "/api/practice/logs", "/api/practice/sessions", "/api/admin/users", "/api/admin/audit"]


def log_rows(db) -> int:
    with db.transaction(write=False) as session:
        return session.exec(select(func.count()).select_from(PracticeLog)).one()


def problem_fields(response) -> set[str]:
    return {problem["field"] for problem in response.json()["errors"]}


@pytest.mark.parametrize("day", EDGE_DAYS)
def test_dates_at_the_edges_of_the_calendar_are_refused_by_name_everywhere(client, act_as, db, day):
    act_as(new_user(db, role=Role.ADMIN.value))
    moment = f"{day}T12:00:00Z"
    saved = client.post("/api/practice/logs", json=log_body(startTime=moment))
    assert saved.status_code == 422 and problem_fields(saved) == {"startTime"}
    assert log_rows(db) == 0
    for path, params in [
        ("/api/practice/logs", {"to": day}),
        ("/api/practice/logs", {"from": day}),
        ("/api/analytics/practice-time", {"from": day}),
        ("/api/analytics/improvement", {"to": day}),
        ("/api/analytics/export", {"to": day, "format": "csv"}),
        ("/api/admin/audit", {"to": day}),
    ]:
        answer = client.get(path, params=params)
        assert answer.status_code == 422, (path, params, answer.status_code)
        assert problem_fields(answer) & {"from", "to"}, answer.json()


def test_a_nul_character_is_refused_in_any_text_field_and_any_search(client, act_as, db):
    act_as(new_user(db))
    profile = client.put("/api/users/me", json={"displayName": "a\u0000b"})
    assert profile.status_code == 422 and problem_fields(profile) == {"displayName"}
    assert "NUL" in profile.json()["detail"]
    saved = client.post("/api/practice/logs", json=log_body(practiceNotes="fine\u0000not", focusAreas=["x\u0000"]))
    assert saved.status_code == 422 and problem_fields(saved) == {"practiceNotes", "focusAreas"}
    for path in ("/api/sheet-music", "/api/practice/logs"):
        assert client.get(path, params={"q": "a\u0000b"}).status_code == 422
    preferences = client.put("/api/users/me/preferences", json={"theme": "dark", "note\u0000": "x"})
    assert preferences.status_code == 422
    assert log_rows(db) == 0


@pytest.mark.parametrize("path", LISTS)
def test_a_huge_offset_is_refused_not_overflowed(client, act_as, db, path):
    act_as(new_user(db, role=Role.ADMIN.value))
    answer = client.get(path, params={"offset": HUGE_OFFSET})
    assert answer.status_code == 422 and problem_fields(answer) == {"offset"}
    assert client.get(path, params={"offset": "1000000000"}).status_code == 200  # far, but a real page


def test_a_sync_batch_applies_the_good_changes_and_answers_each_bad_one(client, act_as, db):
    act_as(new_user(db))

    def create(**data):
        return {"id": str(uuid.uuid4()), "kind": "create", "logId": str(uuid.uuid4()), "data": log_body(**data)}

    changes = [
        create(),
        create(startTime="9999-12-31T23:00:00Z"),
        create(practiceNotes="a\u0000b"),
        create(durationSeconds=2**63),
        create(),
    ]
    answer = client.post("/api/sync", json={"changes": changes})
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "rejected", "applied"]
    assert [{p["field"] for p in r["problems"]} for r in results[1:4]] == [
        {"startTime"},
        {"practiceNotes"},
        {"durationSeconds"},
    ]
    assert log_rows(db) == 2
    again = client.post("/api/sync", json={"changes": changes}).json()["results"]  # the outbox resends: same answers
    assert [r["status"] for r in again] == [r["status"] for r in results] and all(r["repeated"] for r in again)
    assert log_rows(db) == 2


def test_a_sync_batch_counts_each_change_against_the_write_limit(make_client, db):
    client = make_client(rate_writes_per_user=10)
    client.app.dependency_overrides.clear()
    from app.api.deps import optional_actor

    actor = new_user(db)
    client.app.dependency_overrides[optional_actor] = lambda: actor

    def batch(size: int):
        changes = [
            {"id": str(uuid.uuid4()), "kind": "create", "logId": str(uuid.uuid4()), "data": log_body()}
            for _ in range(size)
        ]
        return client.post("/api/sync", json={"changes": changes})

    assert batch(6).status_code == 200
    refused = batch(6)  # 12 changes in a minute, over 10
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert log_rows(db) == 6  # nothing of the refused batch applied
    assert batch(4).status_code == 200


def test_an_admin_csv_with_an_enormous_cell_reports_that_row(client, act_as, db):
    act_as(new_user(db, role=Role.ADMIN.value))
    content = "title,instrument\nGood piece,piano\n" + "x" * 200_000 + ",piano\nAnother good one,guitar\n"
    answer = client.post("/api/admin/catalogue/import", json={"format": "csv", "content": content, "dryRun": True})
    assert answer.status_code == 200, answer.text[:300]
    report = answer.json()
    assert [row["status"] for row in report["rows"]] == ["new", "error", "new"]
    assert [(p["line"], p["field"]) for p in report["problems"]] == [(3, "title")]


def test_invitation_emails_are_limited_per_recipient_and_per_sender(make_client, mail_sink, db):
    from app.api.deps import optional_actor

    client = make_client(smtp_host=mail_sink.host, smtp_port=mail_sink.port, rate_invites_per_user=3)
    students = [new_user(db) for _ in range(12)]

    def invite(student, email):
        client.app.dependency_overrides[optional_actor] = lambda: student
        return client.post("/api/sharing/invites", json={"email": email})

    statuses = [invite(student, "victim@example.com").status_code for student in students]
    assert statuses == [201] * 10 + [429] * 2  # ten emails an hour to one address, from anyone
    assert len(mail_sink.to("victim@example.com")) == 10
    sender = new_user(db)
    statuses = [invite(sender, f"teacher{n}@example.com").status_code for n in range(4)]
    assert statuses == [201, 201, 201, 429]  # and so many invitations a day from one student
    refused = invite(sender, "teacher9@example.com").json()
    assert "tomorrow" in refused["detail"]


def test_sign_in_emails_count_toward_the_recipients_limit(make_client, mail_sink, db):
    client = make_client(smtp_host=mail_sink.host, smtp_port=mail_sink.port, rate_mail_per_recipient=2)
    statuses = [client.post("/api/auth/login", json={"email": "busy@example.com"}).status_code for _ in range(3)]
    assert statuses == [202, 202, 429]


def test_reads_are_limited_per_user_too(make_client, db):
    from app.api.deps import optional_actor

    client = make_client(rate_reads_per_user=3)
    actor = new_user(db)
    client.app.dependency_overrides[optional_actor] = lambda: actor
    assert [client.get("/api/practice/logs").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_an_unsupported_method_on_a_known_path_is_405_with_allow(client):
    answer = client.put("/api/sheet-music")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET, POST"
    assert set(answer.json()) == {"detail", "errors"}
    assert client.patch("/api/practice/logs/00000000-0000-0000-0000-000000000000").status_code == 405
    assert client.get("/api/no-such-thing").status_code == 404


def test_the_openapi_document_describes_errors_and_the_bearer_scheme(client):
    document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert all(path.startswith("/api/") for path in document["paths"])
    create_log = document["paths"]["/api/practice/logs"]["post"]
    assert create_log["security"] == [{"bearer": []}]
    assert {"400", "401", "403", "409", "413", "422", "429"} <= set(create_log["responses"])
    assert create_log["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    catalogue = document["paths"]["/api/sheet-music"]["get"]
    assert catalogue["security"] == [{}, {"bearer": []}]
    offset = next(p for p in catalogue["parameters"] if p["name"] == "offset")
    assert offset["schema"]["maximum"] == 1_000_000_000
