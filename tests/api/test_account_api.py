"""REST: the user's progress summary, data export and account deletion, with real tokens."""

from __future__ import annotations

import csv
import io

from tests.api.test_auth_api import bearer, sign_in
from tests.factories import log_body


def test_progress_export_and_deletion_through_the_api(make_client, mail_sink):
    api = make_client(smtp_host=mail_sink.host, smtp_port=mail_sink.port)
    tokens = sign_in(api, mail_sink, "gdpr@example.com")
    auth = bearer(tokens)
    for rating in (6, 8):
        assert api.post("/api/practice/logs", json=log_body(selfRating=rating), headers=auth).status_code == 201

    summary = api.get("/api/users/me/progress", headers=auth).json()
    assert (summary["totalLogs"], summary["totalPracticeSeconds"], summary["averageSelfRating"]) == (2, 2400, 7.0)
    assert len(summary["recentActivity"]) == 2

    export = api.get("/api/users/me/export", headers=auth)
    assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
    assert len(export.json()["tables"]["practice_logs"]) == 2
    logs_csv = api.get("/api/users/me/export.csv", headers=auth)
    assert logs_csv.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(logs_csv.text)))) == 2

    assert api.delete("/api/users/me", headers=auth).status_code == 204
    assert api.get("/api/users/me", headers=auth).status_code == 401
    assert api.post("/api/auth/refresh", json={"refreshToken": tokens["refreshToken"]}).status_code == 401
    again = sign_in(api, mail_sink, "gdpr@example.com")  # the address may sign up afresh
    assert api.get("/api/users/me/progress", headers=bearer(again)).json()["totalLogs"] == 0


def test_every_response_carries_a_request_id_and_echoes_a_given_one(client):
    assert len(client.get("/api/health").headers["x-request-id"]) == 32
    assert client.get("/api/health", headers={"X-Request-ID": "trace-42"}).headers["x-request-id"] == "trace-42"
    assert client.get("/api/health", headers={"X-Request-ID": "bad id!"}).headers["x-request-id"] != "bad id!"
