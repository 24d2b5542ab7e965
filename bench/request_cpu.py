"""CPU per request, one request at a time: the app's own cost, without the load's noise.

The whole app runs in this process, started as a server starts it (NiceGUI's simulated server: its
start-up, one event loop), on a SQLite file without an fsync per commit, reached over ASGI by an
HTTP client signed in with a real access token and, for the pages, a browser's cookie. Printed per
request: the process's CPU time (the client's share included: compare lines, or runs of two
versions, not absolute figures), the wall time, and how much of it the cyclic garbage collector
took. With ``--pages``, the first render of the
dashboard, progress, library and history pages too, for a musician with four logs a day over a
month (each page built, serialized and sent; it never connects, as a prefetch).

    .venv/bin/python bench/request_cpu.py [--requests 600] [--pages] [--only TEXT]

Paced and closed-loop figures (bench/concurrency.py) swing with this machine's disk and neighbours;
this one moved by tenths of a millisecond between runs of the same code.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import itertools
import os
import re
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import httpx

from core import schema
from core.db import Database
from core.settings import Settings
from tests.factories import log_body, new_piece
from tests.simulated_app import SITE, simulated_app
from web import gc_tuning, idle_outbox, nicegui_middleware

WARM_UP = 50
EMAIL = "bench@example.com"
PAGES = {"dashboard": "/", "progress": "/progress", "library": "/library", "history": "/history"}

Call = Callable[[], Awaitable[httpx.Response]]


def _last_token(folder: Path) -> str:
    """The sign-in token in the newest email (without an SMTP host the link is kept in a file)."""
    mail = max((folder / "mail").glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    part = message_from_bytes(mail.read_bytes(), policy=policy.default).get_body(("plain",))
    found = re.search(r"token=([A-Za-z0-9_-]+)", str(part.get_content()) if part else "")
    if found is None:
        raise SystemExit("no sign-in link in the email")
    return found.group(1)


async def bearer_of(client: httpx.AsyncClient, folder: Path) -> dict[str, str]:
    """An access token for the benchmark's musician, as a REST client signs in."""
    (await client.post("/api/auth/login", json={"email": EMAIL})).raise_for_status()
    tokens = (await client.post("/api/auth/verify", json={"token": _last_token(folder)})).json()
    bearer = {"Authorization": f"Bearer {tokens['accessToken']}"}
    (await client.put("/api/users/me", json={"displayName": "Bench"}, headers=bearer)).raise_for_status()
    return bearer


async def sign_in_browser(client: httpx.AsyncClient, folder: Path) -> None:
    """Sign the client's cookie jar in as the same musician, as a browser does (the pages use it)."""
    (await client.get("/login")).raise_for_status()
    (await client.post("/api/auth/login", json={"email": EMAIL})).raise_for_status()
    answer = await client.post("/auth/verify", data={"token": _last_token(folder)}, headers={"Origin": SITE})
    if answer.status_code != 303 or answer.headers["location"] != "/":
        raise SystemExit(f"the browser's sign-in went to {answer.headers.get('location')}")


async def month_of_logs(client: httpx.AsyncClient, bearer: dict[str, str]) -> None:
    """Four logs a day over the last 30 days, so that every page has something to show."""
    now = datetime.now(UTC)
    for day in range(30):
        for hour in range(4):
            started = (now - timedelta(days=day, hours=hour + 1)).isoformat()
            body = log_body(startTime=started)
            (await client.post("/api/practice/logs", json=body, headers=bearer)).raise_for_status()


class Collector:
    """The cyclic collector's passes and their time, from its callbacks."""

    def __init__(self) -> None:
        self.passes, self.seconds, self._started = [0, 0, 0], [0.0, 0.0, 0.0], 0.0
        gc.callbacks.append(self._observe)

    def _observe(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.passes[info["generation"]] += 1
            self.seconds[info["generation"]] += time.perf_counter() - self._started

    def since(self, passes: list[int], seconds: list[float], requests: int) -> str:
        """Per generation: passes, and their milliseconds per request, since the figures given."""
        return ", ".join(
            f"{self.passes[g] - passes[g]}x {1000 * (self.seconds[g] - seconds[g]) / requests:.2f}" for g in range(3)
        )


COLLECTOR = Collector()


async def measure(name: str, call: Call, requests: int) -> None:
    for _ in range(WARM_UP):
        (await call()).raise_for_status()
    cpu, wall = time.process_time(), time.perf_counter()
    passes, collecting = list(COLLECTOR.passes), list(COLLECTOR.seconds)
    for _ in range(requests):
        (await call()).raise_for_status()
    cpu_ms = 1000 * (time.process_time() - cpu) / requests
    wall_ms = 1000 * (time.perf_counter() - wall) / requests
    gc_ms = 1000 * (sum(COLLECTOR.seconds) - sum(collecting)) / requests
    print(
        f"  {name:34s} cpu {cpu_ms:6.2f} ms  wall {wall_ms:6.2f} ms  the collector {gc_ms:5.2f} ms "
        f"(generations 0, 1, 2: {COLLECTOR.since(passes, collecting, requests)})",
        flush=True,
    )


async def run(folder: Path, requests: int, pages: bool, only: list[str]) -> None:
    database = Database(f"sqlite:///{folder / 'bench.db'}", synchronous="OFF")
    schema.upgrade(database)
    for _ in range(30):
        new_piece(database)
    settings = Settings(
        data_dir=folder,
        base_url=SITE,
        seed_on_start=False,
        environment="test",
        secret_key="bench-" + "x" * 44,
        rate_writes_per_user=10**6,
        rate_reads_per_user=10**6,
    )
    # What `mirubato serve` puts in place before NiceGUI starts (app.main.serve), then after.
    nicegui_middleware.install()
    idle_outbox.install()
    async with simulated_app(settings, database, folder) as client:
        gc_tuning.tune_for_serving()
        client.headers["Accept-Encoding"] = "identity"
        bearer = await bearer_of(client, folder)
        lines: dict[str, Call] = {
            "GET /api/health": functools.partial(client.get, "/api/health"),
            "GET /api/sheet-music (signed in)": functools.partial(client.get, "/api/sheet-music", headers=bearer),
            "GET /api/sheet-music (anonymous)": functools.partial(client.get, "/api/sheet-music"),
        }
        if pages:  # before the saves below, which add hundreds of logs to today
            await month_of_logs(client, bearer)
            await sign_in_browser(client, folder)
            for name, path in PAGES.items():
                lines[f"page {name}, first render"] = functools.partial(client.get, path)

        # Each save a new log, a second after the one before (after the month's logs, never in the
        # future): the path of a log saved as it happens, not of one dated before the newest.
        starts = (datetime.now(UTC) - timedelta(minutes=50) + timedelta(seconds=n) for n in itertools.count())

        def post_log() -> Awaitable[httpx.Response]:
            body = log_body(startTime=next(starts).isoformat())
            return client.post("/api/practice/logs", json=body, headers=bearer)

        lines["POST /api/practice/logs"] = post_log
        print(f"per request, {requests} one after another (SQLite, in process):")
        for name, call in lines.items():
            if not only or any(text in name for text in only):
                await measure(name, call, requests)


def main() -> None:
    # NiceGUI's simulated server is made for pytest and checks for it (clearing its storage, the
    # port it would serve on); these two tell it where it runs. Without pytest NiceGUI would also
    # put its gzip layer in front, which the figures leave out (the client asks for no compression).
    os.environ.setdefault("PYTEST_CURRENT_TEST", "bench/request_cpu.py")
    os.environ.setdefault("NICEGUI_SCREEN_TEST_PORT", "3392")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--pages", action="store_true", help="also each page's first render")
    parser.add_argument("--only", action="append", default=[], help="keep the lines whose name contains TEXT")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(Path(folder), arguments.requests, arguments.pages, arguments.only))


if __name__ == "__main__":
    main()
