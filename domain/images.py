"""Turn an uploaded photo into the product's display image and catalog thumbnail.

Uploads are untrusted: every check that can be made on the header (size in bytes, format, pixel count)
is made before a single pixel is decoded, and decoding is forced (``load()``) so a truncated file fails
here instead of later in a save. The functions are pure (bytes in, bytes out, no shared state), so the
bot may run them in a worker thread with ``asyncio.to_thread``.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import struct
import zlib
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from domain.errors import ImageError

# HEIC support is optional: without pillow-heif such uploads get "image_format".
HEIF_SUPPORTED = importlib.util.find_spec("pillow_heif") is not None

MAX_PHOTO_BYTES = 20 * 1024 * 1024
# Below Pillow's own warning threshold (~89 Mpx), so everything Pillow merely warns about is refused here.
# 70 Mpx still admits the full-resolution photos of 48/50/64-megapixel phone cameras.
MAX_PIXELS = 70_000_000
DISPLAY_MAX_SIDE = 1280
THUMB_SIDE = 100
DISPLAY_QUALITY = 82
THUMB_QUALITY = 80

# Pillow names JPEGs from many phone cameras "MPO" (a JPEG with extra preview frames).
_FORMAT_NAMES = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIF"}
ACCEPTED_FORMATS = frozenset(name for name in _FORMAT_NAMES.values() if name != "HEIF" or HEIF_SUPPORTED)

# What Pillow and its plugins raise for malformed data, depending on the format and where it breaks.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, struct.error, zlib.error)


@dataclass(frozen=True, slots=True)
class DecodedPhoto:
    """A fully decoded, upright (EXIF orientation applied) image and the format it came in."""

    image: Image.Image
    source_format: str


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    """WebP renditions of a photo, free of metadata. ``width``/``height`` are the display image's."""

    display_webp: bytes
    thumb_webp: bytes
    width: int
    height: int
    source_format: str


def _megabytes(size: int) -> float:
    return round(size / (1024 * 1024), 1)


@functools.cache
def _open_heif_too() -> None:
    """Teach Pillow HEIC on the first photo, not at start-up: pillow-heif brings libheif and an HEVC
    decoder, 3.5 MB resident in a process that may never see a photo."""
    if HEIF_SUPPORTED:
        from pillow_heif import register_heif_opener

        register_heif_opener()


def open_photo(
    data: bytes, *, max_bytes: int = MAX_PHOTO_BYTES, draft_size: tuple[int, int] | None = None
) -> DecodedPhoto:
    """Safely decode an uploaded photo and turn it upright.

    ``draft_size`` lets JPEGs decode at 1/2, 1/4 or 1/8 scale while staying at least that large, which
    saves most of the time and memory on big phone photos when only a smaller copy is needed.
    Raises :class:`ImageError` with reason ``not_an_image``, ``image_too_large``, ``image_format``,
    ``decompression_bomb`` or ``image_corrupt``.
    """
    if not data:
        raise ImageError("The file is empty, not an image", reason="not_an_image", size=0)
    if len(data) > max_bytes:
        raise ImageError(
            f"The file is {_megabytes(len(data))} MB; photos may be at most {_megabytes(max_bytes)} MB",
            reason="image_too_large",
            size_mb=_megabytes(len(data)),
            max_mb=_megabytes(max_bytes),
        )
    _open_heif_too()
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise ImageError(
            f"The file ({len(data)} bytes) is not an image in a known format",
            reason="not_an_image",
            size=len(data),
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own header check fires first for really huge claims (and warns, or raises when warnings
        # are errors, for smaller ones).
        raise ImageError(
            f"The image is too large to decode safely: {error}",
            reason="decompression_bomb",
            max_megapixels=MAX_PIXELS // 1_000_000,
        ) from None
    except _DECODE_ERRORS as error:
        raise ImageError(
            f"The file ({len(data)} bytes) looks like an image but is damaged: {error}",
            reason="image_corrupt",
            size=len(data),
        ) from None

    source_format = _FORMAT_NAMES.get(image.format or "")
    if source_format not in ACCEPTED_FORMATS:
        raise ImageError(
            f"Images in {image.format} format are not accepted; send JPEG, PNG, WebP"
            + (" or HEIC" if HEIF_SUPPORTED else ""),
            reason="image_format",
            format=image.format,
        )
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageError(
            f"The image is {width}×{height} pixels ({width * height / 1e6:.0f} megapixels); "
            f"at most {MAX_PIXELS / 1e6:.0f} megapixels can be decoded safely",
            reason="decompression_bomb",
            width=width,
            height=height,
            max_megapixels=MAX_PIXELS // 1_000_000,
        )
    if draft_size is not None:
        image.draft(None, draft_size)
    try:
        image.load()
        # Pillow skips unreadable EXIF entries with a warning, so a mangled block only costs the rotation.
        upright = ImageOps.exif_transpose(image)
    except _DECODE_ERRORS as error:
        raise ImageError(
            f"The {source_format} image ({len(data)} bytes) is damaged or truncated: {error}",
            reason="image_corrupt",
            format=source_format,
            size=len(data),
        ) from None
    return DecodedPhoto(image=upright, source_format=source_format)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Apply the embedded colour profile, because the output carries none (phones shoot Display P3)."""
    profile = image.info.get("icc_profile")
    if not profile:
        return image
    try:
        converted = ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken or exotic embedded profile is no reason to refuse the photo.
        return image
    return converted if converted is not None else image


def _to_display_mode(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the photo has transparency that is actually used."""
    if image.mode.startswith("I"):
        # 16-bit greyscale PNGs: a plain convert would clip everything above 255 to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.has_transparency_data:
        image = image.convert("RGBA")
    elif image.mode not in {"RGB", "CMYK"}:
        image = image.convert("RGB")
    image = _to_srgb(image)
    if image.mode == "CMYK":
        image = image.convert("RGB")
    if image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")
    return image


def _webp(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=quality, method=4)
    return buffer.getvalue()


def process_photo(data: bytes, *, max_bytes: int = MAX_PHOTO_BYTES) -> ProcessedImage:
    """Make the display WebP (long side at most 1280 px, never upscaled) and a 100×100 WebP thumbnail.

    The thumbnail is a centre crop that fills the square ("cover"), like catalog thumbnails, instead of a
    letterboxed fit. Alpha is kept when the photo uses it; EXIF, XMP and ICC metadata are not carried
    over (colours are converted to sRGB first).
    """
    photo = open_photo(data, max_bytes=max_bytes, draft_size=(DISPLAY_MAX_SIDE, DISPLAY_MAX_SIDE))
    display = _to_display_mode(photo.image)
    display.thumbnail((DISPLAY_MAX_SIDE, DISPLAY_MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    # Pillow's WebP writer takes metadata only from save() arguments; an empty info keeps it that way.
    display.info.clear()
    thumb = ImageOps.fit(display, (THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return ProcessedImage(
        display_webp=_webp(display, DISPLAY_QUALITY),
        thumb_webp=_webp(thumb, THUMB_QUALITY),
        width=display.width,
        height=display.height,
        source_format=photo.source_format,
    )
