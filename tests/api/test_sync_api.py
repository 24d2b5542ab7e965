"""REST: the offline-sync protocol for other clients (POST /api/sync)."""

from __future__ import annotations

import gc
import uuid

from sqlalchemy import func
from sqlmodel import select

from core.models import PracticeLog
from tests.factories import log_body, new_user


def test_the_same_batch_posted_twice_is_applied_once(client, act_as, db):
    act_as(new_user(db))
    changes = []
    for rating in range(1, 11):
        data = log_body(selfRating=rating)
        changes.append({"id": str(uuid.uuid4()), "kind": "create", "logId": str(uuid.uuid4()), "data": data})
    first = client.post("/api/sync", json={"changes": changes})
    again = client.post("/api/sync", json={"changes": changes})
    assert first.status_code == again.status_code == 200
    assert [r["status"] for r in first.json()["results"]] == ["applied"] * 10
    assert all(r["repeated"] for r in again.json()["results"])
    with db.transaction(write=False) as session:
        rows = session.exec(select(func.count()).select_from(PracticeLog)).one()
    print(f"POST /api/sync twice: queued 10, delivered 20, server rows {rows}, lost {10 - rows}, duplicated 0")
    assert rows == 10


def test_a_sync_batch_needs_sign_in_and_a_sane_size(client, act_as, db):
    act_as(None)
    assert client.post("/api/sync", json={"changes": []}).status_code == 401
    act_as(new_user(db))
    too_many = [{"id": str(uuid.uuid4()), "kind": "delete", "logId": str(uuid.uuid4())} for _ in range(101)]
    assert client.post("/api/sync", json={"changes": too_many}).status_code == 422


def test_metrics_count_requests_sync_batches_and_database_time(client, act_as, db):
    act_as(new_user(db))
    change = {"id": str(uuid.uuid4()), "kind": "create", "logId": str(uuid.uuid4()), "data": log_body()}
    client.post("/api/sync", json={"changes": [change]})
    client.get("/api/practice/logs")
    gc.collect()
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert 'mirubato_request_seconds_count{method="GET",route="/api/practice/logs",status="2xx"}' in text
    assert 'mirubato_sync_changes_total{status="applied"}' in text
    assert "mirubato_sync_batch_changes_bucket" in text
    assert 'mirubato_db_statement_seconds_count{statement="INSERT"}' in text
    assert "mirubato_browser_clients" in text
    assert 'mirubato_gc_pause_seconds_count{generation="2"}' in text
    if db.is_sqlite:  # where waiting for the write lock shows (PostgreSQL begins implicitly)
        assert 'mirubato_db_statement_seconds_count{statement="BEGIN"}' in text
