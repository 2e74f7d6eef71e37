"""Draw the app's icons (static/icons/) once, with no imaging library: a pure-Python PNG
writer. Run again only to change the design: `python scripts/make_icons.py`.

The mark is a white ring with a gap (a "C" for Cohort, a path walked around) and a dot on
the ring's end, on the site header's navy (#0f172a). The "maskable" icons keep the mark
inside the middle 60% so any launcher mask (circle, squircle) leaves it whole."""

import math
import struct
import zlib
from pathlib import Path

NAVY = (15, 23, 42)
WHITE = (255, 255, 255)
AMBER = (245, 158, 11)  # the focus ring's colour in cohort.css
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
SAMPLES = 4  # 4x4 supersampling per pixel for smooth edges


def _png(path: Path, size: int, pixels: list[bytes]) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + row for row in pixels)
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    data += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    path.write_bytes(data)


def _colour_at(x: float, y: float, scale: float) -> tuple[int, int, int]:
    """The mark in a unit square centred on (0, 0), scaled by `scale`."""
    x, y = x / scale, y / scale
    r = math.hypot(x, y)
    angle = math.degrees(math.atan2(-y, x)) % 360  # 0 = east, counter-clockwise
    dot = (x - 0.3 * math.cos(math.radians(35))) ** 2 + (y + 0.3 * math.sin(math.radians(35))) ** 2
    if dot <= 0.07**2:
        return AMBER
    if 0.24 <= r <= 0.36 and not (angle < 35 or angle > 325):
        return WHITE
    return NAVY


def draw(size: int, scale: float) -> list[bytes]:
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            acc = [0, 0, 0]
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (px + (sx + 0.5) / SAMPLES) / size - 0.5
                    y = (py + (sy + 0.5) / SAMPLES) / size - 0.5
                    for i, c in enumerate(_colour_at(x, y, scale)):
                        acc[i] += c
            row.extend(round(c / SAMPLES**2) for c in acc)
        rows.append(bytes(row))
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        _png(OUT / f"icon-{size}.png", size, draw(size, 1.25))
        _png(OUT / f"maskable-{size}.png", size, draw(size, 0.85))
    _png(OUT / "apple-touch-icon.png", 180, draw(180, 1.1))
    print(f"icons written to {OUT}")


if __name__ == "__main__":
    main()
