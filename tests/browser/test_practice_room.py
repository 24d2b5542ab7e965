"""The practice room in Chromium, on the real audio path: the metronome's scheduler read through
its test hook (``MirubatoTools.current.metronome.scheduled``: every click it gave the audio clock),
a five-minute render of the same scheduler on an OfflineAudioContext with each click found in the
audio itself, the speed trainer's tempo reaching the timer's review, the drone, and the settings
kept per user.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import DESKTOP, Server, onboard, screenshot

EMAIL = "metronome@example.com"

# Blocks the page's main thread: what a busy tab (a big page update, a slow script) does.
BLOCK_MAIN_THREAD = "(ms) => { const until = performance.now() + ms; while (performance.now() < until) {} }"
SCHEDULED = "MirubatoTools.current.metronome.scheduled.map(({n, time, bpm, subdivision, bar, beat, sub, level, \
scheduledAt, dropped, countIn}) => ({n, time, bpm, subdivision, bar, beat, sub, level, scheduledAt, dropped, countIn}))"


@pytest.fixture(scope="module")
def musician(browser: Browser, server: Server) -> BrowserContext:
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    onboard(context.new_page(), server, EMAIL, "Metro Nome")
    return context


@pytest.fixture
def tools(musician: BrowserContext, server: Server) -> Page:
    page = musician.new_page()
    page.goto(f"{server.url}/tools")
    page.get_by_test_id("metronome-toggle").wait_for()
    yield page
    page.close()


def choose(page: Page, testid: str, value: str) -> None:
    page.get_by_test_id(testid).select_option(value)


def set_number(page: Page, testid: str, value: int) -> None:
    field = page.get_by_test_id(testid)
    field.fill(str(value))
    field.dispatch_event("change")


def test_clicks_keep_the_grid_at_120_in_7_8_with_eighths_while_the_main_thread_stalls(tools: Page):
    choose(tools, "metronome-meter", "7/8")
    choose(tools, "metronome-subdivision", "2")
    tools.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(4):  # 100 -> 120 BPM with the keyboard (up: +5)
        tools.keyboard.press("ArrowUp")
    expect(tools.get_by_test_id("metronome-bpm")).to_have_text("120")
    tools.keyboard.press(" ")  # space starts the metronome on the tools page
    expect(tools.get_by_test_id("metronome-toggle")).to_have_attribute("aria-pressed", "true")
    for _ in range(3):
        tools.wait_for_timeout(1500)
        tools.evaluate(BLOCK_MAIN_THREAD, 300)
    tools.wait_for_timeout(1500)
    tools.keyboard.press(" ")
    clicks = tools.evaluate(SCHEDULED)
    assert len(clicks) > 20, clicks
    grid_checked(clicks, bpm=120, subdivision=2, beats=7)
    # Scheduled before it was due, even right after a 300 ms stall: none played late.
    assert not [c for c in clicks if c["dropped"] or c["scheduledAt"] >= c["time"]]
    margins = sorted(c["time"] - c["scheduledAt"] for c in clicks)
    print(f"clicks {len(clicks)}: scheduled ahead by at least {margins[0] * 1000:.0f} ms")


def grid_checked(clicks: list[dict[str, Any]], *, bpm: int, subdivision: int, beats: int) -> None:
    """Every click at n * 60 / bpm / subdivision after the first (within 1 ms), in bar order."""
    first = clicks[0]
    step = 60 / bpm / subdivision
    worst = max(abs(c["time"] - first["time"] - (c["n"] - first["n"]) * step) for c in clicks)
    assert worst < 0.001, worst
    assert [c["n"] for c in clicks] == list(range(first["n"], first["n"] + len(clicks)))
    for c in clicks:
        position = c["n"] - first["n"]
        assert (c["bar"], c["beat"], c["sub"]) == divmod_bar(position, beats, subdivision)
        assert c["level"] == (3 if c["beat"] == 0 and c["sub"] == 0 else 2 if c["sub"] == 0 and c["beat"] in (2, 4)
                              else 1 if c["sub"] == 0 else 0)


def divmod_bar(position: int, beats: int, subdivision: int) -> tuple[int, int, int]:
    bar, within = divmod(position, beats * subdivision)
    beat, sub = divmod(within, subdivision)
    return bar, beat, sub


# The same scheduler on an OfflineAudioContext, woken every 25 ms of audio time by suspend():
# five minutes render in seconds, and each click is then found in the rendered samples.
FIVE_MINUTES = """async () => {
  const rate = 48000, seconds = 300;
  const context = new OfflineAudioContext(1, rate * (seconds + 1), rate);
  const metronome = new MirubatoTools.Metronome({ bpm: 120, meter: "7/8", subdivision: 2, accent: true });
  const wake = (callback) => {
    for (let t = 0.025; t < seconds; t += 0.025) context.suspend(t).then(() => { callback(); context.resume(); });
    return () => {};
  };
  metronome.start({ context, wake });
  const audio = (await context.startRendering()).getChannelData(0);
  const scheduled = metronome.scheduled.filter((c) => c.time < seconds);
  const onsets = [];
  let quietSince = 0;
  for (let i = 0; i < audio.length; i += 1) {
    if (Math.abs(audio[i]) > 1e-4) {
      if (i - quietSince > rate * 0.05) onsets.push(i / rate);
      quietSince = i;
    }
  }
  return { scheduled: scheduled.map(({ n, time }) => ({ n, time })), onsets: onsets.filter((t) => t < seconds),
    late: scheduled.filter((c) => c.dropped || c.scheduledAt >= c.time).length };
}"""


def test_five_minutes_of_clicks_land_on_the_grid_in_the_rendered_audio(tools: Page):
    result = tools.evaluate(FIVE_MINUTES)
    scheduled, onsets = result["scheduled"], result["onsets"]
    assert len(scheduled) == 1200  # 5 min at 120 BPM, two clicks a beat
    first = scheduled[0]["time"]
    assert max(abs(c["time"] - first - c["n"] * 0.25) for c in scheduled) < 0.001
    assert len(onsets) == 1200, onsets[:5]
    # The audio itself: each click starts within 1 ms of its grid time (a few samples of attack).
    errors = [abs(onset - first - n * 0.25) for n, onset in enumerate(onsets)]
    assert max(errors) < 0.001, max(errors)
    assert result["late"] == 0
    print(f"5 min rendered: {len(onsets)} clicks, worst onset {max(errors) * 1000:.3f} ms from the grid")


def test_the_speed_trainer_reaches_72_after_six_bars_and_the_review_offers_it(musician: BrowserContext, server: Server):
    page = musician.new_page()
    page.goto(f"{server.url}/timer")
    page.get_by_test_id("timer-start").click()
    choose(page, "metronome-meter", "2/4")
    page.get_by_test_id("speed-trainer").locator("summary").click()
    page.get_by_test_id("trainer-enabled").check()
    for name, value in (("from", 60), ("to", 72), ("step", 4), ("every", 2)):
        set_number(page, f"trainer-{name}", value)
    expect(page.get_by_test_id("metronome-bpm")).to_have_text("60")
    page.get_by_test_id("metronome-toggle").click()
    expect(page.get_by_test_id("trainer-status")).to_contain_text("reached 72", timeout=20_000)
    page.get_by_test_id("metronome-toggle").click()
    clicks = [c for c in page.evaluate(SCHEDULED) if not c["countIn"]]
    tempo_of_bar = {c["bar"]: c["bpm"] for c in clicks if c["beat"] == 0}
    assert [tempo_of_bar[bar] for bar in range(7)] == [60, 60, 64, 64, 68, 68, 72]
    screenshot(page, "practice-timer-with-tools")

    page.get_by_test_id("timer-stop").click()
    expect(page.get_by_label("Tempo practised (BPM)")).to_have_value("72")
    expect(page.get_by_label("Target tempo (BPM)")).to_have_value("72")
    page.get_by_role("button", name="Save all").click()
    expect(page.get_by_text("Saved")).to_be_visible()
    page.close()


def test_the_drone_plays_the_pitch_asked_for_at_the_reference_chosen(tools: Page):
    tools.get_by_test_id("tools-tab-drone").click()
    choose(tools, "drone-note", "9")
    choose(tools, "drone-octave", "3")
    choose(tools, "drone-reference", "415")
    tools.get_by_test_id("drone-fifth").check()
    tools.get_by_test_id("drone-toggle").click()
    frequencies = tools.evaluate("MirubatoTools.current.drone.frequencies")
    assert frequencies == pytest.approx([207.5, 207.5 * 2 ** (7 / 12)], rel=1e-6)
    tools.wait_for_timeout(400)
    level = tools.evaluate("MirubatoTools.current.drone.output.gain.value")
    assert 0.1 < level <= 0.25  # faded in, not switched on
    screenshot(tools, "practice-drone")
    tools.get_by_test_id("drone-toggle").click()
    assert tools.evaluate("MirubatoTools.current.drone.playing") is False


def test_settings_follow_the_musician_to_another_device(browser: Browser, musician: BrowserContext, server: Server):
    page = musician.new_page()
    page.goto(f"{server.url}/tools?tab=tuner")
    choose(page, "tuner-reference", "442")
    page.get_by_test_id("tools-tab-metronome").click()
    choose(page, "metronome-sound", "beep")
    page.get_by_test_id("metronome-accent").uncheck()
    page.wait_for_timeout(500)
    state = musician.storage_state()
    page.close()

    # Another device: the same sign-in cookie, nothing in its localStorage.
    other = browser.new_context(viewport=DESKTOP, storage_state={"cookies": state["cookies"], "origins": []})
    fresh = other.new_page()
    fresh.goto(f"{server.url}/tools")
    fresh.get_by_test_id("metronome-toggle").wait_for()
    assert fresh.get_by_test_id("tuner-reference").input_value() == "442"
    assert fresh.get_by_test_id("metronome-sound").input_value() == "beep"
    assert not fresh.get_by_test_id("metronome-accent").is_checked()
    other.close()
