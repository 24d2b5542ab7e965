"""The timer's plan logic (components/static/mirubato-offline.js, MirubatoTimer) in Chromium, on a
blank page with a clock in the test's hands: blocks count down without the paused time, two blocks
of one activity stay two logs, each log carries its block's piece, and extending adds time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
SCRIPT = Path(__file__).resolve().parents[2] / "components" / "static" / "mirubato-offline.js"
PLAN = {
    "id": "p1",
    "title": "Morning",
    "steps": [
        {"activity": "scales", "minutes": 1, "title": None, "focusAreas": ["evenness"]},
        {"activity": "scales", "minutes": 2, "title": "Hanon No. 1", "targetTempo": 96},
        {"activity": "repertoire", "minutes": 5, "title": "Für Elise", "sheetMusicId": "abc", "composer": "Beethoven"},
    ],
}


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        page.goto("about:blank")
        page.add_script_tag(path=str(SCRIPT))
        yield page
        browser.close()


def run(page: Page, script: str):
    return page.evaluate(f"(plan) => {{ const T = MirubatoTimer; const s = T.blank('warm_up', 0); {script} }}", PLAN)


def test_a_plan_counts_down_each_block_and_pauses_do_not_count(page):
    left = run(
        page,
        """
        T.startPlan(s, plan, 0);
        const first = T.stepLeft(s, 20000);
        T.pause(s, 20000); T.resume(s, 80000);           // a minute's pause
        const afterPause = T.stepLeft(s, 90000);
        s.plan.extra += 120;                              // "+2 min"
        const extended = T.stepLeft(s, 90000);
        return [first, afterPause, extended, s.activity, s.status];
        """,
    )
    assert left == [40, 30, 150, "scales", "running"]


def test_each_block_is_its_own_log_with_its_piece(page):
    blocks = run(
        page,
        """
        T.startPlan(s, plan, 0);
        T.nextStep(s, 60000);                             // block 2: scales again
        T.nextStep(s, 180000);                            // block 3: the piece
        const last = T.nextStep(s, 480000);               // none after the last
        T.stop(s, 480000);
        return [last, s.blocks.map((b) => [b.activity, b.seconds, b.workTitle || null, b.sheetMusicId || null,
          b.targetTempo || null, b.focusAreas || null])];
        """,
    )
    assert blocks == [
        False,
        [
            ["scales", 60, None, None, None, ["evenness"]],
            ["scales", 120, "Hanon No. 1", None, 96, None],
            ["repertoire", 300, "Für Elise", "abc", None, None],
        ],
    ]


def test_a_plan_starts_only_from_an_idle_timer(page):
    started = run(page, "T.start(s, 0); return [T.startPlan(s, plan, 1000), s.plan === undefined];")
    assert started == [False, True]
