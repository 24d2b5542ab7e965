"""Is an upload really audio, and how long is it? Read from its bytes, never from a name or a type.

``sniff`` looks at the first bytes for the containers browsers record into (WebM and Ogg with
Opus, MP4 from Safari, WAV). ``duration_ms`` reads the length from the file itself: Chromium's
MediaRecorder writes WebM with clusters of unknown size and no duration, so the length is that of
the last block, found by walking the clusters. Every parser here is bounded and returns None on
anything malformed instead of raising.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Reader = Callable[[int, int], bytes]

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
SEGMENT, CLUSTER, TIMECODE, SIMPLE_BLOCK, BLOCK_GROUP, BLOCK = 0x18538067, 0x1F43B675, 0xE7, 0xA3, 0xA0, 0xA1
INFO, TIMECODE_SCALE, DURATION, DOC_TYPE = 0x1549A966, 0x2AD7B1, 0x4489, 0x4282
UNKNOWN = -1
WINDOW = 64 * 1024
MAX_ELEMENTS = 2_000_000  # a 20-minute take has about 60,000 blocks: far more is not a recording
OPUS_FRAME_MS = 20  # Chromium's Opus frames; the last block lasts this long after it starts


@dataclass(frozen=True)
class Container:
    name: Literal["webm", "ogg", "mp4", "wav"]
    mime: str


WEBM = Container("webm", "audio/webm")
OGG = Container("ogg", "audio/ogg")
MP4 = Container("mp4", "audio/mp4")
WAV = Container("wav", "audio/wav")


def by_name(name: str | None) -> Container:
    """The container a stored take was sniffed as (WebM when unknown: what browsers record most)."""
    known: dict[str, Container] = {c.name: c for c in (WEBM, OGG, MP4, WAV)}
    return known.get(name or "", WEBM)


def sniff(head: bytes) -> Container | None:
    """Which audio container ``head`` (the file's first bytes) begins, or None when none we accept."""
    if head.startswith(EBML_MAGIC) and _doc_type(head) in (b"webm", b"matroska"):
        return WEBM
    if head.startswith(b"OggS") and len(head) >= 36:
        first_packet = head[27 + head[26] :] if len(head) > 27 else b""
        if first_packet.startswith((b"OpusHead", b"\x01vorbis")):
            return OGG
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return MP4
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    return None


def duration_ms(read: Reader, size: int, container: Container) -> int | None:
    """The recording's length in milliseconds, or None when the file does not say (damaged, cut short)."""
    try:
        probe = {"webm": _webm_ms, "ogg": _ogg_ms, "mp4": _mp4_ms, "wav": _wav_ms}[container.name]
        found = probe(_Bytes(read, size))
    except (IndexError, ValueError, struct.error, OverflowError, ZeroDivisionError):
        return None
    return found if found is not None and found > 0 else None


class _Bytes:
    """Random access to a file through ``read``, a window of it kept at a time."""

    def __init__(self, read: Reader, size: int) -> None:
        self.read, self.size = read, size
        self.start, self.window = 0, b""

    def at(self, position: int, length: int) -> bytes:
        if position < 0 or position + length > self.size:
            raise IndexError("past the end of the file")
        if not (self.start <= position and position + length <= self.start + len(self.window)):
            self.start, self.window = position, self.read(position, max(length, WINDOW))
        offset = position - self.start
        return self.window[offset : offset + length]


def _vint(data: _Bytes, position: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``position``: (value, its length). Sizes of all ones are UNKNOWN."""
    first = data.at(position, 1)[0]
    length = next((n + 1 for n in range(8) if first & (0x80 >> n)), 0)
    if not length:
        raise ValueError("not a variable-length integer")
    raw = data.at(position, length)
    value = int.from_bytes(raw, "big")
    if keep_marker:
        return value, length
    value &= (1 << (7 * length)) - 1
    return (UNKNOWN if value == (1 << (7 * length)) - 1 else value), length


def _element(data: _Bytes, position: int) -> tuple[int, int, int]:
    """(id, size or UNKNOWN, where its content starts)."""
    element_id, id_length = _vint(data, position, keep_marker=True)
    size, size_length = _vint(data, position + id_length, keep_marker=False)
    return element_id, size, position + id_length + size_length


def _doc_type(head: bytes) -> bytes | None:
    data = _Bytes(lambda start, length: head[start : start + length], len(head))
    try:
        _, size, content = _element(data, 0)
        position, end = content, content + (size if size != UNKNOWN else 0)
        while position < min(end, len(head)):
            element_id, length, inner = _element(data, position)
            if element_id == DOC_TYPE:
                return data.at(inner, length)
            position = inner + length
    except (IndexError, ValueError):
        return None
    return None


def _webm_ms(data: _Bytes) -> int | None:
    _, header_size, content = _element(data, 0)
    segment_id, _, position = _element(data, content + header_size)
    if segment_id != SEGMENT:
        return None
    scale, stated, last = 1_000_000, None, None  # TimecodeScale's default: ticks of 1 ms
    cluster_time = 0
    for _ in range(MAX_ELEMENTS):
        if position >= data.size:
            break
        element_id, size, inner = _element(data, position)
        if element_id == INFO:
            scale, stated = _info(data, inner, size, scale)
            position = inner + size
        elif element_id in (CLUSTER, BLOCK_GROUP):
            position = inner  # step inside: a cluster's size is often unknown
        elif element_id == TIMECODE:
            cluster_time = int.from_bytes(data.at(inner, size), "big")
            position = inner + size
        elif element_id in (SIMPLE_BLOCK, BLOCK):
            _, track_length = _vint(data, inner, keep_marker=False)
            relative = struct.unpack(">h", data.at(inner + track_length, 2))[0]
            last = max(last or 0, cluster_time + relative)
            position = inner + size
        elif size == UNKNOWN:
            return None
        else:
            position = inner + size
    if position > data.size:
        return None  # the last element goes past the end: the file was cut short
    if stated:
        return round(stated * scale / 1_000_000)
    return None if last is None else round(last * scale / 1_000_000) + OPUS_FRAME_MS


def _info(data: _Bytes, start: int, size: int, scale: int) -> tuple[int, float | None]:
    duration, position = None, start
    while position < start + size:
        element_id, length, inner = _element(data, position)
        if element_id == TIMECODE_SCALE:
            scale = int.from_bytes(data.at(inner, length), "big")
        elif element_id == DURATION and length in (4, 8):
            duration = struct.unpack(">f" if length == 4 else ">d", data.at(inner, length))[0]
        position = inner + length
    return scale, duration


def _ogg_ms(data: _Bytes) -> int | None:
    header = data.at(0, min(data.size, 4096))
    packet = header[27 + header[26] :]
    if packet.startswith(b"OpusHead"):
        rate, skip = 48_000, struct.unpack("<H", packet[10:12])[0]
    elif packet.startswith(b"\x01vorbis"):
        rate, skip = struct.unpack("<I", packet[12:16])[0], 0
    else:
        return None
    tail_start = max(0, data.size - WINDOW)
    tail = data.read(tail_start, data.size - tail_start)
    last = tail.rfind(b"OggS")
    if last < 0 or last + 14 > len(tail):
        return None
    granule = struct.unpack("<q", tail[last + 6 : last + 14])[0]
    return round((granule - skip) * 1000 / rate) if granule > skip else None


def _wav_ms(data: _Bytes) -> int | None:
    position, rate, align = 12, None, None
    for _ in range(64):
        chunk, length = data.at(position, 4), struct.unpack("<I", data.at(position + 4, 4))[0]
        if chunk == b"fmt ":
            fmt = data.at(position + 8, 16)
            rate, align = struct.unpack("<I", fmt[4:8])[0], struct.unpack("<H", fmt[12:14])[0]
        elif chunk == b"data" and rate and align:
            frames = int(min(length, data.size - position - 8) // align)
            return round(frames * 1000 / int(rate))
        position += 8 + length + (length & 1)
    return None


def _mp4_ms(data: _Bytes) -> int | None:
    return _mp4_box(data, 0, data.size, (b"moov", b"mvhd"))


def _mp4_box(data: _Bytes, start: int, end: int, path: tuple[bytes, ...]) -> int | None:
    position = start
    for _ in range(1000):
        if position + 8 > end:
            return None
        size, kind = struct.unpack(">I", data.at(position, 4))[0], data.at(position + 4, 4)
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data.at(position + 8, 8))[0], 16
        elif size == 0:
            size = end - position
        if size < header:
            return None
        if kind == path[0]:
            if len(path) > 1:
                return _mp4_box(data, position + header, position + size, path[1:])
            version = data.at(position + header, 1)[0]
            if version == 1:
                timescale, duration = struct.unpack(">IQ", data.at(position + header + 20, 12))
            else:
                timescale, duration = struct.unpack(">II", data.at(position + header + 12, 8))
            return round(int(duration) * 1000 / int(timescale))
        position += size
    return None
