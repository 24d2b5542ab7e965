"""services.audio_probe: what an upload really is, and how long, from its bytes alone.

The WebM is real: tests/data/take-3s.webm was recorded by Debian's Chromium through MediaRecorder
(tests/data/make_take_fixture.py makes it again). The Ogg, WAV and MP4 files are built here, byte by
byte, so that each field the probe reads is known.
"""

from __future__ import annotations

import io
import random
import struct
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

from services.audio_probe import MP4, OGG, WAV, WEBM, Container, duration_ms, sniff

TAKE = Path(__file__).resolve().parents[1] / "data" / "take-3s.webm"


def probe(data: bytes, container: Container, reads: list[tuple[int, int]] | None = None) -> int | None:
    def read(offset: int, length: int) -> bytes:
        if reads is not None:
            reads.append((offset, length))
        return data[offset : offset + length]

    return duration_ms(read, len(data), container)


# --- Ogg: pages with a real CRC (polynomial 0x04C11DB7, not reflected, initial value 0) ---------


def ogg_crc(page: bytes) -> int:
    crc = 0
    for byte in page:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
    return crc


def ogg_page(packets: list[bytes], granule: int, sequence: int, flags: int = 0, serial: int = 0x1234) -> bytes:
    lacing = b"".join(bytes([255] * (len(p) // 255) + [len(p) % 255]) for p in packets)
    header = struct.pack("<4sBBqIII", b"OggS", 0, flags, granule, serial, sequence, 0) + bytes([len(lacing)]) + lacing
    page = header + b"".join(packets)
    return page[:22] + struct.pack("<I", ogg_crc(page)) + page[26:]


def ogg_opus(pre_skip: int = 312, audio_granules: tuple[int, ...] = (48_000 + 312, 2 * 48_000 + 312)) -> bytes:
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, pre_skip, 48_000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 7) + b"mirubat" + struct.pack("<I", 0)
    pages = [ogg_page([head], 0, 0, flags=0x02), ogg_page([tags], 0, 1)]
    for n, granule in enumerate(audio_granules):
        # 50 packets of 20 ms (TOC 0xFC: CELT fullband, one frame); one of them holds a stray "OggS".
        packets = [bytes([0xFC]) + (b"OggS" if i == 7 else b"") + bytes(60) for i in range(50)]
        last = n == len(audio_granules) - 1
        pages.append(ogg_page(packets, granule, 2 + n, flags=0x04 if last else 0))
    return b"".join(pages)


def test_an_ogg_opus_file_lasts_its_last_granule_less_the_pre_skip() -> None:
    data = ogg_opus()
    assert ogg_crc(b"OggS") != 0  # the helper computes a checksum at all
    assert sniff(data[:4096]) == OGG
    assert probe(data, OGG) == 2000


def test_an_ogg_cut_off_mid_page_is_measured_to_its_last_whole_page() -> None:
    data = ogg_opus()
    assert probe(data[:-500], OGG) == 1000


def test_an_ogg_vorbis_file_counts_granules_at_its_own_sample_rate() -> None:
    ident = b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 2, 44_100, 0, 128_000, 0, 0xB8, 1)
    data = ogg_page([ident], 0, 0, flags=0x02) + ogg_page([bytes(400)], 3 * 44_100, 1, flags=0x04)
    assert sniff(data) == OGG
    assert probe(data, OGG) == 3000


def test_an_ogg_page_of_another_codec_is_not_audio_we_accept() -> None:
    assert sniff(ogg_page([b"\x80theora" + bytes(40)], 0, 0, flags=0x02)) is None


# --- WAV, written by the standard library ---------------------------------------------------------


def wav_bytes(seconds: float, rate: int = 48_000, channels: int = 1) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(round(seconds * rate) * 2 * channels))
    return out.getvalue()


def test_a_wav_of_one_and_a_half_seconds_lasts_1500_ms() -> None:
    data = wav_bytes(1.5)
    assert sniff(data[:4096]) == WAV
    assert probe(data, WAV) == 1500


def test_a_stereo_wav_divides_its_data_by_the_frame_size_not_the_sample_size() -> None:
    assert probe(wav_bytes(2.0, rate=44_100, channels=2), WAV) == 2000


# --- MP4, boxes by hand -----------------------------------------------------------------------------


def box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


FTYP = box(b"ftyp", b"isom", struct.pack(">I", 512), b"isomiso6mp41")


def mvhd(timescale: int, duration: int, version: int = 0) -> bytes:
    if version == 1:
        return box(b"mvhd", struct.pack(">B3xQQIQ", 1, 0, 0, timescale, duration), bytes(80))
    return box(b"mvhd", struct.pack(">B3xIIII", 0, 0, 0, timescale, duration), bytes(80))


def test_an_mp4_lasts_its_movie_header_duration_in_either_version() -> None:
    version_0 = FTYP + box(b"moov", mvhd(1000, 2500))
    version_1 = FTYP + box(b"moov", box(b"free", bytes(12)), mvhd(48_000, 4 * 48_000, version=1)) + box(b"mdat")
    assert sniff(version_0) == MP4
    assert probe(version_0, MP4) == 2500
    assert probe(version_1, MP4) == 4000


def fragmented_mp4() -> bytes:
    """Laid out as Chromium's MediaRecorder writes audio/mp4: the movie's duration 0, then fragments."""
    tkhd = box(b"tkhd", struct.pack(">B3xIII", 0, 0, 0, 1), bytes(68))
    mdhd = box(b"mdhd", struct.pack(">B3xIIII", 0, 0, 0, 48_000, 0), bytes(4))
    trex = box(b"trex", struct.pack(">IIIII", 0, 1, 1, 960, 0), bytes(4))
    moov = box(b"moov", mvhd(1000, 0, version=1), box(b"trak", tkhd, box(b"mdia", mdhd)), box(b"mvex", trex))
    # First fragment: a start (tfdt) and 25 durations of 60 ms; second: no tfdt, no durations: the
    # 50 samples take trex's default of 20 ms and start where the first ended.
    samples = b"".join(struct.pack(">II", 2880, 900) for _ in range(25))
    first = box(
        b"traf",
        box(b"tfhd", struct.pack(">II", 0x020000, 1)),
        box(b"tfdt", struct.pack(">IQ", 1 << 24, 0)),
        box(b"trun", struct.pack(">IIi", 0x000301, 25, 0), samples),
    )
    second = box(
        b"traf",
        box(b"tfhd", struct.pack(">II", 0x020000, 1)),
        box(b"trun", struct.pack(">IIi", 0x000201, 50, 0), struct.pack(">I", 300) * 50),
    )
    mfhd = box(b"mfhd", bytes(8))
    return FTYP + moov + box(b"moof", mfhd, first) + box(b"mdat", bytes(2000)) + box(b"moof", mfhd, second)


def test_a_fragmented_mp4_as_browsers_record_it_lasts_to_its_last_fragment_end() -> None:
    data = fragmented_mp4()
    assert sniff(data) == MP4
    assert probe(data, MP4) == 2500


def test_a_heic_photo_is_not_audio_though_it_has_an_ftyp() -> None:
    assert sniff(box(b"ftyp", b"heic", bytes(4), b"mif1heic") + bytes(100)) is None


def test_an_mp4_without_a_movie_box_has_no_duration() -> None:
    assert probe(FTYP + box(b"mdat", bytes(100)), MP4) is None


# --- WebM: the real Chromium recording --------------------------------------------------------------


def test_chromiums_three_second_webm_is_measured_from_its_clusters() -> None:
    data = TAKE.read_bytes()
    assert sniff(data[:4096]) == WEBM
    # 3.0 s recorded; MediaRecorder starts and stops on its own clock, so allow 2.9 to 3.3 s.
    assert 2900 <= (probe(data, WEBM) or 0) <= 3300


def with_info_duration(data: bytes, stated_ms: float) -> bytes:
    """The take with a Duration added to its Info (at offset 48, one size byte), as ffmpeg would write."""
    assert data[48:52] == b"\x15\x49\xa9\x66"
    content = data[53 : 53 + (data[52] & 0x7F)] + b"\x44\x89\x88" + struct.pack(">d", stated_ms)
    return data[:48] + b"\x15\x49\xa9\x66" + bytes([0x80 | len(content)]) + content + data[53 + (data[52] & 0x7F) :]


def test_a_webm_that_states_its_duration_is_taken_at_its_word() -> None:
    assert probe(with_info_duration(TAKE.read_bytes(), 12_345.0), WEBM) == 12_345


def test_a_big_webm_is_read_in_windows_not_whole() -> None:
    data = TAKE.read_bytes()
    first_cluster = data.index(b"\x1f\x43\xb6\x75")
    void = b"\xec\x01" + (20 * 1024 * 1024).to_bytes(7, "big") + bytes(20 * 1024 * 1024)  # 20 MiB of Void
    big = data[:first_cluster] + void + data[first_cluster:]
    reads: list[tuple[int, int]] = []
    assert probe(big, WEBM, reads) == probe(data, WEBM)
    assert max(length for _, length in reads) <= 64 * 1024
    assert sum(length for _, length in reads) < 1024 * 1024


def test_a_webm_flooded_with_empty_elements_is_given_up_on_not_walked_to_the_end() -> None:
    data = TAKE.read_bytes()
    first_cluster = data.index(b"\x1f\x43\xb6\x75")
    flooded = data[:first_cluster] + b"\xec\x80" * 300_000 + data[first_cluster:]  # empty Voids
    assert probe(flooded, WEBM) is None


def test_a_store_that_fails_to_read_is_an_error_not_a_damaged_file() -> None:
    def broken(offset: int, length: int) -> bytes:
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        duration_ms(broken, 50_000, WEBM)


@pytest.mark.parametrize("keep", [4, 40, 53, 200, 20_000, -5])
def test_a_webm_cut_short_has_no_duration(keep: int) -> None:
    data = TAKE.read_bytes()[:keep]
    assert probe(data, WEBM) is None


def test_a_webm_cut_after_its_header_is_still_sniffed_as_webm_but_not_measured() -> None:
    data = TAKE.read_bytes()[:40]
    assert sniff(data) == WEBM
    assert probe(data, WEBM) is None


# --- what is not audio ------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


@pytest.mark.parametrize(
    "head",
    [
        PNG,
        JPEG,
        b"",
        b"\x1a\x45\xdf\xa3",
        b"RIFF\x24\x00\x00\x00AVI LIST",
        b"OggS",
        b"just some text, named take.webm\n" * 10,
        b"\x1a\x45\xdf\xa3\x84\x42\x82\x81x",  # EBML with a DocType of "x": not WebM
    ],
)
def test_a_file_that_is_not_audio_is_not_sniffed_as_audio(head: bytes) -> None:
    assert sniff(head) is None


def test_a_png_renamed_webm_is_not_audio_and_has_no_duration() -> None:
    assert sniff(PNG) is None
    assert probe(PNG, WEBM) is None


@pytest.mark.parametrize("seed", range(8))
def test_random_bytes_are_not_audio_and_never_break_a_parser(seed: int) -> None:
    noise = random.Random(seed).randbytes(4096)
    assert sniff(noise) is None
    for container in (WEBM, OGG, MP4, WAV):
        assert probe(noise, container) is None


def damaged(data: bytes, seed: int) -> Callable[[], bytes]:
    rng = random.Random(seed)

    def one() -> bytes:
        out = bytearray(data[: rng.randrange(1, len(data) + 1)])
        for _ in range(rng.randrange(1, 8)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)

    return one


@pytest.mark.parametrize("seed", range(4))
def test_damaged_recordings_give_a_length_or_none_never_an_exception(seed: int) -> None:
    for data in (TAKE.read_bytes(), ogg_opus(), wav_bytes(0.5), fragmented_mp4()):
        make = damaged(data, seed)
        for _ in range(25):
            broken = make()
            sniff(broken[:4096])
            for any_container in (WEBM, OGG, MP4, WAV):
                found = probe(broken, any_container)
                assert found is None or found > 0
