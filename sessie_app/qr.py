"""QR codes as SVG, for pages, posters and PDFs (nothing to fetch, sharp at any size)."""

import base64

import qrcode
from qrcode.image.svg import SvgPathImage


def svg(data: str, border: int = 4) -> str:
    """The QR code of ``data`` as SVG markup: black modules on a transparent background,
    with the quiet zone of ``border`` modules that scanners need."""
    image = qrcode.make(
        data, image_factory=SvgPathImage, box_size=10, border=border, error_correction=qrcode.constants.ERROR_CORRECT_M
    )
    return image.to_string(encoding="unicode")


def svg_data_uri(data: str, border: int = 4) -> str:
    """The same SVG as a ``data:`` URI, for an ``<img src>`` that fetches nothing."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(data, border).encode("utf-8")).decode("ascii")
