"""REST: takes uploaded in chunks, refused with a clear 4xx for bad input, played back by byte range."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import log_body, new_user
from tests.takes_data import CHUNK, PNG_HEADER, real_take


def new_log(client) -> str:
    return client.post("/api/practice/logs", json=log_body()).json()["id"]


def begin(client, log_id: str, size: int, take_id: str | None = None):
    take_id = take_id or str(uuid.uuid4())
    answer = client.put(f"/api/takes/{take_id}", json={"logId": log_id, "name": "Prelude", "sizeBytes": size})
    return take_id, answer


def send_all(client, take_id: str, data: bytes):
    answer = None
    for offset in range(0, len(data), CHUNK):
        answer = client.patch(f"/api/takes/{take_id}/upload?offset={offset}", content=data[offset : offset + CHUNK])
        if answer.status_code != 200:
            return answer
    return answer


@pytest.fixture
def musician(db, act_as):
    actor = new_user(db)
    act_as(actor)
    return actor


def test_upload_then_play_by_range(client, musician):
    data = real_take()
    log_id = new_log(client)
    take_id, started = begin(client, log_id, len(data))
    assert started.status_code == 200 and started.json()["receivedBytes"] == 0
    done = send_all(client, take_id, data)
    assert done.status_code == 200 and done.json()["status"] == "ready"
    listed = client.get(f"/api/practice/logs/{log_id}/takes").json()
    assert [t["id"] for t in listed] == [take_id] and 2900 <= listed[0]["durationMs"] <= 3300
    part = client.get(f"/api/takes/{take_id}/audio", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == data[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(data)}"
    assert part.headers["content-type"] == "audio/webm" and part.headers["accept-ranges"] == "bytes"
    tail = client.get(f"/api/takes/{take_id}/audio", headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    whole = client.get(f"/api/takes/{take_id}/audio")
    assert whole.status_code == 200 and whole.content == data
    beyond = client.get(f"/api/takes/{take_id}/audio", headers={"Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{len(data)}"
    again = send_all(client, take_id, data)  # the same id again: nothing changes
    assert again.status_code == 200 and len(client.get(f"/api/practice/logs/{log_id}/takes").json()) == 1


def test_a_png_renamed_webm_is_refused_and_nothing_is_kept(client, musician):
    log_id = new_log(client)
    content = PNG_HEADER + bytes(2000)
    take_id, _ = begin(client, log_id, len(content))
    refused = client.patch(
        f"/api/takes/{take_id}/upload?offset=0", content=content, headers={"Content-Type": "audio/webm"}
    )
    assert refused.status_code == 415 and "not a recording" in refused.json()["detail"]
    assert client.get(f"/api/takes/{take_id}/upload").status_code == 404
    assert client.get("/api/users/me/takes").json()["usedBytes"] == 0


def test_an_empty_file_a_chunk_out_of_order_and_an_empty_chunk_are_4xx(client, musician):
    log_id = new_log(client)
    _, empty = begin(client, log_id, 0)
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "sizeBytes"
    data = real_take()
    take_id, _ = begin(client, log_id, len(data))
    skipped = client.patch(f"/api/takes/{take_id}/upload?offset={CHUNK}", content=data[CHUNK : 2 * CHUNK])
    assert skipped.status_code == 409 and skipped.headers["upload-offset"] == "0"
    nothing = client.patch(f"/api/takes/{take_id}/upload?offset=0", content=b"")
    assert nothing.status_code == 422
    negative = client.patch(f"/api/takes/{take_id}/upload?offset=-5", content=b"x")
    assert negative.status_code == 422
    assert client.get(f"/api/takes/{take_id}/upload").json()["receivedBytes"] == 0


def test_a_take_over_the_quota_is_refused_before_its_bytes_are_sent(make_client, db):
    from app.api.deps import optional_actor

    client = make_client(take_quota_mb=1)
    client.app.dependency_overrides[optional_actor] = lambda: actor
    actor = new_user(db)
    log_id = new_log(client)
    _, full = begin(client, log_id, 1_500_000)
    assert full.status_code == 413 and "Your recordings are full" in full.json()["detail"]


def test_another_users_take_is_not_found(client, db, act_as):
    owner, other = new_user(db), new_user(db)
    act_as(owner)
    data = real_take()
    log_id = new_log(client)
    take_id, _ = begin(client, log_id, len(data))
    send_all(client, take_id, data[:CHUNK])
    act_as(other)
    assert client.patch(f"/api/takes/{take_id}/upload?offset={CHUNK}", content=data[CHUNK:]).status_code == 404
    assert client.get(f"/api/takes/{take_id}/audio").status_code == 404
    assert client.put(f"/api/takes/{take_id}", json={"logId": log_id, "sizeBytes": 10}).status_code == 404
    act_as(None)
    assert client.get(f"/api/takes/{take_id}/audio").status_code == 401
    act_as(owner)
    assert client.get(f"/api/takes/{take_id}/upload").json()["receivedBytes"] == CHUNK


def test_the_export_zip_holds_the_json_and_each_take(client, musician):
    import io
    import json
    import zipfile

    data = real_take()
    take_id, _ = begin(client, new_log(client), len(data))
    send_all(client, take_id, data)
    answer = client.get("/api/users/me/export.zip")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    assert archive.read(f"takes/{take_id}.webm") == data
    document = json.loads(archive.read("mirubato-export.json"))
    assert [t["id"] for t in document["tables"]["takes"]] == [take_id] and "take_chunks" not in document["tables"]
