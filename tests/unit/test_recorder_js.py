"""The take recorder (components/static/recorder.js) in Debian's Chromium, with a fake microphone.

No app server: a tiny page served from a temporary folder over http://127.0.0.1 (a secure
context, so getUserMedia works) mounts the widget, and Chromium's fake device plays a 440 Hz
sine in a loop as the microphone.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests import audio_files

CHROMIUM = "/usr/bin/chromium"
STATIC = Path(__file__).resolve().parents[2] / "components" / "static"
FAKE_MICROPHONE = "--use-fake-device-for-media-stream"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="recorder.css">
<style>body { font-family: system-ui, sans-serif; margin: 24px; background: #fafafa; }
body.body--dark { background: #121212; color: #eee; } #root { max-width: 560px; }</style></head>
<body><div id="root"></div><script src="dom.js"></script><script src="recorder.js"></script>
<script>
window.kept = []; window.events = []; window.streams = []; window.keepError = null;
const askFor = navigator.mediaDevices && navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
if (askFor) navigator.mediaDevices.getUserMedia = async (constraints) => {
  window.asked = constraints;
  const stream = await askFor(constraints);
  window.streams.push(stream);
  return stream;
};
window.mountRecorder = (options = {}) => {
  if (window.rec) window.rec.destroy();
  window.rec = MirubatoRecorder.mount(document.getElementById("root"), {
    defaultName: "Take 1", ...options,
    onKeep: async ({blob, mime, durationMs, peaks, name}) => {
      if (window.keepError) throw new Error(window.keepError);
      window.kept.push({size: blob.size, type: blob.type, mime, durationMs, peaks, name});
    },
    emit: (name, detail) => window.events.push([name, detail]),
  });
};
window.rec_playback = () => document.querySelector("[data-testid=rec-playback]");
window.microphoneLive = () => window.streams.some((s) => s.getTracks().some((t) => t.readyState === "live"));
mountRecorder();
</script></body></html>
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The test page, the widget's files and a 440 Hz microphone WAV, served on a free loopback port."""
    folder = tmp_path_factory.mktemp("recorder")
    for name in ("dom.js", "recorder.js", "recorder.css"):
        shutil.copy(STATIC / name, folder / name)
    (folder / "index.html").write_text(PAGE)
    wav = audio_files.sine(folder / "a440.wav", 440.0, seconds=5.0, rate=48000)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}/index.html", "wav": wav}
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def chromium(playwright: Playwright, site: dict[str, object]) -> Iterator[Browser]:
    """Chromium whose microphone plays the WAV, allowed without asking."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            FAKE_MICROPHONE,
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={site['wav']}",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture
def page(chromium: Browser, site: dict[str, object]) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(5000)
    page = context.new_page()
    page.goto(str(site["url"]))
    yield page
    context.close()


def status(page: Page) -> str:
    return page.evaluate("rec.state().status")


def wait_for_status(page: Page, wanted: str, timeout: float = 5000) -> None:
    page.wait_for_function(f"rec.state().status === {wanted!r}", timeout=timeout)


def events(page: Page) -> list[str]:
    return [name for name, _ in page.evaluate("events")]


def test_a_take_is_recorded_paused_listened_to_and_kept(page: Page):
    recorder = page.get_by_test_id("recorder")
    expect(page.get_by_test_id("rec-name")).to_have_value("Take 1")
    assert page.evaluate("window.asked") is None  # the microphone is asked for only on Record
    page.get_by_test_id("rec-start").click()
    wait_for_status(page, "recording")
    assert page.evaluate("window.asked") == {
        "audio": {"echoCancellation": False, "noiseSuppression": False, "autoGainControl": False}
    }
    page.wait_for_function("rec.state().level > 0", timeout=1500)  # the meter moves with the sine
    assert int(page.get_by_test_id("rec-level").get_attribute("aria-valuenow") or 0) > 0
    page.wait_for_timeout(2000 - 100)
    page.get_by_test_id("rec-pause").click()
    assert status(page) == "paused"
    expect(page.get_by_test_id("rec-pause")).to_have_text("Resume")
    paused_at = page.evaluate("rec.state().seconds")
    page.wait_for_timeout(1000)
    assert page.evaluate("rec.state().seconds") == pytest.approx(paused_at, abs=0.01)  # the pause does not count
    page.get_by_test_id("rec-pause").click()
    assert status(page) == "recording"
    page.wait_for_timeout(1000)
    page.get_by_test_id("rec-stop").click()
    wait_for_status(page, "review")

    assert page.evaluate("rec.state().seconds") == pytest.approx(3.0, abs=0.5)
    expect(page.get_by_test_id("rec-time")).to_have_text(re.compile(r"^0:0[23]$"))
    assert not page.evaluate("microphoneLive()")  # released as soon as the recording stopped
    expect(page.get_by_test_id("rec-playback")).to_be_visible()
    assert page.get_by_test_id("rec-playback").get_attribute("src", timeout=1000).startswith("blob:")
    # The player knows the take's length (MediaRecorder's WebM does not say it) and is back at the start.
    page.wait_for_function("isFinite(rec_playback().duration) && rec_playback().currentTime === 0")
    playback = page.evaluate("(({duration, currentTime}) => ({duration, currentTime}))(rec_playback())")
    assert playback["duration"] == pytest.approx(3.0, abs=0.6)
    assert playback["currentTime"] == 0
    expect(page.get_by_test_id("rec-level")).to_be_hidden()
    expect(page.get_by_test_id("rec-name")).to_have_attribute("maxlength", "100")

    page.get_by_test_id("rec-name").fill("Scales")
    page.get_by_test_id("rec-keep").click()
    wait_for_status(page, "idle")
    [kept] = page.evaluate("kept")
    assert kept["name"] == "Scales"
    assert kept["mime"].startswith("audio/webm")
    assert kept["type"] == kept["mime"]
    assert kept["size"] > 1000
    assert 2500 <= kept["durationMs"] <= 3600
    assert len(kept["peaks"]) == 200
    assert max(kept["peaks"]) == 255
    assert all(0 <= level <= 255 for level in kept["peaks"])
    expect(page.get_by_test_id("rec-name")).to_have_value("Take 2")
    expect(page.get_by_test_id("rec-live")).to_have_text("Take kept")
    expect(page.get_by_test_id("rec-start")).to_be_visible()
    assert events(page) == ["recording", "stopped", "kept"]
    stopped = page.evaluate("events[1][1]")
    assert stopped["durationMs"] == pytest.approx(3000, abs=500)
    expect(recorder).to_have_attribute("data-status", "idle")


def test_a_take_that_fails_to_keep_stays_and_a_discarded_one_is_gone(page: Page):
    page.get_by_test_id("rec-start").click()
    wait_for_status(page, "recording")
    page.wait_for_timeout(800)
    page.get_by_test_id("rec-stop").click()
    wait_for_status(page, "review")

    page.evaluate("keepError = 'The upload failed: no connection.'")
    page.get_by_test_id("rec-keep").click()
    expect(page.get_by_test_id("rec-error")).to_have_text("The upload failed: no connection.")
    assert status(page) == "review"
    expect(page.get_by_test_id("rec-keep")).to_be_enabled()
    expect(page.get_by_test_id("rec-playback")).to_be_visible()

    page.get_by_test_id("rec-discard").click()
    confirm = page.get_by_test_id("rec-discard-confirm")
    expect(confirm).to_contain_text("Discard this take?")
    assert status(page) == "review"  # not yet: it asks first
    confirm.get_by_role("button", name="Yes, discard").click()
    wait_for_status(page, "idle")
    assert page.evaluate("kept") == []
    assert events(page) == ["recording", "stopped", "discarded"]
    expect(page.get_by_test_id("rec-live")).to_have_text("Take discarded")
    expect(page.get_by_test_id("rec-name")).to_have_value("Take 1")
    assert page.evaluate("document.querySelector('[data-testid=rec-playback]').getAttribute('src')") is None


def test_recording_stops_by_itself_at_the_limit(page: Page):
    page.evaluate("mountRecorder({maxSeconds: 2})")
    page.get_by_test_id("rec-start").click()
    wait_for_status(page, "recording")
    wait_for_status(page, "review", timeout=4000)
    assert page.evaluate("rec.state().seconds") == pytest.approx(2.0, abs=0.25)
    expect(page.get_by_test_id("rec-message")).to_have_text("Stopped at the 2-second limit")
    expect(page.get_by_test_id("rec-live")).to_have_text("Stopped at the 2-second limit")
    assert not page.evaluate("microphoneLive()")


def test_destroy_releases_the_microphone_while_recording(page: Page):
    page.get_by_test_id("rec-start").click()
    wait_for_status(page, "recording")
    assert page.evaluate("microphoneLive()")
    page.evaluate("rec.destroy()")
    assert not page.evaluate("microphoneLive()")
    expect(page.get_by_test_id("recorder")).to_have_count(0)


def test_peaks_and_mime_type(page: Page):
    fake = """(channels, length) => ({numberOfChannels: channels.length, length,
        getChannelData: (c) => Float32Array.from({length}, (_, i) => channels[c](i))})"""
    # Two channels: the loudest sample of each bucket over both, the loudest bucket scaled to 255.
    levels = page.evaluate(
        f"""() => MirubatoRecorder.peaks(({fake})([(i) => (i < 500 ? 0.25 : 0), (i) => (i >= 500 ? -0.5 : 0.1)], 1000),
        4)"""
    )
    assert levels == [128, 128, 255, 255]
    assert page.evaluate(f"MirubatoRecorder.peaks(({fake})([() => 0], 4410)).every((v) => v === 0)")
    assert page.evaluate(f"MirubatoRecorder.peaks(({fake})([() => 0], 4410)).length") == 200
    assert page.evaluate("MirubatoRecorder.mimeType()") == "audio/webm;codecs=opus"
    assert page.evaluate("rec.state()") == {"status": "idle", "seconds": 0, "level": 0}


def test_a_refused_microphone_and_an_insecure_page_say_what_is_wrong(playwright: Playwright, site: dict[str, object]):
    # No fake UI: the permission prompt is refused, as a musician who pressed "Block" would.
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[FAKE_MICROPHONE, "--deny-permission-prompts", "--host-resolver-rules=MAP insecure.test 127.0.0.1"],
    )
    try:
        context = browser.new_context()
        context.set_default_timeout(5000)
        page = context.new_page()
        page.goto(str(site["url"]))
        page.get_by_test_id("rec-start").click()
        expect(page.get_by_test_id("rec-error")).to_have_text(
            "Microphone access was refused. Allow it in the browser's site settings to record."
        )
        assert status(page) == "idle"
        expect(page.get_by_test_id("rec-start")).to_be_enabled()

        page.goto(str(site["url"]).replace("127.0.0.1", "insecure.test"))  # plain http, not loopback
        expect(page.get_by_test_id("rec-error")).to_contain_text("needs a secure (https) page")
        expect(page.get_by_test_id("rec-start")).to_be_disabled()
    finally:
        browser.close()
