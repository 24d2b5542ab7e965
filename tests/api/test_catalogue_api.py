"""REST: /api/sheet-music, /api/users/me, /api/health and the OpenAPI document."""

from __future__ import annotations

from core.models import Role
from services.actor import Actor
from services.catalogue_seed import seed_catalogue
from tests.factories import new_user


def test_the_catalogue_is_public_and_filters_by_instrument(client, act_as, db):
    with db.transaction() as session:
        seed_catalogue(session)
    act_as(None)
    page = client.get("/api/sheet-music", params={"instrument": "piano", "limit": 5}).json()
    assert page["total"] >= 100
    assert len(page["items"]) == 5
    assert all(item["instrument"] in {"piano", "both"} for item in page["items"])
    piece = client.get(f"/api/sheet-music/{page['items'][0]['id']}")
    assert piece.status_code == 200
    assert "notationData" in piece.json()
    random = client.get("/api/sheet-music/random", params={"instrument": "guitar", "difficultyMax": 4})
    assert random.status_code == 200
    assert random.json()["difficultyLevel"] <= 4


def test_catalogue_writes_need_sign_in_and_the_admin_role(client, act_as, db):
    piece = {"title": "Study", "instrument": "guitar", "difficultyLevel": 2}
    act_as(None)
    assert client.post("/api/sheet-music", json=piece).status_code == 401
    act_as(new_user(db))
    assert client.post("/api/sheet-music", json=piece).status_code == 403
    admin = new_user(db, role="admin")
    act_as(Actor(id=admin.id, role=Role.ADMIN))
    created = client.post("/api/sheet-music", json=piece)
    assert created.status_code == 201
    updated = client.put(f"/api/sheet-music/{created.json()['id']}", json={**piece, "difficultyLevel": 3})
    assert updated.json()["difficultyLevel"] == 3


def test_a_missing_piece_is_404(client):
    assert client.get("/api/sheet-music/00000000-0000-0000-0000-000000000000").status_code == 404


def test_the_user_reads_and_updates_their_profile_and_preferences(client, act_as, db):
    act_as(new_user(db))
    assert client.put("/api/users/me", json={"displayName": "Clara", "timezone": "Europe/Berlin"}).status_code == 200
    prefs = client.put("/api/users/me/preferences", json={"theme": "dark", "notationSize": 150}).json()
    assert prefs["preferences"]["theme"] == "dark"
    me = client.get("/api/users/me").json()
    assert (me["displayName"], me["timezone"], me["role"]) == ("Clara", "Europe/Berlin", "musician")
    assert client.put("/api/users/me", json={"timezone": "Nowhere/Else"}).status_code == 422
    assert client.put("/api/users/me", json={"role": "admin"}).status_code == 422


def test_health_reports_the_database(client, backend):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["database"] == backend


def test_the_openapi_document_lists_the_spec_paths(client):
    paths = client.get("/openapi.json").json()["paths"]
    expected = {
        "/api/sheet-music": {"get", "post"},
        "/api/sheet-music/{piece_id}": {"get", "put"},
        "/api/sheet-music/random": {"get"},
        "/api/practice/sessions/start": {"post"},
        "/api/practice/sessions/{session_id}/end": {"put"},
        "/api/practice/sessions": {"get"},
        "/api/practice/sessions/{session_id}": {"get"},
        "/api/practice/logs": {"get", "post"},
        "/api/practice/logs/{log_id}": {"get", "put", "delete"},
        "/api/practice/quick-log": {"post"},
        "/api/practice/templates": {"get", "post"},
        "/api/users/me": {"get", "put"},
        "/api/users/me/preferences": {"put"},
        "/api/health": {"get"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
