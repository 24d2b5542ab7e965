"""Recordings for the takes' tests: a real take recorded by Chromium's MediaRecorder, and non-audio."""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CHUNK = 8192  # small, so that a 3-second take arrives in several chunks
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@cache
def real_take() -> bytes:
    """About 3 s of Opus in WebM, as Chromium records it (tests/data/make_take_fixture.py made it)."""
    return (DATA / "take-3s.webm").read_bytes()
