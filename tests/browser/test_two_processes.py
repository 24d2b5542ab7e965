"""Two app processes on one PostgreSQL, browser storage in Redis, behind nginx sticky by cookie.

The deployment of the README, on loopback: deploy/nginx-mirubato.conf in front of two
`mirubato serve` processes. A musician signs in through the proxy, then saves a log on the
other process directly, and the first one shows it; signing out on one ends the sign-in on both;
rate limits count the requests of both.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from playwright.sync_api import Page, expect
from sqlalchemy import func
from sqlmodel import select

from core.db import Database
from core.models import PracticeLog, User
from tests.browser.conftest import Server, onboard, screenshot, start_server, stop_server
from tests.conftest import PG_URL_VARIABLE, fresh_postgres_database
from tests.mail_sink import MailSink
from tests.processes import free_port

NGINX = "/usr/sbin/nginx"
SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx-mirubato.conf"
REDIS_URL = os.environ.get("MIRUBATO_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
SECRET = "two-processes-secret-" + "x" * 40

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(PG_URL_VARIABLE not in os.environ, reason="runs on PostgreSQL (MIRUBATO_TEST_DATABASE_URL)"),
]


@dataclass
class Cluster:
    proxy: Server  # what users reach: nginx
    processes: dict[str, Server]  # "127.0.0.1:port" -> the app process there
    database: Database


def _nginx_config(folder: Path, port: int, upstreams: list[int]) -> Path:
    """The deploy config with this run's ports, plus a header naming the process that answered."""
    site = SITE.read_text()
    site = site.replace("127.0.0.1:8081", f"127.0.0.1:{upstreams[0]}").replace(
        "127.0.0.1:8082", f"127.0.0.1:{upstreams[1]}"
    )
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace(
        "add_header Set-Cookie", "add_header X-Upstream $upstream_addr always;\n        add_header Set-Cookie"
    )
    (folder / "mirubato.conf").write_text(site)
    main = folder / "nginx.conf"
    main.write_text(
        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\nhttp {{\n"
        f"  access_log {folder}/access.log;\n"
        + "".join(
            f"  {kind}_temp_path {folder}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {folder}/mirubato.conf;\n}}\n"
    )
    return main


@pytest.fixture(scope="module")
def cluster(mail: MailSink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    redis.Redis.from_url(REDIS_URL).flushdb()
    url = fresh_postgres_database("mirubato_two_processes")
    ports = [free_port(), free_port()]
    proxy_port = free_port()
    public = f"http://127.0.0.1:{proxy_port}"
    env = {"MIRUBATO_DATABASE_URL": url, "NICEGUI_REDIS_URL": REDIS_URL, "MIRUBATO_SECRET_KEY": SECRET}
    processes = [start_server(tmp_path_factory.mktemp("app"), port, mail, public_url=public, **env) for port in ports]
    folder = tmp_path_factory.mktemp("nginx")
    config = _nginx_config(folder, proxy_port, ports)
    nginx = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(config), "-g", "daemon off;"])
    proxy = Server(url=public, mail=mail, data_dir=folder, process=nginx)
    database = Database(url)
    try:
        _wait_for(public)
        yield Cluster(proxy, {f"127.0.0.1:{port}": p for port, p in zip(ports, processes, strict=True)}, database)
    finally:
        database.dispose()
        for server in (proxy, *processes):
            stop_server(server)


def _wait_for(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}")


def test_signed_in_through_one_process_a_musician_logs_through_the_other(page: Page, cluster: Cluster):
    proxy = cluster.proxy
    onboard(page, proxy, "two-processes@example.com", name="Fanny Hensel")  # clicks use the proxied websocket
    answered = {page.goto(f"{proxy.url}{path}").headers["x-upstream"] for path in ("/", "/history", "/library", "/")}
    assert len(answered) == 1, f"one browser was served by {answered}"
    first = answered.pop()
    (other,) = (server for address, server in cluster.processes.items() if address != first)

    # The other process knows this browser (its storage is in Redis) and saves to the same database.
    page.goto(f"{other.url}/log/new")
    page.get_by_label("Composer").fill("Fanny Hensel")
    page.get_by_label("Title").fill("Das Jahr: Januar")
    page.get_by_label("Minutes").fill("35")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{other.url}/history")

    history = page.goto(f"{proxy.url}/history")
    assert history.headers["x-upstream"] == first
    expect(page.get_by_text("Fanny Hensel: Das Jahr: Januar")).to_be_visible()
    screenshot(page, "two-processes-history")
    with cluster.database.transaction(write=False) as session:
        user = session.exec(select(User).where(User.email == "two-processes@example.com")).one()
        logs = session.exec(select(func.count()).where(PracticeLog.user_id == user.id)).one()
    print(f"two processes behind nginx: signed in through {first}, logged through {other.url}, rows {logs}")
    assert logs == 1

    # Signing out through the proxy ends the sign-in on the other process too.
    page.get_by_role("button", name="Account menu").click()
    page.get_by_text("Sign out", exact=True).click()
    page.wait_for_url(f"{proxy.url}/login")
    page.goto(f"{other.url}/history")
    page.wait_for_url(f"{other.url}/login")


def test_new_browsers_are_spread_over_both_processes_and_each_stays_on_its_own(cluster: Cluster):
    seen = {}
    for number in range(12):
        with httpx.Client(base_url=cluster.proxy.url) as browser:  # each a new browser with its own cookies
            first = browser.get("/login")
            assert "mirubato_route" in browser.cookies
            again = {browser.get(path).headers["x-upstream"] for path in ("/login", "/api/health", "/login")}
            assert again == {first.headers["x-upstream"]}, f"browser {number} moved between processes"
            seen[number] = first.headers["x-upstream"]
    print(f"12 new browsers: {sorted(seen.values()).count(min(seen.values()))} on one process, the rest on the other")
    assert set(seen.values()) == set(cluster.processes)


def test_a_rate_limit_holds_across_both_processes(cluster: Cluster):
    """Five sign-in emails per address per 15 minutes in all, not five per process (counted in Redis)."""
    statuses = []
    for number in range(6):
        server = list(cluster.processes.values())[number % 2]
        statuses.append(httpx.post(f"{server.url}/api/auth/login", json={"email": "limited@example.com"}).status_code)
    assert statuses == [202] * 5 + [429]
