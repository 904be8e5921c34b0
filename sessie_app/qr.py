"""QR codes as SVG, for pages, posters and PDFs (nothing to fetch, sharp at any size), and as PNG
for mail, where clients show images but not SVG."""

import base64
import io

import qrcode
from PIL import Image
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


def png(data: str, box_size: int = 6, border: int = 2) -> bytes:
    """The QR code of ``data`` as a black-and-white PNG of ``box_size`` pixels per module.

    One pixel per module scaled up, with a fixed mask: the outbox's sender draws one per mail, and
    the library's way (trying all eight masks, one rectangle per module) took 17 ms of the worker
    that also serves the phones, this about 1 ms. Any mask is valid; choosing the best one only
    lowers a penalty score that matters for damaged prints, not for a phone's screen.
    """
    code = qrcode.QRCode(border=border, mask_pattern=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    modules = Image.frombytes("L", (size, size), bytes(0 if dark else 255 for row in matrix for dark in row))
    buffer = io.BytesIO()
    modules.resize((size * box_size, size * box_size), Image.NEAREST).convert("1").save(buffer, format="PNG")
    return buffer.getvalue()
