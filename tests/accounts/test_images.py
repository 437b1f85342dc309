"""Uploaded images: avatars and logos are re-encoded from pixels, bad files refused by name."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import time
import zlib
from typing import Any

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile, JpegImagePlugin, PngImagePlugin

from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.images import (
    MAX_UPLOAD_BYTES,
    ProcessedImage,
    process_avatar,
    process_logo,
)

RED = (220, 20, 20)
BLUE = (20, 20, 220)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>'
)


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _noise(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    return Image.frombytes(mode, size, random.Random(7).randbytes(size[0] * size[1] * len(mode)))


def _icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _refusal(excinfo: pytest.ExceptionInfo[ValidationFailedError]) -> tuple[str, str, str]:
    (error,) = excinfo.value.errors
    assert excinfo.value.detail == error.message
    return error.field, error.code, error.message


def _png_with_header(width: int, height: int) -> bytes:
    """A hand-made PNG: valid signature, IHDR (with its CRC) claiming width x height, one tiny
    IDAT, IEND. Decoding it would need width*height*3 bytes; opening it needs a few dozen."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _assert_no_metadata(content: bytes) -> Image.Image:
    out = Image.open(io.BytesIO(content))
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Comment", "dpi"):
        assert key not in out.info, key
    assert len(out.getexif()) == 0
    if isinstance(out, PngImagePlugin.PngImageFile):
        assert out.text == {}
    return out


# --- avatars ---------------------------------------------------------------------------------


def test_jpeg_with_exif_gps_and_icc_becomes_a_clean_oriented_200px_webp() -> None:
    # Stored 300x200, left half red, right half blue; orientation 6 means "rotate 90° clockwise
    # to display", so the person sees a 200x300 picture with red on top.
    source = Image.new("RGB", (300, 200), BLUE)
    source.paste(RED, (0, 0, 150, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (15.0, 29.0, 54.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (73.0, 49.0, 6.0)
    data = _encode(
        source, "JPEG", quality=95, exif=exif.tobytes(), icc_profile=_icc(), xmp=XMP, comment=b"hi"
    )
    # The test input really carries what must be stripped.
    original = Image.open(io.BytesIO(data))
    assert original.info.get("icc_profile") and original.info.get("xmp")
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"

    result = process_avatar(data, filename="holiday.jpg")

    assert isinstance(result, ProcessedImage)
    assert (result.content_type, result.width, result.height) == ("image/webp", 200, 200)
    assert result.sha256 == hashlib.sha256(result.content).hexdigest()
    assert b"PhoneMaker" not in result.content and b"Exif" not in result.content
    out = _assert_no_metadata(result.content)
    assert (out.format, out.size, out.mode) == ("WEBP", (200, 200), "RGB")
    out = out.convert("RGB")
    # Orientation applied: red on top, blue below, both left and right.
    for x in (20, 180):
        top, bottom = out.getpixel((x, 30)), out.getpixel((x, 170))
        assert isinstance(top, tuple) and isinstance(bottom, tuple)
        assert top[0] > 150 and top[2] < 100, top
        assert bottom[2] > 150 and bottom[0] < 100, bottom


def test_png_alpha_is_kept() -> None:
    source = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    source.paste((10, 200, 10, 255), (16, 16, 48, 48))
    result = process_avatar(_encode(source, "PNG"))
    out = _assert_no_metadata(result.content)
    assert out.mode == "RGBA" and out.size == (200, 200)
    corner, centre = out.getpixel((5, 5)), out.getpixel((100, 100))
    assert isinstance(corner, tuple) and isinstance(centre, tuple)
    assert corner[3] == 0
    assert centre[3] == 255 and centre[1] > 150


def test_palette_png_with_transparency_keeps_alpha() -> None:
    source = Image.new("P", (40, 40), 0)
    source.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    source.paste(1, (10, 10, 30, 30))
    result = process_avatar(_encode(source, "PNG", transparency=0))
    out = Image.open(io.BytesIO(result.content))
    assert out.mode == "RGBA"
    corner = out.getpixel((2, 2))
    assert isinstance(corner, tuple) and corner[3] == 0


def test_webp_input_is_accepted_and_cropped_to_a_centred_square() -> None:
    source = Image.new("RGB", (600, 200), RED)
    source.paste(BLUE, (200, 0, 400, 200))  # only the middle third is blue
    result = process_avatar(_encode(source, "WEBP", quality=90))
    out = Image.open(io.BytesIO(result.content)).convert("RGB")
    assert out.size == (200, 200)
    for point in ((5, 5), (195, 195), (100, 100)):
        pixel = out.getpixel(point)
        assert isinstance(pixel, tuple) and pixel[2] > 150 and pixel[0] < 100, (point, pixel)


def test_cmyk_and_greyscale_jpegs_become_rgb() -> None:
    for mode in ("CMYK", "L"):
        result = process_avatar(_encode(Image.new(mode, (50, 80)), "JPEG"))
        assert Image.open(io.BytesIO(result.content)).mode == "RGB"


def test_large_jpeg_is_decoded_at_a_reduced_scale_and_still_exact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decoded_sizes: list[tuple[int, int]] = []
    draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self: JpegImagePlugin.JpegImageFile, *args: Any, **kwargs: Any) -> Any:
        result = draft(self, *args, **kwargs)
        decoded_sizes.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    result = process_avatar(_encode(_noise((1800, 1200)), "JPEG", quality=70))
    assert (result.width, result.height) == (200, 200)
    assert decoded_sizes == [(450, 300)]  # a quarter of each side, still >= 200


def test_the_file_name_is_never_trusted() -> None:
    gif = _encode(Image.new("P", (32, 32)), "GIF")
    with pytest.raises(ValidationFailedError) as excinfo:
        process_avatar(gif, filename="avatar.png")
    assert _refusal(excinfo) == (
        "avatar",
        "unsupported_type",
        "Only PNG, JPEG or WebP images can be used (this file is GIF).",
    )
    # And a real PNG called .gif is fine.
    assert process_avatar(_encode(Image.new("RGB", (32, 32)), "PNG"), filename="x.gif").width == 200


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (_encode(Image.new("RGB", (32, 32)), "BMP"), "BMP"),
        (_encode(Image.new("RGB", (32, 32)), "TIFF"), "TIFF"),
        (
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="32" '
            b'height="32"><script>alert(1)</script></svg>',
            "SVG",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG"),
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "HTML"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n", "PDF"),
    ],
)
def test_other_types_are_refused_by_content(data: bytes, named: str) -> None:
    with pytest.raises(ValidationFailedError) as excinfo:
        process_avatar(data, filename="avatar.png")
    assert _refusal(excinfo) == (
        "avatar",
        "unsupported_type",
        f"Only PNG, JPEG or WebP images can be used (this file is {named}).",
    )


def test_unknown_bytes_and_empty_files_are_refused() -> None:
    with pytest.raises(ValidationFailedError) as excinfo:
        process_avatar(b"just some text, not a picture")
    field, code, message = _refusal(excinfo)
    assert (field, code) == ("avatar", "unsupported_type")
    assert message.endswith("(this file is not an image we recognise).")

    with pytest.raises(ValidationFailedError) as excinfo:
        process_avatar(b"")
    field, code, message = _refusal(excinfo)
    assert (field, code) == ("avatar", "unsupported_type")
    assert message == "The file is empty; choose a PNG, JPEG or WebP image."


def test_more_than_5_mb_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("a too large upload must not reach Pillow")

    monkeypatch.setattr(Image, "open", no_open)
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (int(7.2 * 1024 * 1024) - 8)
    with pytest.raises(ValidationFailedError) as excinfo:
        process_avatar(big)
    assert _refusal(excinfo) == ("avatar", "too_large", "The file is 7.2 MB; the limit is 5 MB.")

    with pytest.raises(ValidationFailedError) as excinfo:
        process_avatar(b"\xff" * (MAX_UPLOAD_BYTES + 1))
    assert _refusal(excinfo)[1:] == ("too_large", "The file is 5.1 MB; the limit is 5 MB.")


def test_exactly_5_mb_is_not_refused_for_its_size() -> None:
    padded = _encode(Image.new("RGB", (32, 32)), "PNG")
    padded += b"\x00" * (MAX_UPLOAD_BYTES - len(padded))  # trailing bytes after IEND
    assert process_avatar(padded).width == 200


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        # Past Pillow's own hard limit: refused inside Image.open, before any pixel buffer.
        (50_000, 50_000, "The image is 2,500 megapixels; the limit is 40 megapixels."),
        # Between Pillow's warning and error limits: the warning becomes a refusal.
        (9_500, 9_500, "The image is 90 megapixels; the limit is 40 megapixels."),
        # Below Pillow's limits, above ours.
        (7_000, 7_000, "The image is 7000x7000 pixels; the limit is 40 megapixels."),
        (10_001, 16, "The image is 10001x16 pixels; the limit is 10000 pixels on each side."),
    ],
)
def test_decompression_bombs_are_refused_from_the_header(
    monkeypatch: pytest.MonkeyPatch, width: int, height: int, message: str
) -> None:
    def no_decode(self: ImageFile.ImageFile) -> None:
        raise AssertionError("a decompression bomb must not be decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decode)
    data = _png_with_header(width, height)
    assert len(data) < 200
    started = time.perf_counter()
    for process, field in ((process_avatar, "avatar"), (process_logo, "logo")):
        with pytest.raises(ValidationFailedError) as excinfo:
            process(data)
        assert _refusal(excinfo) == (field, "decompression_bomb", message)
    assert time.perf_counter() - started < 1.0


@pytest.fixture(params=[False, True], ids=["pillow-default", "weasyprint-imported"])
def load_truncated_images(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True for the whole process on import;
    the checks must hold either way."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", request.param)
    return bool(request.param)


def test_truncated_jpeg_is_corrupt(load_truncated_images: bool) -> None:
    for params in ({"quality": 90}, {"quality": 90, "progressive": True}):
        data = _encode(_noise((400, 300)), "JPEG", **params)
        for cut in (len(data) // 2, len(data) - 2):  # half the scan; only the EOI marker missing
            with pytest.raises(ValidationFailedError) as excinfo:
                process_avatar(data[:cut])
            field, code, _ = _refusal(excinfo)
            assert (field, code) == ("avatar", "corrupt_image"), (params, cut)


def test_truncated_png_webp_and_broken_headers_are_corrupt(load_truncated_images: bool) -> None:
    png = _encode(_noise((200, 200)), "PNG")
    webp = _encode(_noise((200, 200)), "WEBP", quality=80)
    broken = [
        png[: len(png) // 2],  # pixel data cut short
        png[:-12],  # only IEND missing
        png[:40],  # IHDR and nothing else
        webp[: len(webp) // 2],
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 10,  # PNG signature, no valid header
        b"\xff\xd8\xff\xe0" + b"\x00" * 50,  # JPEG signature, no valid header
    ]
    for index, sample in enumerate(broken):
        for process, field in ((process_avatar, "avatar"), (process_logo, "logo")):
            with pytest.raises(ValidationFailedError) as excinfo:
                process(sample)
            assert _refusal(excinfo)[:2] == (field, "corrupt_image"), index


def test_complete_files_never_read_past_their_end(load_truncated_images: bool) -> None:
    source = _noise((300, 240))
    samples = [
        _encode(source, "JPEG", quality=85),
        _encode(source, "JPEG", quality=85, progressive=True, optimize=True),
        _encode(source, "PNG"),
        _encode(source.convert("RGBA"), "PNG", optimize=True),
        _encode(source, "WEBP", quality=80),
        _encode(source, "WEBP", lossless=True),
    ]
    for sample in samples:
        assert process_avatar(sample).width == 200
        assert process_logo(sample).height == 160


def test_tiny_images_are_refused_and_16px_is_enough() -> None:
    with pytest.raises(ValidationFailedError) as excinfo:
        process_avatar(_encode(Image.new("RGB", (8, 8)), "PNG"))
    assert _refusal(excinfo) == (
        "avatar",
        "too_small",
        "The image is 8x8 pixels; it must be at least 16x16 pixels.",
    )
    with pytest.raises(ValidationFailedError) as excinfo:
        process_avatar(_encode(Image.new("RGB", (300, 10)), "JPEG"))
    assert _refusal(excinfo)[1] == "too_small"
    assert process_avatar(_encode(Image.new("RGB", (16, 16)), "PNG")).width == 200


# --- logos -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1000, 200), (400, 80)),  # width-bound
        ((200, 800), (40, 160)),  # height-bound
        ((800, 320), (400, 160)),  # exactly the box's ratio
        ((120, 40), (120, 40)),  # small logos are never enlarged
    ],
)
def test_logo_keeps_its_aspect_ratio_within_400x160_as_png(
    size: tuple[int, int], expected: tuple[int, int]
) -> None:
    result = process_logo(_encode(Image.new("RGB", size, RED), "JPEG"))
    assert (result.content_type, result.width, result.height) == ("image/png", *expected)
    out = Image.open(io.BytesIO(result.content))
    assert (out.format, out.size) == ("PNG", expected)


def test_logo_metadata_is_stripped_and_alpha_kept() -> None:
    source = Image.new("RGBA", (500, 100), (0, 0, 0, 0))
    source.paste((20, 20, 220, 255), (0, 0, 250, 100))
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "made with SecretTool on host build-7")
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    exif = Image.Exif()
    exif[ExifTags.Base.Software] = "SecretTool"
    data = _encode(
        source, "PNG", pnginfo=text, icc_profile=_icc(), exif=exif.tobytes(), dpi=(300, 300)
    )
    assert Image.open(io.BytesIO(data)).info.get("icc_profile")

    result = process_logo(data, filename="logo.png")

    assert b"SecretTool" not in result.content
    out = _assert_no_metadata(result.content)
    assert (out.size, out.mode) == ((400, 80), "RGBA")
    left, right = out.getpixel((10, 40)), out.getpixel((390, 40))
    assert isinstance(left, tuple) and isinstance(right, tuple)
    assert left[3] == 255 and right[3] == 0


def test_logo_refusals_name_the_logo_field() -> None:
    with pytest.raises(ValidationFailedError) as excinfo:
        process_logo(_encode(Image.new("P", (32, 32)), "GIF"))
    assert _refusal(excinfo)[:2] == ("logo", "unsupported_type")
    with pytest.raises(ValidationFailedError) as excinfo:
        process_logo(_encode(Image.new("RGB", (8, 8)), "PNG"))
    assert _refusal(excinfo)[:2] == ("logo", "too_small")


def test_the_same_upload_gives_the_same_bytes() -> None:
    data = _encode(_noise((120, 90)), "PNG")
    assert process_avatar(data).sha256 == process_avatar(data).sha256
    assert process_logo(data).sha256 == process_logo(data).sha256
