"""200 browsers at once: real NiceGUI websocket clients doing a practice flow against one server.

Usage: python bench/many_browsers.py [DATABASE_URL] [--browsers 200] [--minutes 2] [--think 10,30]

Each virtual browser is what Chromium would be on the wire, minus the rendering: it signs in
through an emailed link (its own cookies), loads the dashboard, opens the page's websocket
(socket.io, as nicegui.js does, answering the server's JavaScript calls), then for the run's
length practises: every 10-30 s (``--think``) it saves a log the way the page does (a change sent by the
outbox element, answered by "acknowledge") or opens its history, and now and then sends an
empty sync (a read round trip). Printed: server memory per connected browser, page load and
event round trips (p50/p95/p99), errors by kind, and saved logs against acknowledged ones.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_shapes import figures
from core import schema
from core.db import Database
from tests.factories import log_body, make_user
from tests.mail_sink import MailSink, running_mail_sink
from tests.processes import MIRUBATO, clean_env, free_port, wait_until_healthy

TARGET_P99_MS = 250.0  # issue 20, for 500 browsers on one process
ELEMENTS = re.compile(r"parseElements\(String\.raw`(.*?)`\)", re.S)
QUERY = re.compile(r"^\s*query: (\{.*\}),\s*$", re.M)


class Browser:
    """One signed-in browser tab on the dashboard, connected over the page's websocket."""

    def __init__(self, base: str, email: str, stats: Stats) -> None:
        self.base, self.email, self.stats = base, email, stats
        # Idle connections are dropped before uvicorn's 5 s keep-alive ends: reusing one the server is
        # closing at that moment fails the request (a real browser retries it; httpx does not).
        limits = httpx.Limits(keepalive_expiry=4)
        self.http = httpx.AsyncClient(base_url=base, timeout=60, headers={"Origin": base}, limits=limits)
        self.socket = socketio.AsyncClient(reconnection=True, reconnection_delay=0.5)  # as nicegui.js does
        self.socket.on("run_javascript", self._run_javascript)
        self._answer: asyncio.Future[list[dict]] | None = None
        self._waiting_for: list[str] = []
        self.client_id = self.outbox_id = self.listener_id = ""

    async def sign_in(self, mail: MailSink) -> None:
        (await self.http.get("/login")).raise_for_status()
        (await self.http.post("/api/auth/login", json={"email": self.email})).raise_for_status()
        await self.http.post("/auth/verify", data={"token": mail.last_token(self.email)})

    async def open_dashboard(self) -> None:
        started = time.perf_counter()
        page = await self.http.get("/")
        page.raise_for_status()
        self.stats.page_loads.append((time.perf_counter() - started) * 1000)
        elements = json.loads(ELEMENTS.search(page.text).group(1))
        query = ast.literal_eval(QUERY.search(page.text).group(1))  # the template prints a Python dict
        self.client_id = query["client_id"]
        self.outbox_id, self.listener_id = next(
            (element_id, event["listener_id"])
            for element_id, element in elements.items()
            for event in element.get("events", [])
            if event["type"] == "sync"
        )
        query.update(document_id=str(uuid.uuid4()), tab_id=str(uuid.uuid4()), old_tab_id="null")
        params = "&".join(
            f"{key}={str(value).lower() if isinstance(value, bool) else value}" for key, value in query.items()
        )
        cookies = "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())
        await self.socket.connect(
            f"{self.base}?{params}", socketio_path="/_nicegui_ws/socket.io", transports=["websocket"],
            headers={"Cookie": cookies}, wait_timeout=30,
        )  # fmt: skip

    async def _run_javascript(self, message: dict) -> None:
        code = message.get("code", "")
        if "acknowledge" in code and self._answer and not self._answer.done():
            results = json.loads(code[code.index("[") : code.rindex("]") + 1])[0]  # runMethod(id, name, [results])
            if [result.get("id") for result in results] == self._waiting_for:  # not a replayed older answer
                self._answer.set_result(results)
        if message.get("request_id"):
            reply = {"request_id": message["request_id"], "client_id": self.client_id, "result": None}
            await self.socket.emit("javascript_response", reply)

    async def sync(self, changes: list[dict]) -> list[dict]:
        """Send the outbox as the page does and wait for the server's acknowledgement."""
        self._answer = asyncio.get_running_loop().create_future()
        self._waiting_for = [change["id"] for change in changes]
        event = {"id": int(self.outbox_id), "client_id": self.client_id, "listener_id": self.listener_id,
                 "args": [json.dumps({"changes": changes})]}  # fmt: skip
        await self.socket.emit("event", event)
        return await asyncio.wait_for(self._answer, timeout=30)

    async def save_log(self) -> None:
        change = {"id": str(uuid.uuid4()), "kind": "create", "logId": str(uuid.uuid4()), "origin": "bench",
                  "data": log_body(startTime=self.stats.clock())}  # fmt: skip
        started = time.perf_counter()
        answers = await self.sync([change])
        self.stats.saves.append((time.perf_counter() - started) * 1000)
        if [answer.get("status") for answer in answers] != ["applied"]:
            raise RuntimeError(f"save answered {answers}")
        self.stats.acknowledged += 1

    async def read_round_trip(self) -> None:
        started = time.perf_counter()
        await self.sync([])
        self.stats.reads.append((time.perf_counter() - started) * 1000)

    async def open_history(self) -> None:
        started = time.perf_counter()
        (await self.http.get("/history")).raise_for_status()
        self.stats.page_loads.append((time.perf_counter() - started) * 1000)

    async def close(self) -> None:
        await self.socket.disconnect()
        await self.http.aclose()


class Stats:
    def __init__(self) -> None:
        self.page_loads: list[float] = []
        self.saves: list[float] = []
        self.reads: list[float] = []
        self.errors: Counter[str] = Counter()
        self.acknowledged = 0
        self._seconds = iter(range(10**9))
        self._origin = time.time() - 20 * 86400

    def clock(self) -> str:
        """Start times that go forward, so each save is its user's newest log."""
        from datetime import UTC, datetime

        return datetime.fromtimestamp(self._origin + next(self._seconds) * 60, UTC).isoformat()


async def guarded(stats: Stats, kind: str, work) -> None:  # type: ignore[no-untyped-def]
    try:
        await work
    except Exception as error:  # counted and reported; the run goes on
        stats.errors[f"{kind}: {type(error).__name__}"] += 1


async def practise(
    browser: Browser, stats: Stats, seconds: float, think: tuple[float, float], rng: random.Random
) -> None:
    deadline = time.monotonic() + seconds
    await asyncio.sleep(rng.uniform(0, think[0]))
    while time.monotonic() < deadline:
        action = rng.random()
        if action < 0.6:
            await guarded(stats, "save", browser.save_log())
        elif action < 0.8:
            await guarded(stats, "history page", browser.open_history())
        else:
            await guarded(stats, "read event", browser.read_round_trip())
        await asyncio.sleep(rng.uniform(*think))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def in_batches(coroutines: list, size: int = 20) -> None:  # type: ignore[type-arg]
    for start in range(0, len(coroutines), size):
        await asyncio.gather(*coroutines[start : start + size])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def run(url: str, folder: Path, count: int, seconds: float, think: tuple[float, float]) -> None:
    database = Database(url)
    schema.upgrade(database)
    emails = [f"browser{number}@example.com" for number in range(count)]
    with database.transaction() as session:
        for email in emails:
            make_user(session, email=email, display_name=email.split("@")[0])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    stats = Stats()
    with running_mail_sink() as mail:
        env = clean_env(MIRUBATO_DATA_DIR=str(folder), MIRUBATO_DATABASE_URL=url, MIRUBATO_BASE_URL=base,
                        MIRUBATO_SMTP_HOST=mail.host, MIRUBATO_SMTP_PORT=str(mail.port), MIRUBATO_LOG_LEVEL="WARNING",
                        MIRUBATO_RATE_LOGIN_PER_IP="100000", MIRUBATO_RATE_VERIFY_PER_IP="100000")  # fmt: skip
        log = (folder / "server.log").open("w")
        server = subprocess.Popen([MIRUBATO, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
        try:
            wait_until_healthy(base, server)
            browsers = [Browser(base, email, stats) for email in emails]
            await in_batches([browser.sign_in(mail) for browser in browsers])
            await browsers[0].open_dashboard()  # warm: templates, imports, first queries
            before = rss_mb(server.pid)
            started = time.perf_counter()
            await in_batches([guarded(stats, "open dashboard", b.open_dashboard()) for b in browsers[1:]])
            opened = time.perf_counter() - started
            connected = sum(b.socket.connected for b in browsers)
            arrival = figures(stats.page_loads, 1)
            stats.page_loads.clear()  # from here on: page loads during the practice flow
            with_all = rss_mb(server.pid)
            print(f"{database.engine.dialect.name}: {connected} of {count} browsers connected in {opened:.1f} s; "
                  f"server RSS {before:.0f} MB with 1, {with_all:.0f} MB with {connected}: "
                  f"{(with_all - before) / max(1, connected - 1):.2f} MB per browser; dashboard loads while they "
                  f"arrived (20 at a time) p50 {arrival.p50:.0f} p95 {arrival.p95:.0f} ms", flush=True)  # fmt: skip
            server_cpu, own_cpu, started = cpu_seconds(server.pid), cpu_seconds(os.getpid()), time.monotonic()
            await asyncio.gather(
                *(practise(b, stats, seconds, think, random.Random(i)) for i, b in enumerate(browsers))
            )
            elapsed = time.monotonic() - started
            print(f"  practice flow: {seconds:.0f} s, think time {think[0]:.0f}-{think[1]:.0f} s; CPU used: server "
                  f"{(cpu_seconds(server.pid) - server_cpu) / elapsed:.0%} of a core, these clients "
                  f"{(cpu_seconds(os.getpid()) - own_cpu) / elapsed:.0%}")  # fmt: skip
            after = rss_mb(server.pid)
            still = sum(b.socket.connected for b in browsers)
            print(f"  sockets still connected at the end: {still} of {connected}")
            exposition = httpx.get(f"{base}/metrics").text
            clients = _gauge(exposition, "mirubato_browser_clients")
            print(f"  garbage collector: {_gc_pauses(exposition)}")
            await in_batches([guarded(stats, "close", b.close()) for b in browsers])
        finally:
            server.terminate()
            server.wait(timeout=30)
    _report(stats, database, after, clients, folder / "server.log")
    database.dispose()


def _gauge(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
    return float(match.group(1)) if match else float("nan")


def _gc_pauses(text: str) -> str:
    """Passes per generation, and how many of them stopped the process for 100 ms or more."""
    parts = []
    for generation in ("0", "1", "2"):
        total = _gauge(text, f'mirubato_gc_pause_seconds_count{{generation="{generation}"}}')
        quick = _gauge(text, f'mirubato_gc_pause_seconds_bucket{{generation="{generation}",le="0.05"}}')
        long = total - _gauge(text, f'mirubato_gc_pause_seconds_bucket{{generation="{generation}",le="0.1"}}')
        seconds = _gauge(text, f'mirubato_gc_pause_seconds_sum{{generation="{generation}"}}')
        parts.append(f"gen{generation} {total:.0f} passes, {total - quick:.0f} over 50 ms, {long:.0f} over 100 ms, "
                     f"{seconds:.1f} s in all")  # fmt: skip
    return "; ".join(parts)


def _report(stats: Stats, database: Database, rss: float, clients: float, server_log: Path) -> None:
    from sqlalchemy import text

    with database.transaction(write=False) as session:
        rows = session.execute(text("SELECT count(*) FROM practice_logs")).scalar_one()
    print(f"  after the flow: server RSS {rss:.0f} MB, browser clients on /metrics {clients:.0f}")
    for name, samples in (("history page load", stats.page_loads),
                          ("save a log (outbox event -> acknowledge)", stats.saves),
                          ("read round trip (empty sync)", stats.reads)):  # fmt: skip
        result = figures(samples, 1)
        print(
            f"  {name:42s} n {len(samples):4d}  p50 {result.p50:7.1f}  p95 {result.p95:7.1f}  p99 {result.p99:7.1f} ms"
        )
    logged_errors = sum(1 for line in server_log.read_text().splitlines() if "ERROR" in line or "Traceback" in line)
    print(f"  errors: {sum(stats.errors.values())} in the clients {dict(stats.errors)}; server log error lines "
          f"{logged_errors}; saves acknowledged {stats.acknowledged}, rows {rows}")  # fmt: skip
    trips = figures(stats.saves + stats.reads, 1)
    errors = sum(stats.errors.values()) + logged_errors
    met = "met" if errors == 0 and trips.p99 <= TARGET_P99_MS else "not met"
    print(f"  issue 20's target, 0 errors and a round trip p99 <= {TARGET_P99_MS:g} ms: {errors} errors, "
          f"p99 {trips.p99:.0f} ms ({met})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--browsers", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--think", default="10,30", help="seconds between a browser's actions: min,max")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = args.url or f"sqlite:///{folder / 'mirubato.db'}"
    low, high = (float(part) for part in args.think.split(","))
    asyncio.run(run(url, folder, args.browsers, args.minutes * 60, (low, high)))


if __name__ == "__main__":
    main()
