from __future__ import annotations

import io
import random
import resource
import struct
import time
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import ExifTags, Image, ImageCms

from domain.errors import ImageError
from domain.images import (
    DISPLAY_MAX_SIDE,
    HEIF_SUPPORTED,
    MAX_PIXELS,
    THUMB_SIDE,
    ProcessedImage,
    open_photo,
    process_photo,
)

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def encode(image: Image.Image, image_format: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **params)
    return buffer.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    image.load()
    return image


def noise(width: int, height: int) -> Image.Image:
    return Image.merge("RGB", [Image.effect_noise((width, height), 64) for _ in range(3)])


def bands(width: int, height: int, colours: list[tuple[int, int, int]]) -> Image.Image:
    """Vertical stripes of equal width, left to right."""
    image = Image.new("RGB", (width, height))
    stripe = width // len(colours)
    for index, colour in enumerate(colours):
        image.paste(colour, (index * stripe, 0, (index + 1) * stripe, height))
    return image


def close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_bomb(width: int, height: int) -> bytes:
    """A valid black 1-bit PNG: a few dozen KB on disk, ``width × height`` pixels once decoded.

    Rows are compressed one at a time, so building it never holds the decoded size in memory.
    """
    row = bytes(1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


def refused(data: bytes, **params: int) -> ImageError:
    with pytest.raises(ImageError) as caught:
        process_photo(data, **params)
    return caught.value


# --- what comes out ------------------------------------------------------------------------------------


def test_jpeg_becomes_webp_display_and_thumbnail() -> None:
    result = process_photo(encode(noise(640, 480), "JPEG"))
    assert isinstance(result, ProcessedImage)
    assert (result.width, result.height, result.source_format) == (640, 480, "JPEG")
    assert decode(result.display_webp).size == (640, 480)
    assert decode(result.thumb_webp).size == (THUMB_SIDE, THUMB_SIDE)


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored sideways: turn 90° clockwise to view
    exif[ExifTags.Base.Make] = "PhoneCo"
    data = encode(bands(300, 200, [RED, BLUE]), "JPEG", exif=exif.tobytes(), quality=95)

    result = process_photo(data)

    assert (result.width, result.height) == (200, 300)
    display = decode(result.display_webp).convert("RGB")
    assert close(display.getpixel((100, 30)), RED)  # the stored left half is now on top
    assert close(display.getpixel((100, 270)), BLUE)


def test_metadata_is_stripped() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Orientation] = 1
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(noise(64, 64), "JPEG", exif=exif.tobytes(), icc_profile=icc, xmp=b"<x:xmpmeta/>")

    result = process_photo(data)

    for output in (result.display_webp, result.thumb_webp):
        info = decode(output).info
        assert not {"exif", "icc_profile", "xmp"} & set(info)
        assert b"PhoneCo" not in output


def test_unusable_colour_profile_is_ignored() -> None:
    result = process_photo(encode(Image.new("RGB", (32, 32), RED), "PNG", icc_profile=b"not a profile"))
    assert close(decode(result.display_webp).convert("RGB").getpixel((16, 16)), RED)


def test_png_alpha_is_kept() -> None:
    image = Image.new("RGBA", (60, 40), (*GREEN, 255))
    image.paste((0, 0, 0, 0), (0, 0, 30, 40))

    result = process_photo(encode(image, "PNG"))

    display = decode(result.display_webp)
    assert display.mode == "RGBA"
    assert display.getpixel((5, 20))[3] < 10
    assert display.getpixel((55, 20))[3] > 245
    assert decode(result.thumb_webp).mode == "RGBA"


def test_unused_alpha_is_dropped() -> None:
    result = process_photo(encode(Image.new("RGBA", (60, 40), (*GREEN, 255)), "PNG"))
    assert decode(result.display_webp).mode == "RGB"


def test_palette_png_with_transparency_keeps_it() -> None:
    image = Image.new("P", (40, 40), 1)
    image.putpalette([0, 0, 0, *GREEN])
    image.paste(0, (0, 0, 20, 40))
    data = encode(image, "PNG", transparency=0)

    display = decode(process_photo(data).display_webp)

    assert display.mode == "RGBA"
    assert display.getpixel((5, 5))[3] < 10
    assert close(display.getpixel((35, 5)), (*GREEN, 255))


def test_sixteen_bit_greyscale_is_scaled_not_clipped() -> None:
    data = encode(Image.new("I;16", (40, 40), 40_000), "PNG")
    red, green, blue = decode(process_photo(data).display_webp).convert("RGB").getpixel((20, 20))
    assert abs(red - 40_000 // 256) <= 3
    assert red == green == blue


def test_webp_input() -> None:
    result = process_photo(encode(noise(120, 90), "WEBP"))
    assert (result.width, result.height, result.source_format) == (120, 90, "WEBP")


def test_camera_mpo_counts_as_jpeg() -> None:
    first, preview = noise(200, 150), noise(200, 150)
    result = process_photo(encode(first, "MPO", save_all=True, append_images=[preview]))
    assert result.source_format == "JPEG"


@pytest.mark.skipif(not HEIF_SUPPORTED, reason="pillow-heif is not installed")
def test_heic_input() -> None:
    result = process_photo(encode(Image.new("RGB", (96, 64), RED), "HEIF"))
    assert (result.width, result.height, result.source_format) == (96, 64, "HEIF")
    assert close(decode(result.display_webp).convert("RGB").getpixel((48, 32)), RED)


def test_large_photo_is_scaled_to_the_display_size() -> None:
    result = process_photo(encode(Image.new("RGB", (2000, 1000), BLUE), "PNG"))
    assert (result.width, result.height) == (DISPLAY_MAX_SIDE, 640)


def test_large_jpeg_is_decoded_at_reduced_scale_and_still_fills_the_display_size() -> None:
    result = process_photo(encode(Image.new("RGB", (4000, 3000), BLUE), "JPEG"))
    assert (result.width, result.height) == (DISPLAY_MAX_SIDE, 960)


def test_portrait_photo_limits_the_long_side() -> None:
    result = process_photo(encode(Image.new("RGB", (1000, 2560), BLUE), "PNG"))
    assert (result.width, result.height) == (500, DISPLAY_MAX_SIDE)


def test_tiny_image_is_not_upscaled_but_thumbnail_is_exact() -> None:
    result = process_photo(encode(Image.new("RGB", (40, 30), RED), "PNG"))
    assert (result.width, result.height) == (40, 30)
    assert decode(result.display_webp).size == (40, 30)
    assert decode(result.thumb_webp).size == (THUMB_SIDE, THUMB_SIDE)


def test_thumbnail_is_a_centre_crop_that_fills_the_square() -> None:
    result = process_photo(encode(bands(300, 100, [RED, GREEN, BLUE]), "PNG"))
    thumb = decode(result.thumb_webp).convert("RGB")
    assert thumb.size == (THUMB_SIDE, THUMB_SIDE)
    for corner in [(3, 3), (96, 3), (3, 96), (96, 96), (50, 50)]:
        assert close(thumb.getpixel(corner), GREEN), corner


def test_photos_can_be_processed_in_parallel_threads() -> None:
    uploads = [encode(noise(160 + 10 * index, 120), "JPEG") for index in range(6)]
    expected = [process_photo(upload) for upload in uploads]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(process_photo, uploads)) == expected


def test_open_photo_returns_upright_decoded_image() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 8
    photo = open_photo(encode(Image.new("RGB", (30, 20), RED), "JPEG", exif=exif.tobytes()))
    assert photo.image.size == (20, 30)
    assert photo.source_format == "JPEG"


# --- what is refused -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, this is text",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        random.Random(7).randbytes(4096),
    ],
    ids=["empty", "text", "pdf", "random"],
)
def test_non_images_are_refused(data: bytes) -> None:
    error = refused(data)
    assert error.reason == "not_an_image"
    assert error.params["size"] == len(data)


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused_by_name(image_format: str) -> None:
    error = refused(encode(noise(20, 20), image_format))
    assert error.reason == "image_format"
    assert error.params["format"] == image_format
    assert image_format in str(error)


def test_too_many_bytes_are_refused_with_sizes_in_megabytes() -> None:
    data = encode(noise(300, 300), "PNG")
    error = refused(data, max_bytes=100_000)
    assert error.reason == "image_too_large"
    assert error.params["max_mb"] == 0.1
    assert error.params["size_mb"] == round(len(data) / 1024 / 1024, 1)


def test_thirty_megabytes_are_refused_before_any_decoding() -> None:
    data = bytes(30 * 1024 * 1024)
    started = time.perf_counter()
    error = refused(data)
    assert time.perf_counter() - started < 0.5
    assert error.reason == "image_too_large"
    assert (error.params["size_mb"], error.params["max_mb"]) == (30.0, 20.0)
    assert "30.0 MB" in str(error)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_twenty_thousand_square_bomb_is_refused_quickly_and_cheaply() -> None:
    bomb = png_bomb(20_000, 20_000)  # 400 megapixels from ~50 KB
    assert len(bomb) < 200_000
    peak_before = peak_rss_mb()
    started = time.perf_counter()

    error = refused(bomb)

    assert time.perf_counter() - started < 1
    assert peak_rss_mb() - peak_before < 50  # decoding would need 400 MB
    assert error.reason == "decompression_bomb"


def test_bomb_below_pillows_own_limit_is_refused_by_ours() -> None:
    side = int(MAX_PIXELS**0.5) + 100
    error = refused(png_bomb(side, side))
    assert error.reason == "decompression_bomb"
    assert (error.params["width"], error.params["height"]) == (side, side)
    assert str(side) in str(error)


def test_bomb_that_pillow_only_warns_about_is_refused_even_when_warnings_are_errors() -> None:
    bomb = png_bomb(10_000, 10_000)  # 100 Mpx: between Pillow's warning and error thresholds
    with pytest.warns(Image.DecompressionBombWarning):
        assert refused(bomb).reason == "decompression_bomb"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert refused(bomb).reason == "decompression_bomb"


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_files_are_corrupt(image_format: str, keep: float) -> None:
    data = encode(noise(300, 200), image_format)
    error = refused(data[: int(len(data) * keep)])
    assert error.reason == "image_corrupt"
    assert error.params["size"] == int(len(data) * keep)


def test_damaged_png_data_is_corrupt() -> None:
    data = bytearray(encode(noise(200, 200), "PNG"))
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    assert refused(bytes(data)).reason == "image_corrupt"


def test_jpeg_cut_inside_its_header_is_corrupt() -> None:
    data = encode(noise(200, 200), "JPEG")
    error = refused(data[:300])
    assert error.reason == "image_corrupt"
