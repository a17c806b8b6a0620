from __future__ import annotations

import io
import random

import pytest
import zxingcpp
from PIL import ExifTags, Image, ImageFilter

from domain.barcodes import decode_barcodes
from domain.errors import ImageError

Format = zxingcpp.BarcodeFormat


def barcode(
    text: str, barcode_format: zxingcpp.BarcodeFormat, *, scale: int = 1, **options: object
) -> Image.Image:
    symbol = zxingcpp.create_barcode(text, barcode_format, **options).to_image(scale=scale)
    pixels = memoryview(symbol)
    height, width = pixels.shape
    return Image.frombytes("L", (width, height), pixels.tobytes())


def texture(size: tuple[int, int], *, seed: int, low: int, high: int, grain: int = 10) -> Image.Image:
    """Seeded blotchy noise, like a cardboard or table surface behind a label."""
    rng = random.Random(seed)
    coarse = (size[0] // grain, size[1] // grain)
    cells = bytes(rng.randrange(low, high + 1) for _ in range(coarse[0] * coarse[1]))
    return Image.frombytes("L", coarse, cells).resize(size, Image.Resampling.BILINEAR).convert("RGB")


def jpeg(image: Image.Image, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88, **params)
    return buffer.getvalue()


def photo_of(label: Image.Image, *, angle: float, seed: int, size: tuple[int, int] = (1200, 900)) -> bytes:
    """Paste a label, turned by ``angle``, onto a textured background and soften it like a camera."""
    canvas = texture(size, seed=seed, low=60, high=200)
    tilted = label.convert("RGB").rotate(
        angle, expand=True, fillcolor=(255, 255, 255), resample=Image.BICUBIC
    )
    canvas.paste(tilted, ((size[0] - tilted.width) // 2, (size[1] - tilted.height) // 3))
    return jpeg(canvas.filter(ImageFilter.GaussianBlur(0.8)))


def test_ean13_on_a_tilted_photo() -> None:
    data = photo_of(barcode("4006381333931", Format.EAN13, scale=3), angle=8, seed=1)
    assert decode_barcodes(data) == ["4006381333931"]


def test_code128_sku() -> None:
    data = photo_of(barcode("SKU-ABC/12.3", Format.Code128, scale=3), angle=-5, seed=2)
    assert decode_barcodes(data) == ["SKU-ABC/12.3"]


@pytest.mark.parametrize(
    ("text", "barcode_format", "expected"),
    [
        ("7351353", Format.EAN8, "73513537"),
        ("03600029145", Format.UPCA, "0036000291452"),  # its EAN-13 form: same gtin_key
        ("01234565", Format.UPCE, "0012345000065"),  # expanded to its UPC-A, in EAN-13 form
        ("ABC-123", Format.Code39, "ABC-123"),
        ("Kubek biały 300 ml", Format.QRCode, "Kubek biały 300 ml"),
        ("SKU-9/X", Format.DataMatrix, "SKU-9/X"),
    ],
)
def test_supported_formats(text: str, barcode_format: zxingcpp.BarcodeFormat, expected: str) -> None:
    data = photo_of(barcode(text, barcode_format, scale=4), angle=3, seed=3, size=(800, 600))
    assert decode_barcodes(data) == [expected]


def test_gs1_data_matrix_yields_its_gtin() -> None:
    label = barcode("(01)09501101530003(17)250101(10)AB12", Format.DataMatrix, scale=5, gs1=True)
    assert decode_barcodes(photo_of(label, angle=0, seed=4, size=(800, 600))) == ["09501101530003"]


def test_gs1_digital_link_qr_yields_its_gtin() -> None:
    label = barcode("https://id.gs1.org/01/09501101530003/10/AB12?17=250101", Format.QRCode, scale=4)
    assert decode_barcodes(photo_of(label, angle=0, seed=5, size=(800, 600))) == ["09501101530003"]


def test_plain_url_qr_is_returned_as_text() -> None:
    label = barcode("https://example.com/p/01/123", Format.QRCode, scale=4)
    assert decode_barcodes(photo_of(label, angle=0, seed=6, size=(800, 600))) == [
        "https://example.com/p/01/123"
    ]


def test_several_codes_in_one_photo_each_once() -> None:
    canvas = texture((1400, 1000), seed=7, low=80, high=180)
    canvas.paste(barcode("4006381333931", Format.EAN13, scale=3).convert("RGB"), (60, 80))
    canvas.paste(barcode("SKU-42", Format.Code128, scale=3).convert("RGB"), (760, 600))
    canvas.paste(barcode("4006381333931", Format.EAN13, scale=3).convert("RGB"), (60, 600))
    assert sorted(decode_barcodes(jpeg(canvas))) == ["4006381333931", "SKU-42"]


def test_tilted_soft_label_is_not_misread() -> None:
    data = photo_of(barcode("5901234123457", Format.EAN13, scale=2), angle=-6, seed=0, size=(800, 600))
    # A single plain read turns this label into another checksum-valid EAN; the passes must agree.
    assert [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))] == [
        "0987233123457"
    ]
    assert decode_barcodes(data) == ["5901234123457"]


@pytest.mark.parametrize("angle", [0, 6])
def test_two_labels_stacked_on_one_sticker_are_both_read(angle: float) -> None:
    first, second = (barcode(code, Format.EAN13, scale=3) for code in ("4006381333931", "5901234123457"))
    sticker = Image.new("L", (first.width, first.height * 2 + 40), 255)
    sticker.paste(first, (0, 0))
    sticker.paste(second, (0, first.height + 40))
    data = photo_of(sticker, angle=angle, seed=14, size=(1000, 900))
    assert sorted(decode_barcodes(data)) == ["4006381333931", "5901234123457"]


def test_exif_rotated_photo() -> None:
    sideways = Image.open(
        io.BytesIO(photo_of(barcode("5901234123457", Format.EAN13, scale=3), angle=0, seed=8))
    )
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    data = jpeg(sideways.rotate(90, expand=True), exif=exif.tobytes())
    assert decode_barcodes(data) == ["5901234123457"]


def test_barcode_on_transparent_png_is_read_against_white() -> None:
    label = barcode("4006381333931", Format.EAN13, scale=3)
    # Black bars on a transparent background whose hidden colour is black too.
    image = Image.new("RGBA", label.size, (0, 0, 0, 0))
    image.putalpha(label.point(lambda value: 255 - value))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    assert decode_barcodes(buffer.getvalue()) == ["4006381333931"]


def test_faint_barcode_on_a_big_photo_needs_the_enhanced_passes() -> None:
    label = barcode("4006381333931", Format.EAN13).point(lambda value: 125 if value < 128 else 135)
    big_label = label.resize((label.width * 12, label.height * 12), Image.Resampling.NEAREST)
    canvas = texture((3000, 2000), seed=9, low=127, high=133).convert("L")
    canvas.paste(big_label, (300, 400))
    data = jpeg(canvas.filter(ImageFilter.GaussianBlur(3)))

    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(data))) == []  # a single plain read misses it
    assert decode_barcodes(data) == ["4006381333931"]


def test_no_barcode_gives_an_empty_list() -> None:
    assert decode_barcodes(jpeg(texture((800, 600), seed=10, low=0, high=255, grain=2))) == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not_an_image"),
        (random.Random(11).randbytes(2048), "not_an_image"),
        (b"%PDF-1.4\n%%EOF\n", "not_an_image"),
    ],
)
def test_non_images_raise(data: bytes, reason: str) -> None:
    with pytest.raises(ImageError) as caught:
        decode_barcodes(data)
    assert caught.value.reason == reason


def test_corrupt_photo_raises() -> None:
    data = photo_of(barcode("4006381333931", Format.EAN13, scale=3), angle=0, seed=12)
    with pytest.raises(ImageError) as caught:
        decode_barcodes(data[: len(data) // 2])
    assert caught.value.reason == "image_corrupt"


def test_size_limit_applies() -> None:
    data = photo_of(barcode("4006381333931", Format.EAN13, scale=3), angle=0, seed=13)
    with pytest.raises(ImageError) as caught:
        decode_barcodes(data, max_bytes=1000)
    assert caught.value.reason == "image_too_large"
