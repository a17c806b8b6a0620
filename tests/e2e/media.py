"""Images and files the end-to-end tests send as users: photos, barcode labels, broken files."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image


def jpeg(color: tuple[int, int, int] = (200, 60, 40), size: tuple[int, int] = (640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def barcode_photo(code: str) -> bytes:
    """A clean EAN-13 label on a white margin, as a phone photo of a label would be after cropping."""
    symbol = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.EAN13).to_image(scale=4)
    pixels = memoryview(symbol)
    height, width = pixels.shape
    label = Image.frombytes("L", (width, height), pixels.tobytes())
    canvas = Image.new("RGB", (width + 120, height + 120), "white")
    canvas.paste(label.convert("RGB"), (60, 60))
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def corrupt_jpeg() -> bytes:
    data = jpeg(size=(800, 600))
    return data[: len(data) // 3]


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def oversized(megabytes: int) -> bytes:
    """A JPEG header followed by padding: big enough to be refused before anything decodes it."""
    return jpeg()[:200] + b"\0" * (megabytes * 1024 * 1024)
