"""Whatever a client sends to any endpoint in the OpenAPI document, the answer is never a 5xx."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import new_user

JUNK_BODIES = [
    None,
    {},
    [],
    "text",
    42,
    {"id": "not-a-uuid"},
    {"activityType": None, "duration": "ten"},
    {"title": ["x"], "instrument": {"deep": [1, {"deeper": True}]}},
    {"a" * 300: "b" * 20_000},
]
JUNK_PATH_VALUES = [str(uuid.uuid4()), "x", "' OR 1=1 --"]
JUNK_QUERIES = [
    {},
    {"limit": "-1"},
    {"offset": "1e9"},
    {"from": "2024-13-45"},
    {"instrument": "harp"},
    {"tags": "a" * 500},
    {"sort": "; DROP TABLE users"},
]


# Thousands of requests through code the other tests cover line by line: traced, it took 60% longer.
pytestmark = pytest.mark.no_cover


def test_no_endpoint_answers_with_a_server_error(client, act_as, db):
    act_as(new_user(db))
    paths = client.get("/openapi.json").json()["paths"]
    failures = []
    calls = 0
    for path, operations in paths.items():
        for method, operation in operations.items():
            # Junk goes where the operation reads something: a body where it takes one, a query
            # where it has query parameters (anything else is never read, so it cannot fail).
            bodies = JUNK_BODIES if "requestBody" in operation else [None]
            takes_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
            for value in JUNK_PATH_VALUES:
                concrete = path
                for name in [part[1:-1] for part in path.split("/") if part.startswith("{")]:
                    concrete = concrete.replace("{" + name + "}", value)
                for body in bodies:
                    queries = (JUNK_QUERIES[:3] if body else JUNK_QUERIES) if takes_query else [{}]
                    for query in queries:
                        response = client.request(method.upper(), concrete, json=body, params=query)
                        calls += 1
                        if response.status_code >= 500:
                            failures.append((method, concrete, body, query, response.status_code))
    print(f"junk requests {calls}, server errors {len(failures)}")
    assert not failures, failures[:5]
