"""The practice room in Chromium, on the real audio path: the metronome's scheduler read through
its test hook (``MirubatoTools.current.metronome.scheduled``: every click it gave the audio clock),
a five-minute render of the same scheduler on an OfflineAudioContext with each click found in the
audio itself, the speed trainer's tempo reaching the timer's review, the drone, and the settings
kept per user.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests import audio_files
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    Server,
    onboard,
    ready_for_offline,
    screenshot,
    set_theme,
    start_server,
    stop_server,
)
from tests.mail_sink import MailSink
from tests.processes import free_port

EMAIL = "metronome@example.com"

# Blocks the page's main thread: what a busy tab (a big page update, a slow script) does.
BLOCK_MAIN_THREAD = "(ms) => { const until = performance.now() + ms; while (performance.now() < until) {} }"
SCHEDULED = "MirubatoTools.current.metronome.scheduled.map(({n, time, bpm, subdivision, bar, beat, sub, level, \
scheduledAt, dropped, countIn}) => ({n, time, bpm, subdivision, bar, beat, sub, level, scheduledAt, dropped, countIn}))"


@pytest.fixture(scope="module")
def account(browser: Browser, server: Server) -> list[Any]:
    """The musician's sign-in cookies (signed up once for the module)."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    onboard(context.new_page(), server, EMAIL, "Metro Nome")
    cookies = context.cookies()
    context.close()
    return cookies


@pytest.fixture
def musician(browser: Browser, account: list[Any]) -> Iterator[BrowserContext]:
    """The musician on a browser of their own for each test: signed in, nothing in its storage, so
    no test depends on what an earlier one left in localStorage (tempo, meter, the timer)."""
    context = browser.new_context(viewport=DESKTOP, storage_state={"cookies": account, "origins": []})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def tools(musician: BrowserContext, server: Server) -> Page:
    page = musician.new_page()
    page.goto(f"{server.url}/tools")
    page.get_by_test_id("metronome-toggle").wait_for()
    yield page
    page.close()


def signed_in_elsewhere(context: BrowserContext) -> Any:
    """Another device of the same musician: the sign-in cookie, nothing in localStorage.

    Only the cookies: the other device has none of this one's localStorage (its settings copy).
    """
    return {"cookies": context.cookies(), "origins": []}


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
    grid_checked(clicks, bpm=120, subdivision=2, beats=7, groups=(0, 2, 4))
    # Scheduled before it was due, even right after a 300 ms stall: none played late.
    assert not [c for c in clicks if c["dropped"] or c["scheduledAt"] >= c["time"]]
    margins = sorted(c["time"] - c["scheduledAt"] for c in clicks)
    print(f"clicks {len(clicks)}: scheduled ahead by at least {margins[0] * 1000:.0f} ms")


def grid_checked(clicks: list[dict[str, Any]], *, bpm: int, subdivision: int, beats: int, groups=(0,)) -> None:
    """Every click at n * 60 / bpm / subdivision after the first (within 1 ms), in bar order, the
    bar's first beat accented most, each group's first beat (``groups``, 7/8: 0, 2, 4) less."""
    first = clicks[0]
    step = 60 / bpm / subdivision
    worst = max(abs(c["time"] - first["time"] - (c["n"] - first["n"]) * step) for c in clicks)
    assert worst < 0.001, worst
    assert [c["n"] for c in clicks] == list(range(first["n"], first["n"] + len(clicks)))
    for c in clicks:
        position = c["n"] - first["n"]
        assert (c["bar"], c["beat"], c["sub"]) == divmod_bar(position, beats, subdivision)
        on_beat = c["sub"] == 0
        expected = 0 if not on_beat else 3 if c["beat"] == 0 else 2 if c["beat"] in groups else 1
        assert c["level"] == expected, c


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
    page.close()

    # Another device: the same sign-in cookie, nothing in its localStorage.
    other = browser.new_context(viewport=DESKTOP, storage_state=signed_in_elsewhere(musician))
    fresh = other.new_page()
    fresh.goto(f"{server.url}/tools")
    fresh.get_by_test_id("metronome-toggle").wait_for()
    assert fresh.get_by_test_id("tuner-reference").input_value() == "442"
    assert fresh.get_by_test_id("metronome-sound").input_value() == "beep"
    assert not fresh.get_by_test_id("metronome-accent").is_checked()
    other.close()


def test_from_a_piece_the_metronome_carries_its_tempo_and_remembers_it(musician: BrowserContext, server: Server):
    page = musician.new_page()
    page.goto(f"{server.url}/library")
    page.get_by_label("Search title, composer or catalogue number").fill("elise")
    page.get_by_text("Für Elise (Bagatelle in A minor)").click()
    page.get_by_role("button", name="Metronome").click()
    page.wait_for_url(f"{server.url}/tools?piece=*")
    expect(page.get_by_test_id("tools-piece")).to_contain_text("Für Elise")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # +1 each
    chosen = page.get_by_test_id("metronome-bpm").inner_text()
    page.wait_for_timeout(1200)  # the piece's tempo is sent after a short pause
    screenshot(page, "practice-tools")
    set_theme(server, EMAIL, "dark")
    page.reload()
    expect(page.get_by_test_id("metronome-bpm")).to_have_text(chosen)
    screenshot(page, "practice-tools-dark")
    # The phone's bottom bar follows the theme (Quasar's layered !important classes once kept it white).
    phone_bar = "getComputedStyle(document.querySelector('.mirubato-phone-nav')).backgroundColor"
    assert page.evaluate(phone_bar) == "rgb(29, 29, 29)"
    page.get_by_test_id("tools-tab-tuner").click()
    screenshot(page, "practice-tuner-dark")
    set_theme(server, EMAIL, "auto")

    # Another device starts at the same tempo for this piece: it was kept with the account.
    fresh = page.context.browser.new_context(viewport=DESKTOP, storage_state=signed_in_elsewhere(musician))
    other = fresh.new_page()
    other.goto(page.url)
    expect(other.get_by_test_id("metronome-bpm")).to_have_text(chosen)
    fresh.close()
    page.close()


def test_the_log_forms_metronome_fills_in_the_tempo_played(musician: BrowserContext, server: Server):
    page = musician.new_page()
    page.goto(f"{server.url}/log/new")
    page.get_by_label("Title").fill("Clair de lune")
    page.get_by_label("Target tempo (BPM)").fill("66")
    page.get_by_test_id("log-metronome").click()
    dialog = page.locator(".q-dialog")
    expect(dialog.get_by_test_id("metronome-bpm")).to_have_text("66")
    expect(dialog.get_by_test_id("tools-piece")).to_contain_text("Clair de lune")
    dialog.get_by_test_id("metronome-toggle").click()
    page.wait_for_timeout(1500)
    screenshot(page, "log-form-metronome", full_page=False)
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_label("Tempo practised (BPM)")).to_have_value("66")
    expect(page.get_by_label("Target tempo (BPM)")).to_have_value("66")
    page.close()


@contextmanager
def microphone_browser(browser: Browser, wav: Path | None) -> Iterator[Browser]:
    """Another Chromium whose microphone plays ``wav`` in a loop (None: a microphone never allowed)."""
    media = ["--use-fake-device-for-media-stream"]
    if wav is not None:
        media += [f"--use-file-for-fake-audio-capture={wav}", "--use-fake-ui-for-media-stream"]
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *media])
    try:
        yield chromium
    finally:
        chromium.close()


def tuner_reading(page: Page) -> tuple[str, float]:
    """Start the tuner and wait for the note shown to hold still for a second."""
    page.get_by_test_id("tuner-toggle").click()
    expect(page.get_by_test_id("tuner-message")).to_have_text(re.compile("Listening"), timeout=10_000)
    page.wait_for_function("document.querySelector('[data-tuner-cents]')", timeout=10_000)
    page.wait_for_timeout(1000)
    root = page.locator("[data-tuner-cents]")
    return str(root.get_attribute("data-tuner-note")), float(root.get_attribute("data-tuner-cents") or "nan")


@pytest.mark.parametrize(
    ("tone", "frequency", "note", "cents"),
    [("sine", 440.0, "A4", 0.0), ("guitar", 82.41, "E2", 0.0), ("sine", 446.0, "A4", 23.4)],
)
def test_the_tuner_names_the_note_and_its_cents_from_the_microphone(
    musician: BrowserContext, server: Server, tmp_path: Path, tone: str, frequency: float, note: str, cents: float
):
    wav = (audio_files.sine if tone == "sine" else audio_files.guitar_like)(tmp_path / "tone.wav", frequency)
    signed_in = signed_in_elsewhere(musician)
    with microphone_browser(musician.browser, wav) as chromium:
        context = chromium.new_context(viewport=DESKTOP, storage_state=signed_in)
        page = context.new_page()
        page.goto(f"{server.url}/tools?tab=tuner")
        choose(page, "tuner-reference", "440")
        shown, measured = tuner_reading(page)
        assert shown == note
        assert measured == pytest.approx(cents, abs=3)
        print(f"{tone} {frequency} Hz: {shown} {measured:+.1f} cents (exact {cents:+.1f})")
        if tone == "guitar":
            choose(page, "tuner-mode", "guitar")
            expect(page.get_by_test_id("tuner-string")).to_contain_text("String E2: in tune")
            screenshot(page, "practice-tuner")


def test_the_tuner_says_what_to_do_when_the_microphone_is_refused(musician: BrowserContext, server: Server, tmp_path):
    signed_in = signed_in_elsewhere(musician)
    with microphone_browser(musician.browser, None) as chromium:
        context = chromium.new_context(viewport=PHONE, storage_state=signed_in)
        page = context.new_page()
        page.goto(f"{server.url}/tools?tab=tuner")
        page.evaluate("""() => { navigator.mediaDevices.getUserMedia = () =>
            Promise.reject(new DOMException("Permission denied", "NotAllowedError")); }""")
        page.get_by_test_id("tuner-toggle").click()
        expect(page.get_by_test_id("tuner-message")).to_contain_text("microphone is blocked")
        expect(page.get_by_test_id("tuner-toggle")).to_have_text("Start the tuner")
        page.evaluate("""() => { navigator.mediaDevices.getUserMedia = () =>
            Promise.reject(new DOMException("Requested device not found", "NotFoundError")); }""")
        page.get_by_test_id("tuner-toggle").click()
        expect(page.get_by_test_id("tuner-message")).to_contain_text("No microphone was found")


def test_with_the_server_gone_the_installed_apps_metronome_and_tuner_still_work(
    browser: Browser, mail: MailSink, tmp_path: Path
):
    wav = audio_files.sine(tmp_path / "a446.wav", 446.0)
    running = start_server(tmp_path, free_port(), mail)
    try:
        with microphone_browser(browser, wav) as chromium:
            context = chromium.new_context(viewport=DESKTOP)
            context.set_default_timeout(10_000)
            page = context.new_page()
            onboard(page, running, "offline-tools@example.com")
            page.goto(f"{running.url}/tools")
            ready_for_offline(page)
            stop_server(running)

            page.goto(f"{running.url}/tools")  # no server: the service worker's shell answers
            expect(page.get_by_text("You are offline.")).to_be_visible()
            page.get_by_test_id("metronome-toggle").click()
            page.wait_for_timeout(1500)
            clicks = page.evaluate(SCHEDULED)
            page.get_by_test_id("metronome-toggle").click()
            assert len(clicks) >= 4 and not [c for c in clicks if c["dropped"]]
            grid_checked(clicks, bpm=clicks[0]["bpm"], subdivision=1, beats=4)
            page.get_by_test_id("tools-tab-tuner").click()
            shown, cents = tuner_reading(page)
            assert (shown, cents) == ("A4", pytest.approx(23.4, abs=3))
            screenshot(page, "offline-tools")
            page.emulate_media(color_scheme="dark")
            screenshot(page, "offline-tools-dark")
    finally:
        stop_server(running)


def test_time_with_the_tools_is_the_timers_time(musician: BrowserContext, server: Server):
    page = musician.new_page()
    page.goto(f"{server.url}/tools")
    page.get_by_test_id("tools-timer-toggle").click()  # start the timer from the tools
    expect(page.get_by_test_id("tools-timer")).to_contain_text("running: time here counts")
    page.get_by_test_id("metronome-toggle").click()
    page.wait_for_timeout(2200)
    page.get_by_test_id("metronome-toggle").click()
    page.goto(f"{server.url}/timer")  # the same clock, still running
    expect(page.get_by_test_id("timer-status")).to_have_text("Practising")
    assert page.get_by_test_id("timer-clock").inner_text() >= "00:02"
    page.get_by_test_id("timer-stop").click()
    expect(page.get_by_label("Tempo practised (BPM)")).to_have_value(re.compile(r"^\d+$"))
    page.get_by_role("button", name="Discard").click()
    # The confirmation is built by the server after that click: wait for it, not for "the last
    # Discard button", which under load was still the review's own, behind the new dialog's backdrop.
    page.get_by_role("dialog").filter(has_text="Discard this practice?").get_by_role("button", name="Discard").click()
    expect(page.get_by_test_id("timer-start")).to_be_visible()
    page.close()
