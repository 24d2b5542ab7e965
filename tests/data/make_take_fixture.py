"""Make tests/data/take-3s.webm: 3 s recorded by Debian's Chromium through MediaRecorder, as the app's
recorder does it (Opus in WebM, 1 s timeslices), from a fake microphone playing a 440 Hz tone.

Run from the repository's root: ``.venv/bin/python tests/data/make_take_fixture.py``.
"""

from __future__ import annotations

import base64
import http.server
import tempfile
import threading
from functools import partial
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.audio_files import write_tone

RECORD = """async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const recorder = new MediaRecorder(stream, { mimeType: "audio/webm;codecs=opus" });
  const parts = [];
  recorder.ondataavailable = (e) => parts.push(e.data);
  const stopped = new Promise((resolve) => (recorder.onstop = resolve));
  recorder.start(1000);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  recorder.stop();
  await stopped;
  stream.getTracks().forEach((t) => t.stop());
  const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tone = write_tone(Path(folder) / "tone.wav", [(440.0, 0.5)], seconds=2.0)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream",
                    f"--use-file-for-fake-audio-capture={tone}",
                ],
            )
            page = browser.new_page()
            # A secure context (loopback) is needed for the microphone; any page there will do.
            (Path(folder) / "index.html").write_text("<p>recording</p>")
            handler = partial(http.server.SimpleHTTPRequestHandler, directory=folder)
            with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
                threading.Thread(target=server.serve_forever, daemon=True).start()
                page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
                encoded = page.evaluate(RECORD)
                server.shutdown()
            browser.close()
    target = Path(__file__).resolve().parent / "take-3s.webm"
    target.write_bytes(base64.b64decode(encoded))
    print(f"{target}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
