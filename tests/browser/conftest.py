"""Browser tests: Debian's Chromium driven by Playwright against a real `mirubato serve` process.

Screenshots go to artifacts/screenshots/ (desktop and phone size) for a reviewer to look at.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from sqlmodel import select

from core.db import Database
from core.models import User
from services import users
from services.actor import Actor
from tests.mail_sink import MailSink, running_mail_sink
from tests.processes import MIRUBATO, clean_env, free_port, wait_until_healthy

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# CI sets this to 0 (.ci/run): its fresh clone is thrown away with them, and the 57 captures at two
# widths (a relayout and a settling pause each) took about a minute of a browser run.
TAKE_SCREENSHOTS = os.environ.get("MIRUBATO_TEST_SCREENSHOTS", "1") != "0"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser

# How long an assertion on the page waits for it to hold (Playwright's default: 5 s). A passing wait
# returns as soon as it holds, so this costs nothing then; on a loaded CI machine Plotly took over 5 s
# to draw a teacher's view of a student, and a tab its socket handshake. Actions wait 10 s (below).
expect.set_options(timeout=15_000)

# What a server process must never log while a test drives it, with the reason. NiceGUI re-mounts an
# element (and everything in it, from their first props) when it gains an event listener after it
# reached the browser: a player lost the comments added since it opened (seen once on a loaded CI).
FORBIDDEN_IN_SERVER_LOG = {
    "Event listeners changed after initial definition": "a listener was added to an element already shown",
}
# Log files of the servers the tests started, with how much of each was already checked.
_server_logs: dict[Path, int] = {}


@dataclass
class Server:
    url: str
    mail: MailSink
    data_dir: Path
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="module")
def mail() -> Iterator[MailSink]:
    with running_mail_sink() as sink:
        yield sink


def start_server(data_dir: Path, port: int, mail: MailSink, *, public_url: str | None = None, **env: str) -> Server:
    """A `mirubato serve` process on loopback; the same data directory and port may be reused after a kill.

    ``public_url`` is where users reach it (a proxy in front), ``env`` more settings.
    """
    url = f"http://127.0.0.1:{port}"
    env = clean_env(
        **{
            "MIRUBATO_RATE_VERIFY_PER_IP": "1000",
            "MIRUBATO_RATE_LOGIN_PER_IP": "1000",
            "MIRUBATO_RATE_WRITES_PER_USER": "100000",
            "MIRUBATO_RATE_MAIL_PER_RECIPIENT": "1000",
            **env,
        },
        MIRUBATO_DATA_DIR=str(data_dir),
        MIRUBATO_BASE_URL=public_url or url,
        MIRUBATO_SMTP_HOST=mail.host,
        MIRUBATO_SMTP_PORT=str(mail.port),
    )
    log_path = data_dir / "server.log"
    log = log_path.open("a")
    _server_logs.setdefault(log_path, log_path.stat().st_size)
    process = subprocess.Popen([MIRUBATO, "serve", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    wait_until_healthy(url, process)
    return Server(url=url, mail=mail, data_dir=data_dir, process=process)


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        server.process.wait(timeout=20)


@pytest.fixture(autouse=True)
def no_forbidden_server_log_lines() -> Iterator[None]:
    """Fail the test during which a server logged a line of FORBIDDEN_IN_SERVER_LOG."""
    yield
    found = []
    for path, checked in list(_server_logs.items()):
        with path.open("rb") as log:
            log.seek(checked)
            data = log.read()
        _server_logs[path] = checked + len(data)
        added = data.decode(errors="replace")
        found += [f"{path}: {why}: {line.strip()}" for line in added.splitlines()
                  for text, why in FORBIDDEN_IN_SERVER_LOG.items() if text in line]  # fmt: skip
    assert not found, "\n".join(found)


@pytest.fixture(scope="module")
def server(mail: MailSink, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("server"), free_port(), mail)
    try:
        yield running
    finally:
        stop_server(running)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def onboard(page: Page, server: Server, email: str, name: str = "Musician") -> None:
    """Sign in as a new user and finish onboarding, ending on the dashboard."""
    sign_in_through_email(page, server, email)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url(f"{server.url}/")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def wait_until_connected(page: Page) -> None:
    """Wait for the page's socket handshake. A control answered on the server (a tab bound to its
    panels, a button's handler) does nothing when clicked before it: seen under load in CI."""
    page.wait_for_function("window.socket && window.socket.connected && window.did_handshake")


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Save the page at desktop and at phone size (``full_page=False`` with a dialog open: a
    full-page capture lays out a page whose scrolling the dialog has locked, and shows it mangled)."""
    if not TAKE_SCREENSHOTS:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(450)  # let the drawer and grid settle at the new width
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=full_page)
    if size:
        page.set_viewport_size(size)


def set_theme(server: Server, email: str, theme: str) -> None:
    """Change a user's theme preference in the server's database (the next page load shows it)."""
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    with database.transaction() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        users.update_preferences(session, actor=Actor(id=user.id), data={"theme": theme})
    database.dispose()


def sign_in_through_email(page: Page, server: Server, email: str) -> None:
    """What a new user does: ask for a link, open it from the email, confirm."""
    page.goto(f"{server.url}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.get_by_text("Check your email").wait_for()
    token = server.mail.last_token(email)
    page.goto(f"{server.url}/auth/verify?token={token}")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/auth/verify" not in url)


# Fails within 20 s instead of waiting forever when the service worker never installs.
SERVICE_WORKER_READY = """Promise.race([navigator.serviceWorker.ready,
  new Promise((_, fail) => setTimeout(() => fail(new Error("the service worker never became ready")), 20000))])"""


# -1 while the page is between documents: the new one has not run its scripts yet.
OUTBOX_SIZE = "typeof MirubatoOutbox === 'undefined' ? -1 : MirubatoOutbox.entries().length"


def outbox_size(page: Page) -> int:
    # After a server restart NiceGUI reloads the page; a read that races the reload is simply repeated,
    # whether it lands in the old document (destroyed) or in the new one before its scripts ran.
    for _ in range(80):
        try:
            size = page.evaluate(OUTBOX_SIZE)
        except PlaywrightError as error:
            if "Execution context was destroyed" not in str(error):
                raise
            size = -1
        if size >= 0:
            return int(size)
        page.wait_for_timeout(250)
    raise AssertionError("the page kept reloading")


def wait_for_empty_outbox(page: Page, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while outbox_size(page) and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    left = outbox_size(page)
    assert left == 0, page.evaluate("JSON.stringify(MirubatoOutbox.entries())")[:500]


def ready_for_offline(page: Page) -> None:
    """Let the service worker take control, then load once more so every asset passes through its cache."""
    page.evaluate(SERVICE_WORKER_READY)
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        # The worker became active while this page was still loading, after it had claimed the pages
        # it had then: this page stays its own until the next load (in Chromium 156 too, a race a
        # musician never notices: their next page is the worker's).
        page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.reload()
    page.wait_for_function("window.socket && window.socket.connected")
