"""The progress page in a real browser: every chart drawn from real logs, filters, exports."""

from __future__ import annotations

import io
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import select

from core.db import Database
from core.models import SheetMusic, User
from services import practice_logs
from services.actor import Actor
from tests.browser.conftest import onboard, screenshot, set_theme

CHART_TITLES = [
    "Practice per day",
    "The last twelve months",
    "Time by activity",
    "Time by instrument",
    "Top pieces",
    "Top composers",
    "This period against the one before",
    "Tempo against target",
    "Accuracy and self-rating",
]
ACTIVITIES = ["repertoire", "scales", "sight_reading", "etudes", "technique", "slow_practice"]


def seed_a_year_of_practice(server, email: str) -> int:
    """About 300 logs over the last year, through the service layer, into the server's own database."""
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    rng = random.Random(7)
    with database.transaction(write=False) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        pieces = session.exec(select(SheetMusic).where(SheetMusic.instrument == "piano").limit(8)).all()
        actor = Actor(id=user.id, timezone=user.timezone)
    now = datetime.now(UTC).replace(microsecond=0)
    count = 0
    with database.transaction() as session:
        for days_ago in range(360, -1, -1):
            if rng.random() < 0.25:
                continue
            for _ in range(rng.choice([1, 1, 2])):
                piece = rng.choice(pieces)
                tempo = 60 + (360 - days_ago) // 8
                body = {
                    "id": str(uuid.uuid4()),
                    "activityType": rng.choice(ACTIVITIES),
                    "instrument": "guitar" if rng.random() < 0.2 else "piano",
                    "startTime": (now - timedelta(days=days_ago, hours=rng.randint(1, 5))).isoformat(),
                    "durationSeconds": rng.choice([900, 1200, 1800, 2700, 3600]),
                    "sheetMusicId": str(piece.id),
                    "tempoPracticed": min(tempo, 120),
                    "targetTempo": 120,
                    "selfRating": rng.randint(4, 9),
                    "accuracyPercentage": min(100, 70 + (360 - days_ago) / 15 + rng.random() * 5),
                }
                practice_logs.log_practice(session, actor=actor, data=body)
                count += 1
    database.dispose()
    return count


def test_progress_page_draws_every_chart_from_real_logs(page, server):
    email = "progress@example.com"
    onboard(page, server, email, name="Clara")
    logs = seed_a_year_of_practice(server, email)
    page.goto(f"{server.url}/progress")
    page.get_by_text("Longest:").wait_for()
    assert page.locator(".q-chip").count() == 11  # every achievement, earned or locked

    page.get_by_role("combobox", name="Period").click()
    page.get_by_role("option", name="Last 12 months").click()
    year_ago = datetime.now(UTC).date() - timedelta(days=364)  # the server's "today" is UTC here too
    page.get_by_text(f"({year_ago:%d %b} –").wait_for()  # the charts were rebuilt for the new period
    plots = page.locator(".js-plotly-plot")
    expect(plots).to_have_count(9)
    # Plotly draws titles after the plot: nine charts of a year each took over 5 s in a loaded CI run.
    expect(page.locator(".js-plotly-plot .gtitle")).to_have_count(9, timeout=20_000)
    titles = page.locator(".js-plotly-plot .gtitle").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert titles == CHART_TITLES
    bars = page.locator(".js-plotly-plot .bars path").count()
    print(f"progress page: {logs} logs seeded, {plots.count()} charts, {bars} bar shapes drawn")
    assert bars > 50
    screenshot(page, "progress")

    page.get_by_role("combobox", name="Instrument").click()
    page.get_by_role("option", name="Guitar").click()
    expect(page.locator(".js-plotly-plot .gtitle", has_text="Time by instrument")).to_have_count(1)
    page.wait_for_timeout(800)
    screenshot(page, "progress-guitar")

    with page.expect_download() as csv_download:
        page.get_by_role("button", name="CSV").click()
    rows = Path(csv_download.value.path()).read_text(encoding="utf-8").strip().splitlines()
    assert rows[0].startswith("id,start_time") and len(rows) > 10
    assert all(",guitar," in row for row in rows[1:])

    set_theme(server, email, "dark")
    page.reload()
    expect(page.locator(".js-plotly-plot")).to_have_count(9)
    assert "body--dark" in (page.locator("body").get_attribute("class") or "")
    screenshot(page, "progress-dark")

    with page.expect_download(timeout=60_000) as pdf_download:
        page.get_by_role("button", name="PDF report").click()
    reader = PdfReader(io.BytesIO(Path(pdf_download.value.path()).read_bytes()))
    assert "Practice report" in reader.pages[0].extract_text()
    assert sum(len(p.images) for p in reader.pages) == 4
