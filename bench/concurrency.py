"""The app under 1, 10 and 50 concurrent clients, each call beside its raw-driver floor.

Usage: python bench/concurrency.py [--sqlite-only] [--postgres URL] [--calls 200]
                                  [--only TEXT ...] [--paced-only] [--smoke]
(--only keeps the lines whose name contains TEXT, e.g. --only analytics --only sheet-music;
--smoke is the under-a-minute run for catching a regression by eye: SQLite only, paced lines of
5 s, no closed loops.)

For SQLite (a fresh file) and PostgreSQL (a fresh database next to URL's), against a real
`mirubato serve` process on loopback with 50 users signed in through emailed links:
  * log save through the service layer, as a page event runs it (write turn, worker thread);
  * POST /api/practice/logs; GET /api/sheet-music?instrument=piano&period=Romantic;
  * the first render of the dashboard, progress, library and history pages (signed in by cookie),
    with each page's element count and size;
  * GET /api/analytics/practice-time (90 days); POST /api/sync with 100 queued creates;
each call first by 50 paced clients (people using the app: a save, a library page or an
analytics call about once a second each, a dashboard every 5 s, a 100-change sync every 30 s),
then in closed loops of 1, 10 and 50 clients (saturation: every client sends again at once).
Figures are p50/p95/p99 in ms, throughput, and p95 as a multiple of the floor's p95 at the same
load; the paced lines also print the target ratio (issue 20) and whether this run met it. A page's
floor is the dashboard's: the two primary-key reads that identify the browser.
The benchmark client runs on the same 2 cores as the server, so it takes CPU from it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url
from sqlmodel import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.catalogue_paging import fill
from bench.floors import Floors
from bench.load_shapes import Call, Figures, closed_loop, paced
from core import schema
from core.db import Database
from core.models import AuthSession, User
from services import practice_logs
from services.actor import Actor
from tests.factories import log_body, make_user
from tests.mail_sink import MailSink, running_mail_sink
from tests.processes import MIRUBATO, clean_env, free_port, wait_until_healthy

LEVELS = (1, 10, 50)
USERS = max(LEVELS)
SYNC_BATCH = 100
PAGES = {"dashboard": "/", "progress": "/progress", "library": "/library", "history": "/history"}
ELEMENTS = re.compile(r"parseElements\(String\.raw`(.*?)`\)", re.S)


@dataclass
class Member:
    """One benchmark user: how the service layer, the API and the browser pages each know them."""

    actor: Actor
    api: httpx.AsyncClient
    browser: httpx.AsyncClient
    session_id: uuid.UUID


class Clock:
    """Start times that only go forward, so every new log is its user's latest (the common case).

    From two days back: the saves land in the history page's fortnight, so the pages measured
    after them show a musician's recent practice, not an empty state.
    """

    def __init__(self) -> None:
        self._seconds = itertools.count()
        self._origin = datetime.now(UTC) - timedelta(days=2)

    def next(self) -> str:
        return (self._origin + timedelta(seconds=next(self._seconds))).isoformat()


def line(name: str, clients: int, result: Figures, floor: Figures | None, target: float | None = None) -> None:
    ratio = f"  p95 {result.p95 / floor.p95:5.1f}x floor" if floor and floor.p95 > 0 else ""
    if ratio and target:
        met = "met" if result.p95 / floor.p95 <= target else "not met"
        ratio += f" (target <= {target:g}x: {met})"
    print(f"  {clients:>2} clients  {name:38s} {result.row()}{ratio}", flush=True)


# Issue 20: 50 clients flat out on one process should get at least 2.5x the ~180 saves a second
# POST /api/practice/logs answered when the issue was filed.
POST_THROUGHPUT_BEFORE = 180.0
POST_THROUGHPUT_TARGET = 2.5


async def measure(name: str, call: Call, floor: Call, *, calls: int) -> None:
    for clients in LEVELS:
        floor_figures = await closed_loop(floor, calls=calls, clients=clients)
        line(f"floor: {name}", clients, floor_figures, None)
        figures = await closed_loop(call, calls=calls, clients=clients)
        line(name, clients, figures, floor_figures)
        if name.startswith("POST /api/practice/logs") and clients == max(LEVELS):
            times = figures.rate / POST_THROUGHPUT_BEFORE
            met = "met" if times >= POST_THROUGHPUT_TARGET else "not met"
            print(
                f"      throughput {figures.rate:.0f}/s = {times:.1f}x the {POST_THROUGHPUT_BEFORE:.0f}/s "
                f"of issue 20's start (target >= {POST_THROUGHPUT_TARGET:g}x: {met})",
                flush=True,
            )


def threaded(work: Callable[[int], object]) -> Call:
    async def call(client: int, _number: int) -> None:
        await asyncio.to_thread(work, client)

    return call


@dataclass(frozen=True)
class Selection:
    calls: int
    only: tuple[str, ...] = ()
    paced_only: bool = False
    paced_seconds: float = 15.0  # a paced line runs this long, or two of its intervals if longer
    whole_intervals: bool = True
    users: int = USERS
    pieces: int = 2_000

    def keeps(self, name: str) -> bool:
        return not self.only or any(text.lower() in name.lower() for text in self.only)


async def run_database(url: str, folder: Path, selection: Selection) -> None:
    database = Database(url)
    schema.upgrade(database)
    fill(database, selection.pieces)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_mail_sink() as mail:
        server = subprocess.Popen(
            [MIRUBATO, "serve", "--port", str(port)], env=_server_env(folder, url, base, mail),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_until_healthy(base, server)
            members = [
                await _sign_in(base, mail, database, f"bench{index}@example.com") for index in range(selection.users)
            ]
            print(f"{database.engine.dialect.name}: p50 p95 p99 in ms; calls per second")
            await _lines(database, Floors(url), members, selection)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    database.dispose()


async def _lines(database: Database, floors: Floors, members: list[Member], selection: Selection) -> None:
    clock = Clock()

    def save(client: int) -> None:
        with database.transaction() as session:
            body = log_body(id=str(uuid.uuid4()), startTime=clock.next())
            practice_logs.log_practice(session, actor=members[client].actor, data=body)

    async def service_save(client: int, _number: int) -> None:
        async with database.write_turns.turn():
            await asyncio.to_thread(save, client)

    async def post_log(client: int, _number: int) -> None:
        body = log_body(id=str(uuid.uuid4()), startTime=clock.next())
        (await members[client].api.post("/api/practice/logs", json=body)).raise_for_status()

    async def library(client: int, _number: int) -> None:
        params = {"instrument": "piano", "period": "Romantic", "limit": 20}
        (await members[client].api.get("/api/sheet-music", params=params)).raise_for_status()

    def page(path: str) -> Call:
        async def first_render(client: int, _number: int) -> None:
            response = await members[client].browser.get(path)
            response.raise_for_status()
            assert "Mirubato" in response.text

        return first_render

    async def practice_time(client: int, _number: int) -> None:
        (await members[client].api.get("/api/analytics/practice-time")).raise_for_status()

    async def sync_batch(client: int, _number: int) -> None:
        changes = [
            {"id": str(uuid.uuid4()), "kind": "create", "logId": str(uuid.uuid4()),
             "data": log_body(startTime=clock.next())}
            for _ in range(SYNC_BATCH)
        ]  # fmt: skip
        response = await members[client].api.post("/api/sync", json={"changes": changes})
        response.raise_for_status()
        assert all(result["status"] == "applied" for result in response.json()["results"])

    user = lambda client: members[client].actor.id  # noqa: E731
    # The floors' raw inserts go to users of their own: stamped "now", they would otherwise be
    # every member's latest log, and each app save after them a back-dated one (a full rebuild).
    with database.transaction() as session:
        bystanders = [make_user(session, email=f"floor{index}@example.com").id for index in range(len(members))]
    raw_save = threaded(lambda client: floors.insert_log(bystanders[client]))
    raw_library = threaded(lambda _client: floors.library_page())
    identity = threaded(lambda client: floors.page_identity(members[client].session_id, user(client)))
    daily = threaded(lambda client: floors.daily_minutes(user(client)))
    raw_batch = threaded(lambda client: floors.insert_logs(bystanders[client], SYNC_BATCH))
    sync_name = f"POST /api/sync, {SYNC_BATCH} creates"
    pages = [(f"GET {path} ({name}, first render)", page(path), identity, 5.0, 40.0) for name, path in PAGES.items()]
    lines = [  # name, call, floor, seconds between one client's calls in the paced run, target ratio
        ("log save, service layer", service_save, raw_save, 1.0, 1.5),
        ("POST /api/practice/logs", post_log, raw_save, 1.0, 2.0),
        ("GET /api/sheet-music (piano, Romantic)", library, raw_library, 1.0, 5.0),
        *pages,
        ("GET /api/analytics/practice-time", practice_time, daily, 1.0, 5.0),
        (sync_name, sync_batch, raw_batch, 30.0, None),
    ]
    lines = [entry for entry in lines if selection.keeps(entry[0])]
    clients = len(members)
    # First, on a quiet server: 50 people using the app, not 50 clients flat out.
    print(f"  paced: {clients} clients, each calling about once per interval (exponential think time)")
    for name, call, floor, interval, target in lines:
        seconds = max(selection.paced_seconds, 2 * interval if selection.whole_intervals else 0)
        floor_figures = await paced(floor, clients=clients, interval=interval, seconds=seconds)
        figures = await paced(call, clients=clients, interval=interval, seconds=seconds)
        line(f"{name}, every {interval:g} s", clients, figures, floor_figures, target)
    await _page_sizes(members[0])
    if selection.paced_only:
        return
    print(f"  closed loops of {selection.calls} calls: each client sends its next as soon as the last is answered")
    for name, call, floor, _interval, _target in lines:
        calls = selection.calls
        await measure(name, call, floor, calls=max(USERS, calls // 4) if name == sync_name else calls)


async def _page_sizes(member: Member) -> None:
    """What each page sends: its elements (each one built, serialized and mounted) and its bytes,
    for a member with the logs the run saved."""
    for name, path in PAGES.items():
        response = await member.browser.get(path, headers={"Accept-Encoding": "identity"})
        found = ELEMENTS.search(response.text)
        elements = len(json.loads(found.group(1))) if found else 0
        print(f"  page {name:10s} {elements:4d} elements, {len(response.content) / 1024:5.0f} kB", flush=True)


# The smoke run's lines: each kind of work once (a sync line alone would take a minute).
SMOKE_LINES = ("log save", "POST /api/practice", "sheet-music", "first render", "analytics")


def _server_env(folder: Path, url: str, base: str, mail: MailSink) -> dict[str, str]:
    return clean_env(
        MIRUBATO_DATA_DIR=str(folder), MIRUBATO_DATABASE_URL=url, MIRUBATO_BASE_URL=base,
        MIRUBATO_SMTP_HOST=mail.host, MIRUBATO_SMTP_PORT=str(mail.port), MIRUBATO_LOG_LEVEL="WARNING",
        MIRUBATO_SEED_ON_START="false", MIRUBATO_ACCESS_TOKEN_MINUTES="60",
        MIRUBATO_RATE_WRITES_PER_USER="1000000", MIRUBATO_RATE_READS_PER_USER="1000000",
        MIRUBATO_RATE_LOGIN_PER_IP="100000",
        MIRUBATO_RATE_VERIFY_PER_IP="100000",
    )  # fmt: skip


async def _sign_in(base: str, mail: MailSink, database: Database, email: str) -> Member:
    limits = httpx.Limits(max_connections=4)
    api = httpx.AsyncClient(base_url=base, timeout=120, limits=limits)
    (await api.post("/api/auth/login", json={"email": email})).raise_for_status()
    verified = await api.post("/api/auth/verify", json={"token": mail.last_token(email)})
    api.headers["Authorization"] = f"Bearer {verified.raise_for_status().json()['accessToken']}"
    (await api.put("/api/users/me", json={"displayName": email.split("@")[0]})).raise_for_status()
    browser = httpx.AsyncClient(base_url=base, timeout=120, limits=limits, headers={"Origin": base})
    (await browser.get("/login")).raise_for_status()
    (await browser.post("/api/auth/login", json={"email": email})).raise_for_status()
    await browser.post("/auth/verify", data={"token": mail.last_token(email)})
    with database.transaction(write=False) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        newest = select(AuthSession).where(AuthSession.user_id == user.id).order_by(AuthSession.created_at.desc())
        session_id = session.exec(newest).first().id
        actor = Actor(id=user.id, role=user.role, timezone=user.timezone)
    return Member(actor=actor, api=api, browser=browser, session_id=session_id)


def _fresh_postgres(url: str) -> str:
    import psycopg

    admin = make_url(url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(False), autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS mirubato_bench WITH (FORCE)")
        connection.execute("CREATE DATABASE mirubato_bench")
    return admin.set(drivername="postgresql+psycopg", database="mirubato_bench").render_as_string(False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--only", action="append", default=[], help="keep lines whose name contains this")
    parser.add_argument("--paced-only", action="store_true", help="skip the closed loops")
    parser.add_argument("--smoke", action="store_true", help="under a minute: SQLite, 10 clients, 5 s lines")
    args = parser.parse_args()
    selection = Selection(args.calls, tuple(args.only), args.paced_only)
    if args.smoke:
        args.sqlite_only = True
        selection = Selection(
            args.calls, (*args.only, *SMOKE_LINES), True, paced_seconds=2.5, whole_intervals=False, users=10, pieces=500
        )
    folder = Path(tempfile.mkdtemp())
    urls = [f"sqlite:///{folder / 'sqlite' / 'mirubato.db'}"]
    if not args.sqlite_only:
        urls.append(_fresh_postgres(args.postgres))
    loop = asyncio.new_event_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=USERS + 8))
    for url in urls:
        data_dir = folder / make_url(url).get_backend_name()
        data_dir.mkdir(exist_ok=True)
        loop.run_until_complete(run_database(url, data_dir, selection))


if __name__ == "__main__":
    main()
