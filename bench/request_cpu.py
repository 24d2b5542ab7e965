"""CPU per API request, one request at a time: the app's own cost, without the load's noise.

The ASGI app runs in this process (FastAPI's TestClient on one event-loop thread, as a server has),
on a SQLite file without an fsync per commit, signed in with a real access token. Printed per
request: the process's CPU time (the client's share included: compare lines, or runs of two
versions, not absolute figures) and the wall time.

    .venv/bin/python bench/request_cpu.py [--requests 600]

Paced and closed-loop figures (bench/concurrency.py) swing with this machine's disk and neighbours;
this one moved by tenths of a millisecond between runs of the same code.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path

import anyio.from_thread
import httpx
from fastapi.testclient import TestClient

from app.main import create_app
from core import schema
from core.db import Database
from core.settings import Settings
from tests.factories import log_body, new_piece

WARM_UP = 50


def signed_in_client(folder: Path, portal: anyio.from_thread.BlockingPortal) -> tuple[TestClient, dict[str, str]]:
    database = Database(f"sqlite:///{folder / 'bench.db'}", synchronous="OFF")
    schema.upgrade(database)
    for _ in range(30):
        new_piece(database)
    settings = Settings(
        data_dir=folder,
        seed_on_start=False,
        environment="test",
        secret_key="bench-" + "x" * 44,
        rate_writes_per_user=10**6,
        rate_reads_per_user=10**6,
    )
    client = TestClient(create_app(settings, database=database), raise_server_exceptions=False)
    client.portal = portal  # one event loop for every request, as a server has
    client.post("/api/auth/login", json={"email": "bench@example.com"}).raise_for_status()
    mail = next((folder / "mail").glob("*.eml"))  # without an SMTP host the link is kept in a file
    part = message_from_bytes(mail.read_bytes(), policy=policy.default).get_body(("plain",))
    found = re.search(r"token=([A-Za-z0-9_-]+)", str(part.get_content()) if part else "")
    if found is None:
        raise SystemExit("no sign-in link in the email")
    token = found.group(1)
    tokens = client.post("/api/auth/verify", json={"token": token}).json()
    return client, {"Authorization": f"Bearer {tokens['accessToken']}"}


def measure(name: str, call: Callable[[], httpx.Response], requests: int) -> None:
    for _ in range(WARM_UP):
        call().raise_for_status()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        call().raise_for_status()
    cpu_ms = 1000 * (time.process_time() - cpu) / requests
    wall_ms = 1000 * (time.perf_counter() - wall) / requests
    print(f"  {name:38s} cpu {cpu_ms:6.2f} ms   wall {wall_ms:6.2f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    requests = parser.parse_args().requests
    with tempfile.TemporaryDirectory() as folder, anyio.from_thread.start_blocking_portal() as portal:
        client, bearer = signed_in_client(Path(folder), portal)
        print(f"per request, {requests} one after another (SQLite, in process):")
        measure("GET /api/health", lambda: client.get("/api/health"), requests)
        measure("GET /api/sheet-music (signed in)", lambda: client.get("/api/sheet-music", headers=bearer), requests)
        measure("GET /api/sheet-music (anonymous)", lambda: client.get("/api/sheet-music"), requests)
        measure(
            "POST /api/practice/logs",
            lambda: client.post("/api/practice/logs", json=log_body(), headers=bearer),
            requests,
        )


if __name__ == "__main__":
    main()
