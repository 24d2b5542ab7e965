"""REST: the analytics service, exports and recommendations."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.factories import log_body, new_piece, new_user


def test_analytics_endpoints_with_filters(client, act_as, db):
    act_as(new_user(db))
    client.post("/api/practice/logs", json=log_body(durationSeconds=1800))
    client.post("/api/practice/logs", json=log_body(durationSeconds=600, activityType="scales", instrument="guitar"))
    time = client.get("/api/analytics/practice-time", params={"granularity": "week"}).json()
    assert (time["totalSeconds"], time["logs"], time["granularity"]) == (2400, 2, "week")
    guitar = client.get("/api/analytics/practice-time", params={"instrument": "guitar"}).json()
    assert guitar["totalSeconds"] == 600
    both = client.get("/api/analytics/practice-time", params=[("activityType", "scales"), ("activityType", "etudes")])
    assert both.json()["totalSeconds"] == 600
    assert client.get("/api/analytics/repertoire").json()["topPieces"][0]["title"] == "Invention No. 1"
    assert client.get("/api/analytics/improvement").json()["tempo"][0]["targetTempo"] == 88


def test_exports_download_as_files(client, act_as, db):
    act_as(new_user(db))
    client.post("/api/practice/logs", json=log_body())
    as_csv = client.get("/api/analytics/export")
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert 'filename="mirubato-logs.csv"' in as_csv.headers["content-disposition"]
    assert len(as_csv.text.strip().splitlines()) == 2
    assert len(client.get("/api/analytics/export", params={"format": "json"}).json()["logs"]) == 1
    pdf = client.get("/api/analytics/export", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    assert "Practice report" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_bad_analytics_input_is_a_client_error(client, act_as, db):
    act_as(new_user(db))
    for params in ({"from": "2026-02-01", "to": "2026-01-01"}, {"granularity": "decade"}, {"from": "yesterday"}):
        response = client.get("/api/analytics/practice-time", params=params)
        assert response.status_code in (400, 422), params
    assert client.get("/api/analytics/export", params={"format": "docx"}).status_code == 422
    act_as(None)
    assert client.get("/api/analytics/repertoire").status_code == 401


def test_recommended_pieces_come_with_reasons(client, act_as, db):
    new_piece(db, title="Minuet", difficulty_level=3)
    act_as(new_user(db))
    found = client.get("/api/sheet-music/recommended").json()
    assert [(r["piece"]["title"], r["reason"]) for r in found] == [("Minuet", "Within reach at your level (3 of 10)")]
    assert client.get("/api/sheet-music/recommended", params={"limit": 0}).status_code == 422
