"""The take player (components/static/take-player.js) in Debian's Chromium, without the app server.

A tiny page served from a temporary folder over http://127.0.0.1 mounts the player on a 4 s 440 Hz
WAV. The folder's server answers byte ranges (206), as the app's take audio route does: Python's
own SimpleHTTPRequestHandler does not, and a media element seeks through ranges.
"""

from __future__ import annotations

import itertools
import math
import re
import shutil
import struct
import threading
import wave
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
STATIC = Path(__file__).resolve().parents[2] / "components" / "static"
DURATION_MS = 4000
RANGE = re.compile(r"bytes=(\d*)-(\d*)")

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="take-player.css">
<style>body { font-family: Roboto, system-ui, sans-serif; margin: 24px; background: #f5f5f7; }
body.body--dark { background: #121212; color: #eee; } #root { max-width: 760px; margin: 0 auto; }</style></head>
<body><div id="root"></div><script src="dom.js"></script><script src="take-player.js"></script>
<script>
window.events = []; window.alerted = false; window.alert = () => { window.alerted = true; };
window.peaks = Array.from({length: 200}, (_, i) => Math.round(255 * Math.abs(Math.sin(i / 9)) * (0.4 + 0.6 * i / 200)));
window.mountPlayer = (options = {}) => {
  if (window.player) window.player.destroy();
  window.player = MirubatoTakePlayer.mount(document.getElementById("root"), {
    src: "take.wav", durationMs: 4000, peaks, comments: [], canComment: true, ...options,
    emit: (name, detail) => window.events.push([name, detail]),
  });
};
window.audio = () => document.querySelector("[data-testid=take-player] audio");
mountPlayer();
</script></body></html>
"""

COMMENTS = [
    {"id": "c1", "atMs": 2500, "barFrom": 5, "barTo": 6, "body": "Rush in the left hand", "authorName": "Ms Keys",
     "mine": True},
    {"id": "c2", "atMs": 800, "barFrom": 2, "barTo": None, "body": "<img src=x onerror=alert(1)>",
     "authorName": "<b>Bob</b>", "mine": False},
]  # fmt: skip


def write_wav(path: Path, seconds: float = DURATION_MS / 1000, frequency: float = 440.0, rate: int = 22050) -> None:
    frames = b"".join(
        struct.pack("<h", round(12000 * math.sin(2 * math.pi * frequency * i / rate)))
        for i in range(int(seconds * rate))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)


class RangeHandler(SimpleHTTPRequestHandler):
    """Static files, answering `Range: bytes=a-b` with 206 and the slice (what the app's audio route does)."""

    served_ranges: list[str]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        match = RANGE.fullmatch(self.headers.get("Range", "").strip())
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            super().do_GET()
            return
        data = path.read_bytes()
        first, last = match.groups()
        if first:
            start, end = int(first), min(len(data) - 1, int(last)) if last else len(data) - 1
        else:
            start, end = max(0, len(data) - int(last or 0)), len(data) - 1
        if start >= len(data) or start > end:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.served_ranges.append(f"{start}-{end}")
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.wfile.write(data[start : end + 1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    folder = tmp_path_factory.mktemp("take-player")
    for name in ("dom.js", "take-player.js", "take-player.css"):
        shutil.copy(STATIC / name, folder / name)
    (folder / "index.html").write_text(PAGE)
    write_wav(folder / "take.wav")
    ranges: list[str] = []
    handler = type("Handler", (RangeHandler,), {"served_ranges": ranges})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}/index.html", "ranges": ranges}
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--autoplay-policy=no-user-gesture-required"])
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def shared_page(chromium: Browser, site: dict[str, object]) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(5000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.goto(str(site["url"]))
    yield page
    context.close()


@pytest.fixture
def player(shared_page: Page) -> Page:
    """The page with a fresh player (mounted again: one page for every test keeps them quick)."""
    shared_page.evaluate("events = []; mountPlayer()")
    shared_page.wait_for_function("audio().readyState >= 1")
    return shared_page


def state(page: Page) -> dict[str, object]:
    return page.evaluate("player.state()")


def events(page: Page, name: str) -> list[dict[str, object]]:
    return [detail for event, detail in page.evaluate("events") if event == name]


def test_play_advances_and_seek_moves_through_ranges(player: Page, site: dict[str, object]):
    expect(player.get_by_test_id("take-time")).to_have_text("0:00 / 0:04")
    expect(player.get_by_test_id("take-play")).to_have_attribute("aria-label", "Play")
    player.get_by_test_id("take-play").click()
    player.wait_for_function("player.state().playing && player.state().currentMs > 300")
    expect(player.get_by_test_id("take-play")).to_have_attribute("aria-label", "Pause")
    player.evaluate("player.pause()")
    player.evaluate("player.seek(2000)")
    assert state(player)["currentMs"] == pytest.approx(2000, abs=5)
    player.wait_for_function("audio().seeking === false")
    assert state(player)["playing"] is False
    expect(player.get_by_test_id("take-time")).to_have_text("0:02 / 0:04")
    wave_ = player.get_by_test_id("take-wave")
    expect(wave_).to_have_attribute("aria-valuenow", "2")
    expect(wave_).to_have_attribute("aria-valuetext", "0:02 of 0:04")
    assert site["ranges"], "the audio was fetched in byte ranges"

    # The keyboard: → and ← move 5 s (within the take), a click on the waveform seeks there.
    wave_.focus()
    player.keyboard.press("ArrowLeft")
    assert state(player)["currentMs"] == pytest.approx(0, abs=5)
    box = wave_.bounding_box()
    assert box
    player.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.8)
    assert state(player)["currentMs"] == pytest.approx(3000, abs=60)
    player.keyboard.press(" ")
    player.wait_for_function("player.state().playing")
    player.keyboard.press(" ")
    player.wait_for_function("!player.state().playing")


def test_speed_keeps_the_pitch(player: Page):
    player.get_by_test_id("take-speed").select_option("0.5")
    assert player.evaluate("[audio().playbackRate, audio().preservesPitch]") == [0.5, True]
    assert state(player)["rate"] == 0.5
    assert player.evaluate("[...document.querySelectorAll('[data-testid=take-speed] option')].map(o => o.text)") == [
        "0.5x",
        "0.75x",
        "1x",
        "1.25x",
        "1.5x",
    ]


def test_an_a_b_loop_keeps_playing_between_a_and_b(player: Page):
    player.evaluate("player.seek(1000)")
    player.get_by_test_id("take-set-a").click()
    player.evaluate("player.seek(1500)")
    player.get_by_test_id("take-set-b").click()
    assert (state(player)["loopA"], state(player)["loopB"]) == (1000, 1500)
    expect(player.get_by_test_id("take-loop")).to_have_text("Loop 0:01.0–0:01.5")
    # The loop is shaded: above the bars, the canvas is painted inside A-B and not outside it.
    shade = """(() => { const c = document.querySelector('.tp-canvas'), r = c.width / c.clientWidth;
      const at = (ms) => c.getContext('2d').getImageData(Math.round(ms / 4000 * c.clientWidth * r), 1, 1, 1).data[3];
      return [at(1250), at(3500)]; })()"""
    inside, outside = player.evaluate(shade)
    assert inside > 0
    assert outside == 0

    player.evaluate("player.seek(1000); player.play()")
    samples = player.evaluate("""new Promise((done) => {
      const seen = [], start = performance.now();
      (function sample() {
        seen.push(player.state().currentMs);
        if (performance.now() - start < 1500) requestAnimationFrame(sample); else done(seen);
      })();
    })""")
    player.evaluate("player.pause()")
    assert len(samples) > 30
    assert min(samples) >= 990
    assert max(samples) <= 1600
    assert any(later < earlier - 200 for earlier, later in itertools.pairwise(samples)), "it looped"

    player.get_by_test_id("take-clear-loop").click()
    assert (state(player)["loopA"], state(player)["loopB"]) == (None, None)
    expect(player.get_by_test_id("take-clear-loop")).to_be_disabled()


def test_markers_and_rows_seek_select_and_escape(player: Page):
    player.evaluate("(comments) => player.setComments(comments)", COMMENTS)
    markers = player.get_by_test_id("take-marker")
    expect(markers).to_have_count(2)
    assert [markers.nth(i).get_attribute("data-at-ms") for i in range(2)] == ["800", "2500"]
    rows = player.get_by_test_id("take-comment-row")
    expect(rows.nth(0)).to_have_text("0:00 · bar 2 · <img src=x onerror=alert(1)> · <b>Bob</b>")
    expect(rows.nth(1)).to_contain_text("0:02 · bars 5–6 · Rush in the left hand · Ms Keys")
    assert player.locator("[data-testid=take-player] img, [data-testid=take-player] b").count() == 0
    assert player.evaluate("window.alerted") is False

    player.locator("[data-testid=take-marker][data-at-ms='2500']").click()
    assert state(player)["currentMs"] == pytest.approx(2500, abs=5)
    assert events(player, "select-comment")[-1] == {"id": "c1", "atMs": 2500, "barFrom": 5, "barTo": 6}
    expect(rows.nth(1)).to_have_class(re.compile(r"\btp-on\b"))
    expect(rows.nth(0)).not_to_have_class(re.compile(r"\btp-on\b"))

    rows.nth(0).get_by_role("button").first.click()  # a row seeks as its marker does
    assert state(player)["currentMs"] == pytest.approx(800, abs=5)
    assert events(player, "select-comment")[-1]["id"] == "c2"
    expect(rows.nth(0)).to_have_class(re.compile(r"\btp-on\b"))

    expect(rows.nth(0).get_by_role("button", name="Delete this comment")).to_have_count(0)  # not mine
    rows.nth(1).get_by_role("button", name="Delete this comment").click()
    assert events(player, "delete-comment") == [{"id": "c1"}]

    player.evaluate("player.setComments([])")
    expect(markers).to_have_count(0)
    expect(rows).to_have_count(0)


def test_the_comment_form_sends_the_moment_and_bars(player: Page):
    player.evaluate("player.seek(2000)")
    send = player.get_by_test_id("take-comment-send")
    expect(send).to_have_text("Comment at 0:02")

    send.click()  # nothing written: nothing sent, a hint instead
    expect(player.get_by_role("status")).to_have_text("Write what you hear first.")
    assert events(player, "comment") == []

    player.get_by_test_id("take-comment-text").fill("  Keep the <b>pedal</b> down  ")
    player.get_by_test_id("take-comment-bar").fill("6")
    player.get_by_test_id("take-comment-bar-to").fill("5")
    send.click()  # "to" before "from": refused
    assert events(player, "comment") == []
    expect(player.get_by_role("status")).to_contain_text("Bars are whole numbers")

    player.get_by_test_id("take-comment-bar").fill("5")
    player.get_by_test_id("take-comment-bar-to").fill("")
    send.click()
    [sent] = events(player, "comment")
    assert sent["atMs"] == pytest.approx(2000, abs=5)
    assert sent == {"atMs": sent["atMs"], "barFrom": 5, "barTo": None, "body": "Keep the <b>pedal</b> down"}
    expect(player.get_by_test_id("take-comment-text")).to_have_value("")
    expect(player.locator(".tp-hint")).to_be_hidden()

    player.evaluate("mountPlayer({canComment: false})")
    expect(player.get_by_test_id("take-player")).to_have_count(1)
    expect(player.get_by_test_id("take-comment-send")).to_have_count(0)
