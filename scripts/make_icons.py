"""Draw the app icons (a white eighth note on the brand colour) as PNG files, with no image library.

Run once after changing the design: python scripts/make_icons.py
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

BRAND = (79, 70, 184)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "components" / "static" / "icons"


def note_pixel(x: float, y: float) -> bool:
    """A note in a unit square: an oval head, a stem and a flag."""
    head = ((x - 0.40) / 0.16) ** 2 + ((y - 0.70) / 0.115) ** 2 <= 1
    stem = 0.525 <= x <= 0.565 and 0.22 <= y <= 0.70
    flag = 0.565 <= x <= 0.72 and 0.22 <= y <= 0.40 and (x - 0.565) <= (0.40 - y) * 0.95 + 0.02
    return head or stem or flag


def draw(size: int, *, padding: float) -> bytes:
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            x, y = (px + 0.5) / size, (py + 0.5) / size
            inner_x, inner_y = (x - padding) / (1 - 2 * padding), (y - padding) / (1 - 2 * padding)
            row += bytes(WHITE if note_pixel(inner_x, inner_y) else BRAND)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(draw(size, padding=0.08))
    (OUT / "maskable-512.png").write_bytes(draw(512, padding=0.18))
    (OUT / "apple-touch-icon.png").write_bytes(draw(180, padding=0.1))
