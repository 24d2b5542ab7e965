"""POST /api/users/me/import/preview and /api/users/me/import: multipart file + format + mapping.

The checks themselves are tested in tests/services/test_history_import.py; here, what the HTTP
boundary adds: the form, the status codes (413 before the body is read, 422 naming the row and
field), the round trip through the export endpoint, and that nothing lands for a refused file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.factories import new_user
from tests.known_logs import musician_with_known_logs
from tests.services.test_history_import import csv_file, hundred_with_five_bad

FIXTURE = Path(__file__).parents[1] / "fixtures" / "original_mirubato_export.json"
PREVIEW, IMPORT = "/api/users/me/import/preview", "/api/users/me/import"


def send(client, path: str, content: bytes, name: str = "history.csv", **form: Any):
    return client.post(path, files={"file": (name, content, "text/csv")}, data={"format": "csv", **form})


def logs_total(client) -> int:
    return client.get("/api/practice/logs", params={"limit": 1}).json()["total"]


def test_a_csv_is_previewed_then_imported_and_a_repeat_adds_nothing(client, act_as, db):
    act_as(new_user(db))
    content = hundred_with_five_bad()
    preview = send(client, PREVIEW, content)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert (body["added"], body["errors"], body["dryRun"]) == (95, 5, True)
    assert [(p["row"], p["field"]) for p in body["problems"]] == [
        (8, "Minutes"), (23, "Date"), (41, "Activity"), (67, "Piece"), (99, "Tempo"),
    ]  # fmt: skip
    assert body["mapping"]["duration"] == "Minutes" and len(body["preview"]) == 20
    assert logs_total(client) == 0

    imported = send(client, IMPORT, content, mapping=json.dumps(body["mapping"]))
    assert imported.status_code == 200 and imported.json()["added"] == 95
    assert logs_total(client) == 95
    again = send(client, IMPORT, content).json()
    assert (again["added"], again["existing"], again["errors"]) == (0, 95, 5)
    assert logs_total(client) == 95


def test_export_delete_sign_up_again_import_gives_the_same_figures(client, act_as, db):
    actor, _bodies = musician_with_known_logs(db)
    act_as(actor)

    def figures() -> dict[str, Any]:
        summary = client.get("/api/users/me/progress").json()
        overview = client.get("/api/progress/overview").json()
        streaks = client.get("/api/progress/streaks").json()
        return {
            "summary": {k: summary[k] for k in ("totalPracticeSeconds", "totalLogs", "practiceDays", "uniquePieces")},
            "level": (overview["currentLevel"], overview["experiencePoints"]),
            "achievements": sorted(a["key"] for a in overview["achievements"]),
            "streaks": (streaks["current"], streaks["longest"]),
        }

    before = figures()
    exported = client.get("/api/users/me/export")
    assert exported.status_code == 200
    email = next(row["email"] for row in exported.json()["tables"]["users"])
    assert client.delete("/api/users/me").status_code == 204

    act_as(new_user(db, email=email, timezone="America/New_York"))  # signed up again
    assert logs_total(client) == 0
    imported = send(client, IMPORT, exported.content, name="mirubato-export.json", format="mirubato")
    assert imported.status_code == 200, imported.text
    assert imported.json()["added"] == before["summary"]["totalLogs"] == 8
    assert figures() == before


def test_the_original_apps_export_is_imported(client, act_as, db):
    act_as(new_user(db))
    response = send(
        client, IMPORT, FIXTURE.read_bytes(), name="mirubato-data-export-2025-01-22.json", format="original"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["added"], body["errors"], body["skipped"], body["minutes"]) == (7, 2, 2, 225)
    assert logs_total(client) == 7


@pytest.mark.parametrize(
    ("content", "form", "status", "field", "words"),
    [
        (b"", {}, 422, "file", "empty"),
        ("Tag,Minuten\n1.2.2024,30\n".encode("utf-16"), {}, 422, "file", "UTF-8"),
        (b"Date,Minutes\n2024-01-01,-30\n", {}, 422, "rows[2].Minutes", "more than 0"),
        (b"Date,Minutes\n1700-01-01,30\n", {}, 422, "rows[2].Date", "1900"),
        (b"Date,Minutes\n2024-01-01,30\n", {"format": "xml"}, 422, "format", ""),
        (b"Date,Minutes\n2024-01-01,30\n", {"mapping": "{not json"}, 422, "mapping", "JSON"),
        (b"Date,Minutes\n2024-01-01,30\n", {"mapping": '{"date": "Day"}'}, 422, "mapping.date", "Day"),
        (b'{"logbook": {"entries": []}}', {"format": "original"}, 422, "file", "logbook"),
        (b'{"tables": []}', {"format": "mirubato"}, 422, "file", "tables"),
    ],
)
def test_a_hostile_file_gets_a_4xx_naming_the_problem_and_nothing_lands(
    client, act_as, db, content, form, status, field, words
):
    act_as(new_user(db))
    response = send(client, IMPORT, content, **form)
    assert response.status_code == status, response.text
    problem = response.json()["errors"][0]
    assert problem["field"] == field and words in problem["message"], problem
    assert logs_total(client) == 0


def test_a_file_over_the_limit_is_refused_with_413_before_it_is_read(client, act_as, db):
    act_as(new_user(db))
    content = csv_file(["2024-01-01,30"] * (50 * 1024 * 1024 // 14), "Date,Minutes")
    response = send(client, IMPORT, content)
    assert response.status_code == 413
    assert "at most 32 MB" in response.json()["detail"]
    assert logs_total(client) == 0


def test_a_file_streamed_without_a_length_is_read_too(client, act_as, db):
    act_as(new_user(db))
    parts = [
        b'--b\r\nContent-Disposition: form-data; name="format"\r\n\r\ncsv\r\n',
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="h.csv"\r\nContent-Type: text/csv\r\n\r\n',
        b"Date,Minutes\n2024-01-01,30\n\r\n--b--\r\n",
    ]
    headers = {"content-type": "multipart/form-data; boundary=b"}
    response = client.post(IMPORT, content=iter(parts), headers=headers)  # sent chunked: no Content-Length
    assert response.status_code == 200, response.text
    assert response.json()["added"] == 1


def test_a_request_without_a_file_or_a_sign_in_is_refused(client, act_as, db):
    assert send(client, IMPORT, b"Date,Minutes\n2024-01-01,30\n").status_code == 401
    act_as(new_user(db))
    response = client.post(IMPORT, data={"format": "csv"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"
