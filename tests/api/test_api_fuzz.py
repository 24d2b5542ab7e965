"""Schema-driven fuzzing of every operation in the OpenAPI document (schemathesis + Hypothesis).

For each operation, requests generated from its documented parameters and body, valid ones and
invalid ones, are sent to the real app on each database. Every answer must be free of server
errors, documented for that operation, of the documented content type, and match the
documented schema. The examples per operation are bounded so the whole run takes a minute or
two per database; ``MIRUBATO_FUZZ_EXAMPLES`` raises them for a longer hunt.
"""

from __future__ import annotations

import os
import re
import time
from email import message_from_bytes, policy

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.models import Role
from tests.factories import log_body, new_piece, new_user

EXAMPLES = int(os.environ.get("MIRUBATO_FUZZ_EXAMPLES", "20"))
# PostgreSQL gets half as many: what differs there (NUL bytes, integer and date ranges, locking) is
# sent to every operation on both databases by test_no_server_errors.py; this is the random search.
EXAMPLES_ON = {"sqlite": EXAMPLES, "postgresql": max(1, EXAMPLES // 2)}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def send_with(client, case, token: str):
    """The generated request through the test client, with the admin's real access token."""
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url), headers={"Authorization": f"Bearer {token}"})
    data = kwargs.pop("data", None)
    if isinstance(data, bytes | str):
        kwargs["content"] = data
    elif data is not None:
        kwargs["data"] = data
    kwargs.pop("cookies", None)
    request = client.build_request(**kwargs)
    try:
        request.read()  # a multipart body (the history import) is a stream the harness reads afterwards
    except (TypeError, AttributeError):
        hypothesis.reject()  # a generated body httpx cannot encode: not a request a client could send
    return client.send(request)


def _first_problem(failure: BaseException) -> str:
    while isinstance(failure, BaseExceptionGroup):
        failure = failure.exceptions[0]
    lines = [line.strip() for line in str(failure).splitlines() if line.strip()]
    return " / ".join(lines[:3])


def run_operation(client, token: str, operation, mode: GenerationMode, examples: int) -> list[str]:
    """Send ``examples`` generated requests of one mode; return what went wrong (one line each)."""
    failures: list[str] = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same requests on every run: a failure found in CI is found again here
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def send(case) -> None:
        response = send_with(client, case, token)
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as failure:  # one line per distinct failure; the run goes on
            line = f"{operation.label} [{mode.value}] -> {response.status_code}: {_first_problem(failure)}"
            if not any(f.startswith(line) for f in failures):
                failures.append(line + f"\n    {case.method} {case.formatted_path} {case.query} {case.body!r:.200}")

    try:
        send()
    except Unsatisfiable:  # nothing to make invalid (an operation without parameters or body)
        assert mode == GenerationMode.NEGATIVE
    return failures


# Thousands of requests through code the other tests cover line by line: traced, it took 60% longer.
pytestmark = pytest.mark.no_cover


@pytest.fixture
def admin_token(client, db, tmp_path) -> str:
    """A real sign-in of an admin (so every operation runs deep), with a log and a piece to find.

    Real tokens, not a stand-in actor: when the fuzz deletes the account, later calls get the
    401 a real client would get.
    """
    new_user(db, role=Role.ADMIN.value, email="fuzz-admin@example.com")
    new_piece(db)
    assert client.post("/api/auth/login", json={"email": "fuzz-admin@example.com"}).status_code == 202
    (mail,) = (tmp_path / "mail").glob("*.eml")
    body = message_from_bytes(mail.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
    token = re.search(r"token=([A-Za-z0-9_-]+)", body).group(1)
    tokens = client.post("/api/auth/verify", json={"token": token}).json()
    assert "accessToken" in tokens, tokens
    bearer = {"Authorization": f"Bearer {tokens['accessToken']}"}
    assert client.post("/api/practice/logs", json=log_body(), headers=bearer).status_code == 201
    return tokens["accessToken"]


def test_every_operation_answers_as_documented_and_never_with_a_server_error(client, admin_token, backend):
    schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
    operations = [result.ok() for result in schema.get_all_operations()]
    started, failures = time.monotonic(), []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += run_operation(client, admin_token, operation, mode, EXAMPLES_ON[backend])
    print(
        f"fuzzed {len(operations)} operations x {EXAMPLES_ON[backend]} valid and as many invalid requests on {backend} "
        f"in {time.monotonic() - started:.0f} s: {len(failures)} failures"
    )
    assert not failures, "\n".join(failures[:40])
