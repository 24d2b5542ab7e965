"""Is an upload really audio, and how long is it? Read from its bytes, never from a name or a type.

``sniff`` looks at the first bytes for the containers browsers record into (WebM and Ogg with
Opus, MP4 from Safari and Chromium, WAV). ``duration_ms`` reads the length from the file itself,
through ``read`` a window at a time, never the whole file at once. Browsers record as a stream, so
the header seldom states a length: Chromium's WebM has clusters of unknown size and no Duration, and
a recorded MP4 is fragmented with a duration of 0; the length is then where the last block (or the
last fragment's samples) ends. Every parser is bounded, iterative, and returns None on anything
malformed instead of raising.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

Reader = Callable[[int, int], bytes]

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
SEGMENT, INFO, TIMECODE_SCALE, DURATION, DOC_TYPE = 0x18538067, 0x1549A966, 0x2AD7B1, 0x4489, 0x4282
TRACKS, TRACK_ENTRY, CODEC_ID = 0x1654AE6B, 0xAE, 0x86
CLUSTER, TIMECODE, SIMPLE_BLOCK, BLOCK_GROUP, BLOCK = 0x1F43B675, 0xE7, 0xA3, 0xA0, 0xA1
# Masters whose children the walk reads. Walking their children in line with the top level is what
# ends an unknown-size Cluster: the next Cluster, Cues or Tags id simply comes next.
STEP_INTO = frozenset({CLUSTER, BLOCK_GROUP, TRACKS, TRACK_ENTRY})
UNKNOWN = -1
WINDOW = 64 * 1024
# A 20-minute take (the most we keep) has 20,000 blocks from Chromium, 60,000 at one 20 ms frame a
# block: several times more is not a recording but a file made to keep the server busy.
MAX_ELEMENTS = 250_000
MAX_OGG_PAGES = 64  # "OggS" candidates tried, from the end back, for the last whole page
MAX_BOXES = 100_000
OGG_CODECS = (b"OpusHead", b"\x01vorbis")  # the first packet names the codec
# ftyp brands of still images (HEIF, HEIC, AVIF): an "MP4" that is a photo is not a recording.
IMAGE_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"})


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
    if head.startswith(b"OggS\x00") and len(head) >= 36 and head[27 + head[26] :].startswith(OGG_CODECS):
        return OGG
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] not in IMAGE_BRANDS:
        return MP4
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    return None


def duration_ms(read: Reader, size: int, container: Container) -> int | None:
    """The recording's length in milliseconds, or None when the file does not say (damaged, cut short)."""
    probe = {"webm": _webm_ms, "ogg": _ogg_ms, "mp4": _mp4_ms, "wav": _wav_ms}[container.name]
    try:
        found = probe(_Bytes(read, size))
    except (IndexError, ValueError, StopIteration, struct.error, OverflowError, ZeroDivisionError):
        # StopIteration: an MP4 box that must be there is not. The reader's own errors (a store
        # that fails) are not "damaged": they go up.
        return None
    return found if found is not None and found > 0 else None


class _Bytes:
    """Random access to a file through ``read``, one window of it kept at a time."""

    def __init__(self, read: Reader, size: int) -> None:
        self.read, self.size = read, size
        self.start, self.window = 0, b""

    def at(self, position: int, length: int) -> bytes:
        if position < 0 or length < 0 or position + length > self.size:
            raise IndexError("past the end of the file")
        if not (self.start <= position and position + length <= self.start + len(self.window)):
            self.start, self.window = position, self.read(position, max(length, WINDOW))
        found = self.window[position - self.start : position - self.start + length]
        if len(found) < length:
            raise IndexError("the reader returned fewer bytes than the size promised")
        return found


def _vint(data: _Bytes, position: int, *, keep_marker: bool) -> tuple[int, int]:
    """An EBML variable-length integer at ``position``: (value, its length). Sizes of all ones are UNKNOWN."""
    first = data.at(position, 1)[0]
    if not first:
        raise ValueError("not a variable-length integer")
    length = 9 - first.bit_length()  # the leading zeros, plus the marker bit, give the length
    value = int.from_bytes(data.at(position, length), "big")
    if keep_marker:
        return value, length
    value &= (1 << (7 * length)) - 1
    return (UNKNOWN if value == (1 << (7 * length)) - 1 else value), length


def _element(data: _Bytes, position: int) -> tuple[int, int, int]:
    """(id, size or UNKNOWN, where its content starts)."""
    element_id, id_length = _vint(data, position, keep_marker=True)
    size, size_length = _vint(data, position + id_length, keep_marker=False)
    return element_id, size, position + id_length + size_length


def _uint(data: _Bytes, position: int, length: int) -> int:
    if not 0 <= length <= 8:
        raise ValueError("an EBML integer has at most 8 bytes")
    return int.from_bytes(data.at(position, length), "big")


def _doc_type(head: bytes) -> bytes | None:
    data = _Bytes(lambda start, length: head[start : start + length], len(head))
    try:
        _, size, position = _element(data, 0)
        end = min(position + max(size, 0), len(head))
        while position < end:  # each step moves forward: ids and sizes take a byte at least
            element_id, length, inner = _element(data, position)
            if element_id == DOC_TYPE:
                return data.at(inner, length)
            position = inner + max(length, 0)
    except (IndexError, ValueError):
        return None
    return None


def _webm_ms(data: _Bytes) -> int | None:
    _, header_size, content = _element(data, 0)
    segment_id, segment_size, position = _element(data, content + max(header_size, 0))
    if segment_id != SEGMENT:
        return None
    end = data.size if segment_size == UNKNOWN else min(data.size, position + segment_size)
    scale, cluster_time = 1_000_000, 0  # TimecodeScale's default: ticks of 1 ms
    codecs: set[bytes] = set()
    last: tuple[int, int, int] | None = None  # the latest block: (start in ticks, its payload, its end)
    for _ in range(MAX_ELEMENTS):
        if position >= end:
            break
        element_id, size, inner = _element(data, position)
        if element_id in STEP_INTO:
            position = inner  # its children come next, in line; a Cluster's size is often unknown
            continue
        if size == UNKNOWN:
            return None  # only masters may leave their size open
        if element_id == INFO:
            scale, stated = _info(data, inner, size)
            if stated > 0:  # a file that states its length: no need to read on
                return round(stated * scale / 1_000_000)
        elif element_id == CODEC_ID:
            codecs.add(data.at(inner, min(size, 32)))
        elif element_id == TIMECODE:
            cluster_time = _uint(data, inner, size)
        elif element_id in (SIMPLE_BLOCK, BLOCK):
            _, track_length = _vint(data, inner, keep_marker=False)
            relative, flags = struct.unpack(">hB", data.at(inner + track_length, 3))
            if last is None or cluster_time + relative >= last[0]:
                # Laced blocks hold several frames whose lengths are not worth parsing: count only the start.
                payload = inner + track_length + 3 if not flags & 0x06 else inner + size
                last = (cluster_time + relative, payload, inner + size)
        position = inner + size
    else:
        return None  # too many elements
    if position > data.size or last is None:
        return None  # the last element runs past the end: the file was cut short
    start, payload, block_end = last
    # The last block lasts a while after it starts: Chromium puts 3 Opus frames of 20 ms in each block,
    # so a flat 20 ms would fall 40 ms short; the Opus TOC byte says exactly. Other codecs: 0.
    tail = _opus_ms(data.at(payload, min(2, block_end - payload))) if codecs == {b"A_OPUS"} else 0.0
    return round(start * scale / 1_000_000 + tail)


def _info(data: _Bytes, start: int, size: int) -> tuple[int, float]:
    scale, duration, position = 1_000_000, 0.0, start
    while position < start + size:
        element_id, length, inner = _element(data, position)
        if length == UNKNOWN:
            raise ValueError("an Info child of unknown size")
        if element_id == TIMECODE_SCALE:
            scale = _uint(data, inner, length)
        elif element_id == DURATION and length in (4, 8):
            duration = struct.unpack(">f" if length == 4 else ">d", data.at(inner, length))[0]
        position = inner + length
    return scale, duration


def _opus_ms(packet: bytes) -> float:
    """An Opus packet's length from its TOC byte (RFC 6716, 3.1): frame size by config, frame count by code."""
    if not packet:
        return 0.0
    config, code = packet[0] >> 3, packet[0] & 3
    # SILK configs 0-11 frame 10/20/40/60 ms, hybrid 12-15 10/20 ms, CELT 16-31 2.5/5/10/20 ms.
    sizes = (10, 20, 40, 60) if config < 12 else (10, 20) if config < 16 else (2.5, 5, 10, 20)
    frame = sizes[config % len(sizes)]
    frames = 1 if code == 0 else 2 if code < 3 else (packet[1] & 0x3F if len(packet) > 1 else 0)
    return float(frame * frames)


def _ogg_ms(data: _Bytes) -> int | None:
    head = data.at(0, min(data.size, 4096))
    serial, packet = head[14:18], head[27 + head[26] :]
    if packet.startswith(OGG_CODECS[0]):
        rate, skip = 48_000, struct.unpack("<H", packet[10:12])[0]  # Opus granules always count 48 kHz
    elif packet.startswith(OGG_CODECS[1]):
        rate, skip = struct.unpack("<I", packet[12:16])[0], 0
    else:
        return None
    # A page is at most 65,307 bytes: two windows hold the last whole page even behind a cut-off one.
    tail_start = max(0, data.size - 2 * WINDOW)
    tail = data.at(tail_start, data.size - tail_start)
    position = len(tail)
    for _ in range(MAX_OGG_PAGES):
        position = tail.rfind(b"OggS", 0, position + 3)
        if position < 0:
            return None
        granule = _ogg_granule(tail, position, serial)
        if granule is not None:
            return round((granule - skip) * 1000 / rate) if granule > skip else None
    return None


def _ogg_granule(tail: bytes, at: int, serial: bytes) -> int | None:
    """The granule of a whole page of our stream at ``at``; None for "OggS" inside audio data, a cut-off page.

    Our stream's serial number and a page that fits are check enough; a CRC pass in pure Python over
    up to 64 KiB per candidate would add little.
    """
    if len(tail) < at + 27 or tail[at + 4] != 0 or tail[at + 14 : at + 18] != serial:
        return None
    segments = tail[at + 26]
    length = 27 + segments + sum(tail[at + 27 : at + 27 + segments])
    page = tail[at : at + length]
    if len(tail) < at + 27 + segments or len(page) < length:
        return None
    granule = int.from_bytes(page[6:14], "little", signed=True)
    return granule if granule >= 0 else None  # -1: no packet ends on this page; look further back


def _wav_ms(data: _Bytes) -> int | None:
    position, rate, align = 12, 0, 0
    for _ in range(64):  # chunks before "data" are few (fmt, LIST, fact)
        chunk, length = data.at(position, 4), int.from_bytes(data.at(position + 4, 4), "little")
        if chunk == b"fmt " and length >= 16:
            rate, align = struct.unpack("<4xI4xH", data.at(position + 8, 14))
        elif chunk == b"data" and rate and align:
            # A recorder that never went back to write the size leaves 0xFFFFFFFF: count what is there.
            return round(min(length, data.size - position - 8) // align * 1000 / rate)
        position += 8 + length + (length & 1)
    return None


def _boxes(data: _Bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """The MP4 boxes between ``start`` and ``end``: (type, where its content starts, where it ends)."""
    position = start
    for _ in range(MAX_BOXES):
        if position + 8 > end:
            return
        size, kind = struct.unpack(">I4s", data.at(position, 8))
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data.at(position + 8, 8))[0], 16
        elif size == 0:
            size = end - position  # "to the end of its parent"
        if size < header or position + size > end:
            raise ValueError("a box that does not fit its parent")
        yield kind, position + header, position + size
        position += size


def _find(data: _Bytes, start: int, end: int, *path: bytes) -> tuple[int, int]:
    for kind in path:  # one level at a time, never recursively
        start, end = next((s, e) for k, s, e in _boxes(data, start, end) if k == kind)
    return start, end


def _full_box_times(data: _Bytes, at: int) -> tuple[int, int]:
    """(timescale, duration) of an mvhd or mdhd, which share their layout."""
    version = data.at(at, 1)[0]
    if version > 1:
        raise ValueError("an unknown box version")
    return struct.unpack(">IQ", data.at(at + 20, 12)) if version else struct.unpack(">II", data.at(at + 12, 8))


def _mp4_ms(data: _Bytes) -> int | None:
    moov = _find(data, 0, data.size, b"moov")
    timescale, duration = _full_box_times(data, _find(data, *moov, b"mvhd")[0])
    if duration not in (0, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):  # 0 or all ones: "not known here"
        return round(int(duration) * 1000 / int(timescale))
    # Recorded MP4 is fragmented (Chromium's; Safari's too): the movie says 0, and the length is
    # where the first track's last fragment ends, in that track's own timescale.
    trak = _find(data, *moov, b"trak")
    tkhd = _find(data, *trak, b"tkhd")[0]
    track = struct.unpack(">I", data.at(tkhd + (20 if data.at(tkhd, 1)[0] else 12), 4))[0]
    timescale = _full_box_times(data, _find(data, *trak, b"mdia", b"mdhd")[0])[0]
    try:  # trex: the samples' default duration, where neither tfhd nor trun gives one
        default = struct.unpack(">I", data.at(_find(data, *moov, b"mvex", b"trex")[0] + 12, 4))[0]
    except StopIteration:
        default = 0
    ticks = 0
    for kind, start, stop in _boxes(data, 0, data.size):
        for inner, traf, traf_end in _boxes(data, start, stop) if kind == b"moof" else ():
            if inner == b"traf":
                ticks = _fragment_end(data, traf, traf_end, (track, default), ticks)
    return round(ticks * 1000 / timescale) if ticks else None


def _fragment_end(data: _Bytes, start: int, end: int, track: tuple[int, int], previous_end: int) -> int:
    """Where a track fragment ends: its tfdt start (or the previous fragment's end) plus its samples."""
    boxes = {kind: at for kind, at, _ in _boxes(data, start, end)}
    if b"tfhd" not in boxes or b"trun" not in boxes:
        return previous_end
    flags, track_id = struct.unpack(">II", b"\0" + data.at(boxes[b"tfhd"] + 1, 7))
    if track_id != track[0]:
        return previous_end
    at = boxes[b"tfhd"] + 8 + (8 if flags & 0x01 else 0) + (4 if flags & 0x02 else 0)
    default = struct.unpack(">I", data.at(at, 4))[0] if flags & 0x08 else track[1]
    begin = previous_end
    if b"tfdt" in boxes:
        version = data.at(boxes[b"tfdt"], 1)[0]
        begin = struct.unpack(">Q" if version else ">I", data.at(boxes[b"tfdt"] + 4, 8 if version else 4))[0]
    flags, count = struct.unpack(">II", b"\0" + data.at(boxes[b"trun"] + 1, 7))
    if count > MAX_BOXES:
        raise ValueError("more samples than a fragment holds")
    if not flags & 0x100:  # no per-sample durations: all take the default
        return int(begin + count * default)
    at = boxes[b"trun"] + 8 + (4 if flags & 0x01 else 0) + (4 if flags & 0x04 else 0)
    stride = 4 * bin(flags & 0xF00).count("1")  # duration, size, flags, composition offset: 4 bytes each
    samples = data.at(at, stride * count)
    return int(begin + sum(struct.unpack_from(">I", samples, i * stride)[0] for i in range(count)))
