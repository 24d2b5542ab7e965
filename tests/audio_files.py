"""WAV files for Chromium's fake microphone, for the tuner's browser tests (standard library only).

Chromium started with ``--use-fake-device-for-media-stream --use-file-for-fake-audio-capture=PATH``
hands the page the WAV file at PATH as its microphone, looped forever. These helpers write such files:
16-bit PCM mono at 44.1 kHz, the rate of the fake device (and so of the page's AudioContext): other
rates work too but are resampled.

The loop is made seamless. Chromium reads the file in slices of 441 frames (10 ms of the fake
device) and pads the last, partial slice with zeros before it starts over, so a file of any other
length has a short gap of silence at each loop. Each file is therefore a whole number of slices, the
number chosen so that it also holds an (almost) whole number of periods of the first partial: the
phase jump at the loop point is then a small fraction of a period.
"""

import math
import sys
import wave
from array import array
from pathlib import Path

GUITAR_HARMONICS = (1.0, 0.6, 0.4, 0.25, 0.15, 0.1)  # amplitudes of harmonics 1..6 of a plucked string
FAKE_DEVICE_RATE = 44100  # Debian's Chromium 156 headless: the fake microphone's and AudioContext's rate
FAKE_DEVICE_SLICE = 441  # frames Chromium reads from the file at a time (the last slice is zero-padded)


def _loop_length(frequency: float, seconds: float, rate: int) -> int:
    """A length in frames, ``seconds`` to 1.5 ``seconds``: whole slices, as close to whole periods as can be."""
    target = max(1, round(seconds * rate / FAKE_DEVICE_SLICE))
    candidates = range(target, target * 3 // 2 + 1)

    def phase_error(slices: int) -> float:
        periods = slices * FAKE_DEVICE_SLICE * frequency / rate
        return abs(periods - round(periods))

    best = min(candidates, key=lambda slices: (round(phase_error(slices), 4), abs(slices - target)))
    return best * FAKE_DEVICE_SLICE


def write_tone(
    path: str | Path,
    partials: list[tuple[float, float]],
    seconds: float = 4.0,
    rate: int = FAKE_DEVICE_RATE,
    peak: float | None = None,
) -> Path:
    """Write the sum of sine partials, each (frequency in Hz, amplitude of 1.0 = full scale).

    The length, between ``seconds`` and 1.5 ``seconds``, is chosen for a seamless loop (see the
    module's docstring). With ``peak``, the signal is scaled so that its largest sample is ``peak``;
    without it, it must stay within ±1.
    """
    if not partials:
        raise ValueError("at least one partial is needed")
    frames = _loop_length(partials[0][0], seconds, rate)
    steps = [(2 * math.pi * frequency / rate, amplitude) for frequency, amplitude in partials]
    samples = [sum(amplitude * math.sin(step * n) for step, amplitude in steps) for n in range(frames)]
    largest = max(abs(s) for s in samples)
    scale = peak / largest if peak is not None and largest > 0 else 1.0
    if largest * scale > 1.0:
        raise ValueError(f"the partials add up to {largest * scale:.2f} of full scale; pass peak= to scale them")
    pcm = array("h", (round(s * scale * 32767) for s in samples))
    if sys.byteorder == "big":  # WAV samples are little-endian
        pcm.byteswap()
    target = Path(path)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return target


def sine(path: str | Path, frequency: float, seconds: float = 4.0, rate: int = FAKE_DEVICE_RATE) -> Path:
    """A pure tone at half of full scale."""
    return write_tone(path, [(frequency, 0.5)], seconds=seconds, rate=rate)


def guitar_like(path: str | Path, frequency: float, seconds: float = 5.0, rate: int = FAKE_DEVICE_RATE) -> Path:
    """A steady string-like tone: the fundamental and harmonics 2..6 with decaying amplitudes, peak 0.8."""
    partials = [(frequency * (n + 1), amplitude) for n, amplitude in enumerate(GUITAR_HARMONICS)]
    return write_tone(path, partials, seconds=seconds, rate=rate, peak=0.8)
