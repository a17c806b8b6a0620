"""Read product codes from a photo of a label (EAN/UPC, Code 128/39, QR, Data Matrix).

The photo passes the same safety checks as product photos (:func:`domain.images.open_photo`). Results are
what a search should look up: retail codes and GS1 contents come back as validated GTINs, everything else
(a SKU in Code 128, a QR with text) as the decoded text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

import zxingcpp
from PIL import Image, ImageFilter, ImageOps

from domain.errors import ValidationError
from domain.images import MAX_PHOTO_BYTES, open_photo
from domain.validation import normalize_gtin

_Format = zxingcpp.BarcodeFormat
FORMATS = zxingcpp.BarcodeFormats(
    [
        _Format.EAN8,
        _Format.EAN13,
        _Format.UPCA,
        _Format.UPCE,
        _Format.Code128,
        _Format.Code39,
        _Format.QRCode,
        _Format.DataMatrix,
    ]
)
_RETAIL = {_Format.EAN8, _Format.EAN13, _Format.UPCA, _Format.UPCE}

# Photos are read at most this large (JPEGs are even decoded at a reduced scale to get there): a label
# photographed to be scanned keeps bars several pixels wide, and zxing-cpp's time grows with the area.
WORK_MAX_SIDE = 2000
# EAN/UPC carry one weak check digit, and a single zxing-cpp read turns tilted, soft labels into other
# checksum-valid codes surprisingly often (a few photos in a hundred in our synthetic trials, one in five
# for small blurred labels). So a retail code counts only when two differently prepared passes agree.
# QR and Data Matrix have error correction, Code 128 a strong checksum and Code 39 self-checking
# characters, so one pass suffices for them.
RETAIL_VOTES = 2
# An edge read of a tilted label (see _same_symbol): band height below this share of its width, lying
# within this share of the label's width from the label's main read.
EDGE_READ_RATIO = 0.1
EDGE_READ_GAP = 0.3
_SHARPEN = ImageFilter.UnsharpMask(radius=2, percent=150, threshold=0)

# GS1 element string in human-readable form: "(01)09501101530003(17)…".
_GS1_GTIN = re.compile(r"\(01\)(\d{14})")
# GS1 Digital Link QR codes: "https://id.gs1.org/01/09501101530003/10/AB12".
_DIGITAL_LINK_GTIN = re.compile(r"^https?://[^/]+(?:/[^/]+)*?/01/(\d{8}|\d{12,14})(?:[/?#]|$)")


def _gtin_or_none(text: str) -> str | None:
    try:
        return normalize_gtin(text)
    except ValidationError:
        return None


def _result_text(barcode: zxingcpp.Barcode) -> str:
    text = barcode.text.strip()
    if barcode.format in _RETAIL:
        # A UPC-A is an EAN-13 with a leading 0 in the bars, so zxing-cpp reports it (and an expanded UPC-E)
        # as 13 digits. That is the same gtin_key as the 12 digits printed under a UPC-A.
        return _gtin_or_none(text) or text
    gs1 = _GS1_GTIN.search(text) if barcode.content_type == zxingcpp.ContentType.GS1 else None
    link = gs1 or _DIGITAL_LINK_GTIN.match(text)
    if link:
        return _gtin_or_none(link.group(1)) or text
    return text


_Box = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class _Sighting:
    """One symbol read in one pass; ``box`` is in the coordinates of the full working image."""

    text: str
    retail: bool
    box: _Box


def _box(barcode: zxingcpp.Barcode, scale: float) -> _Box:
    position = barcode.position
    corners = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    xs = [corner.x * scale for corner in corners]
    ys = [corner.y * scale for corner in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _read(image: Image.Image, binarizer: zxingcpp.Binarizer, scale: float) -> list[_Sighting]:
    """Decode ``image``, one sighting per physical symbol.

    zxing-cpp also scans downscaled copies and may read the same symbol twice, differently. Full-resolution
    results come first and are the more reliable, so a result centred inside an earlier one's box is a
    re-read of that symbol and is dropped.
    """
    sightings: list[_Sighting] = []
    for barcode in zxingcpp.read_barcodes(image, formats=FORMATS, binarizer=binarizer):
        left, top, right, bottom = box = _box(barcode, scale)
        centre_x, centre_y = (left + right) / 2, (top + bottom) / 2
        if any(
            x0 <= centre_x <= x1 and y0 <= centre_y <= y1 for x0, y0, x1, y1 in (s.box for s in sightings)
        ):
            continue
        sightings.append(_Sighting(_result_text(barcode), barcode.format in _RETAIL, box))
    return [sighting for sighting in sightings if sighting.text]


def _passes(grey: Image.Image) -> Iterator[list[_Sighting]]:
    """Differently prepared reads of one photo, so that their mistakes are unlikely to coincide.

    Contrast-stretched with a fixed threshold (dim and faint labels) and sharpened with the local
    threshold (soft focus, uneven light), each at full and at half resolution (big phone photos).
    """
    stretched = ImageOps.autocontrast(grey, cutoff=1)
    yield _read(stretched, zxingcpp.Binarizer.FixedThreshold, 1)
    yield _read(grey.filter(_SHARPEN), zxingcpp.Binarizer.LocalAverage, 1)
    half = grey.reduce(2)
    yield _read(ImageOps.autocontrast(half, cutoff=1), zxingcpp.Binarizer.FixedThreshold, 2)
    yield _read(half.filter(_SHARPEN), zxingcpp.Binarizer.LocalAverage, 2)


def _same_symbol(first: _Box, second: _Box) -> bool:
    """Whether two linear reads are rival readings of one label.

    Either their boxes overlap, or one is an edge read: a tilted, soft EAN also yields reads along its
    upper or lower edge, where a scan line or two crosses the bars at a slant. Such a read is a thin band
    (much lower than wide) within a fraction of the label's width of the real one. Two labels stacked on
    one sticker are both read over most of their height, so they stay apart.
    """
    overlap = min(first[2], second[2]) - max(first[0], second[0])
    widths = (first[2] - first[0], second[2] - second[0])
    if overlap < min(widths) / 2:
        return False
    gap = max(first[1], second[1]) - min(first[3], second[3])
    if gap <= 0:
        return True
    thinnest = min((first[3] - first[1]) / widths[0], (second[3] - second[1]) / widths[1])
    return thinnest < EDGE_READ_RATIO and gap <= max(widths) * EDGE_READ_GAP


def _consensus(sightings: list[_Sighting], votes: Counter[str]) -> list[str]:
    """Confirmed texts in the order first seen; of rival retail readings of one label, the best supported.

    Support is the number of agreeing passes, then the total height of the bands they were read on: a
    reading confirmed across many scan lines beats one seen along an edge.
    """
    lines: dict[str, float] = {}
    for sighting in sightings:
        lines[sighting.text] = lines.get(sighting.text, 0.0) + sighting.box[3] - sighting.box[1]
    retail = {sighting.text for sighting in sightings if sighting.retail}
    confirmed = [text for text in lines if votes[text] >= _needed(text, retail)]
    beaten: set[str] = set()
    for first, second in combinations([s for s in sightings if s.text in retail], 2):
        if first.text != second.text and _same_symbol(first.box, second.box):
            beaten.add(min(first.text, second.text, key=lambda text: (votes[text], lines[text])))
    return [text for text in confirmed if text not in beaten]


def _needed(text: str, retail: set[str]) -> int:
    return RETAIL_VOTES if text in retail else 1


def _on_white(image: Image.Image) -> Image.Image:
    """Flatten transparency onto white: the colour under transparent pixels is often black, like the bars."""
    if not image.has_transparency_data:
        return image
    background = Image.new("RGBA", image.size, "white")
    background.alpha_composite(image.convert("RGBA"))
    return background


def decode_barcodes(data: bytes, *, max_bytes: int = MAX_PHOTO_BYTES) -> list[str]:
    """Decode every supported barcode in a photo, in the order found; an empty list when none is read.

    Passes stop once at least two ran and every retail code seen so far is confirmed. Raises
    :class:`domain.errors.ImageError` when the bytes are not a usable image. Pure and thread-safe, meant
    for ``asyncio.to_thread``.
    """
    photo = open_photo(data, max_bytes=max_bytes, draft_size=(WORK_MAX_SIDE // 2, WORK_MAX_SIDE // 2))
    grey = _on_white(photo.image).convert("L")
    grey.thumbnail((WORK_MAX_SIDE, WORK_MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)
    sightings: list[_Sighting] = []
    votes: Counter[str] = Counter()
    for done, found in enumerate(_passes(grey), start=1):
        sightings.extend(found)
        votes.update({sighting.text for sighting in found})
        retail = {sighting.text for sighting in sightings if sighting.retail}
        if done >= RETAIL_VOTES and sightings and all(votes[t] >= _needed(t, retail) for t in votes):
            break
    return _consensus(sightings, votes)
