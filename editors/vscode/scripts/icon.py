"""Draws images/icon.png, the extension's 128x128 Marketplace icon: a
rounded indigo square with a white "L" and an amber dot. Standard library
only: python3 scripts/icon.py (from editors/vscode)."""

import struct
import zlib
from pathlib import Path

SIZE = 128
SS = 4  # supersamples per axis, for smooth edges
BG = (49, 46, 129)  # indigo
FG = (255, 255, 255)
ACCENT = (251, 191, 36)  # amber


def inside_rounded(x: float, y: float, x0: float, y0: float, x1: float, y1: float, r: float) -> bool:
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1


def color_at(x: float, y: float):
    """The RGBA of a point, or None outside the icon."""
    if not inside_rounded(x, y, 4, 4, 124, 124, 24):
        return None
    # The L: a vertical bar and a foot.
    if inside_rounded(x, y, 36, 26, 56, 102, 4) or inside_rounded(x, y, 36, 82, 92, 102, 4):
        return FG
    if (x - 88) ** 2 + (y - 40) ** 2 <= 12 ** 2:
        return ACCENT
    return BG


def pixel(px: int, py: int) -> bytes:
    r = g = b = a = 0.0
    for sy in range(SS):
        for sx in range(SS):
            c = color_at(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
            if c is not None:
                r, g, b, a = r + c[0], g + c[1], b + c[2], a + 1
    if a == 0:
        return bytes(4)
    return bytes((round(r / a), round(g / a), round(b / a), round(255 * a / (SS * SS))))


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main() -> None:
    rows = [b"".join(pixel(x, y) for x in range(SIZE)) for y in range(SIZE)]
    out = Path(__file__).resolve().parent.parent / "images" / "icon.png"
    out.write_bytes(png(SIZE, SIZE, rows))
    print(f"{out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
