"""Open Badges 3.0 baking: the signed credential inside the badge image itself.

PNG: one uncompressed iTXt chunk with the keyword ``openbadgecredential`` whose text is
the compact JWS. SVG: an ``<openbadges:credential verify="…">`` element straight after the
``<svg>`` tag, in the namespace https://purl.imsglobal.org/ob/v3p0."""

import io
import struct
import textwrap
import zlib
from functools import cache
from html import escape
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

KEYWORD = b"openbadgecredential"
SIZE = 400
BLUE = (11, 92, 138)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bake_png(png: bytes, jws: str) -> bytes:
    """``png`` with the credential's iTXt chunk just before IEND (any earlier one replaced)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("Not a PNG image.")
    out, at = [png[:8]], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        end = at + 12 + length
        data = png[at + 8 : at + 8 + length]
        if kind == b"IEND":
            # keyword, NUL, compression flag 0, method 0, empty language tag and
            # translated keyword (each NUL-terminated), then the text, uncompressed.
            itxt = KEYWORD + b"\x00\x00\x00" + b"\x00" + b"\x00" + jws.encode("utf-8")
            out.append(_chunk(b"iTXt", itxt))
        if not (kind == b"iTXt" and data.split(b"\x00", 1)[0] == KEYWORD):
            out.append(png[at:end])
        at = end
    return b"".join(out)


@cache
def _font(size: int, bold: bool = False):
    names = ("DejaVuSans-Bold.ttf", "VeraBd.ttf") if bold else ("DejaVuSans.ttf", "Vera.ttf")
    for folder in (Path("/usr/share/fonts/truetype/dejavu"),
                   Path(__import__("reportlab").__file__).parent / "fonts"):  # fmt: skip
        for name in names:
            if (folder / name).exists():
                return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default()


def badge_png(title: str) -> bytes:
    """A plain badge: a ring, the word CERTIFICATE and the module's title."""
    image = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=(255, 255, 255, 255), outline=BLUE, width=14)
    draw.ellipse((36, 36, SIZE - 36, SIZE - 36), outline=BLUE, width=3)
    draw.text((SIZE / 2, 110), "CERTIFICATE", fill=BLUE, font=_font(26, True), anchor="mm")
    lines = textwrap.wrap(title, 18)[:4]
    top = SIZE / 2 - (len(lines) - 1) * 17
    for i, line in enumerate(lines):
        draw.text((SIZE / 2, top + i * 34), line, fill=(26, 26, 26), font=_font(28, True),
                  anchor="mm")  # fmt: skip
    draw.text((SIZE / 2, SIZE - 100), "Open Badge", fill=BLUE, font=_font(20), anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def baked_png(certificate, jws: str) -> bytes:
    return bake_png(badge_png(certificate.module_title), jws)


def baked_svg(certificate, jws: str) -> str:
    lines = textwrap.wrap(certificate.module_title, 18)[:4]
    top = 200 - (len(lines) - 1) * 17
    text = "".join(
        f'<text x="200" y="{top + i * 34 + 10:.0f}" text-anchor="middle" font-size="28" '
        f'font-weight="bold" fill="#1a1a1a">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" viewBox="0 0 400 400" '
        'width="400" height="400" role="img" '
        f'aria-label="Certificate: {escape(certificate.module_title)}">\n'
        f'<openbadges:credential verify="{escape(jws)}"></openbadges:credential>\n'
        '<circle cx="200" cy="200" r="185" fill="#fff" stroke="#0b5c8a" stroke-width="14"/>'
        '<circle cx="200" cy="200" r="164" fill="none" stroke="#0b5c8a" stroke-width="3"/>'
        '<text x="200" y="119" text-anchor="middle" font-size="26" font-weight="bold" '
        'fill="#0b5c8a" font-family="DejaVu Sans, Arial, sans-serif">CERTIFICATE</text>'
        f"{text}"
        '<text x="200" y="307" text-anchor="middle" font-size="20" fill="#0b5c8a">Open Badge</text>'
        "\n</svg>\n"
    )
