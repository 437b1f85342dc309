"""Photos (supplier services, packages): a large JPEG and a thumbnail, oriented, never enlarged,
re-encoded from pixels only; bad files refused at the field with the reason in words."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms

from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.images import (
    MAX_UPLOAD_BYTES,
    PHOTO_MAX_UPLOAD_BYTES,
    ProcessedPhoto,
    process_photo,
)

RED = (220, 20, 20)
BLUE = (20, 20, 220)


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _refusal(data: bytes, field: str = "photo") -> tuple[str, str, str]:
    with pytest.raises(ValidationFailedError) as excinfo:
        process_photo(data, field=field)
    (error,) = excinfo.value.errors
    assert excinfo.value.detail == error.message
    return error.field, error.code, error.message


def _assert_clean_jpeg(content: bytes) -> Image.Image:
    out = Image.open(io.BytesIO(content))
    assert out.format == "JPEG" and out.mode == "RGB"
    for key in ("exif", "icc_profile", "xmp", "comment", "dpi"):
        assert key not in out.info, key
    assert len(out.getexif()) == 0
    return out


def _pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, int, int]:
    value = image.getpixel(xy)
    assert isinstance(value, tuple)
    return value[0], value[1], value[2]


def test_a_camera_jpeg_becomes_an_oriented_1600px_photo_and_a_400px_thumb_without_metadata() -> (
    None
):
    # Stored 3000x2000, left half red, right half blue; orientation 6 ("rotate 90° clockwise
    # to display"): the person sees 2000x3000 with red on top.
    source = Image.new("RGB", (3000, 2000), BLUE)
    source.paste(RED, (0, 0, 1500, 2000))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (15.0, 29.0, 54.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = _encode(source, "JPEG", quality=90, exif=exif.tobytes(), icc_profile=icc, comment=b"hi")
    assert Image.open(io.BytesIO(data)).getexif()[ExifTags.Base.Make] == "PhoneMaker"

    photo = process_photo(data, filename="beach.jpg")

    assert isinstance(photo, ProcessedPhoto)
    assert (photo.large.width, photo.large.height) == (1067, 1600)
    assert (photo.thumb.width, photo.thumb.height) == (267, 400)
    for part in (photo.large, photo.thumb):
        assert part.content_type == "image/jpeg"
        assert part.sha256 == hashlib.sha256(part.content).hexdigest()
        assert b"PhoneMaker" not in part.content and b"Exif" not in part.content
        out = _assert_clean_jpeg(part.content)
        assert out.size == (part.width, part.height)
        top = _pixel(out, (out.width // 2, out.height // 8))
        bottom = _pixel(out, (out.width // 2, out.height * 7 // 8))
        assert top[0] > 150 and top[2] < 100, top
        assert bottom[2] > 150 and bottom[0] < 100, bottom
    assert len(photo.thumb.content) < len(photo.large.content)


def test_a_small_transparent_png_is_not_enlarged_and_its_transparency_turns_white() -> None:
    source = Image.new("RGBA", (800, 600), (0, 0, 0, 0))
    source.paste((*RED, 255), (0, 0, 400, 600))
    photo = process_photo(_encode(source, "PNG"))
    assert (photo.large.width, photo.large.height) == (800, 600)
    assert (photo.thumb.width, photo.thumb.height) == (400, 300)
    large = _assert_clean_jpeg(photo.large.content)
    red, white = _pixel(large, (100, 300)), _pixel(large, (700, 300))
    assert red[0] > 200 and red[1] < 60, red
    assert min(white) > 240, white


def test_a_palette_gif_like_png_and_a_webp_are_accepted_as_jpeg() -> None:
    palette = Image.new("P", (300, 200), 3)
    webp = Image.new("RGB", (500, 1000), BLUE)
    for data, size in (
        (_encode(palette, "PNG"), (300, 200)),
        (_encode(webp, "WEBP", quality=80), (500, 1000)),
    ):
        photo = process_photo(data)
        assert (photo.large.width, photo.large.height) == size
        _assert_clean_jpeg(photo.thumb.content)


def test_the_same_upload_makes_the_same_bytes_so_its_address_can_be_cached_forever() -> None:
    data = _encode(Image.new("RGB", (640, 480), RED), "PNG")
    assert process_photo(data).large.sha256 == process_photo(data).large.sha256
    other = _encode(Image.new("RGB", (640, 480), BLUE), "PNG")
    assert process_photo(other).large.sha256 != process_photo(data).large.sha256


def test_photos_may_be_larger_than_an_avatar_up_to_their_own_limit() -> None:
    # Noise does not compress: a PNG over the avatar limit, under the photo limit.
    side = 1400
    noise = Image.frombytes("RGB", (side, side), random.Random(3).randbytes(side * side * 3))
    data = _encode(noise, "PNG", compress_level=1)
    assert MAX_UPLOAD_BYTES < len(data) < PHOTO_MAX_UPLOAD_BYTES
    photo = process_photo(data)
    assert (photo.large.width, photo.large.height) == (side, side)
    assert (photo.thumb.width, photo.thumb.height) == (400, 400)


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_bad_files_are_refused_at_the_field_with_the_reason_in_words() -> None:
    jpeg = _encode(Image.new("RGB", (600, 400), RED), "JPEG", quality=90)
    too_big = b"\xff\xd8\xff" + b"\x00" * PHOTO_MAX_UPLOAD_BYTES
    assert _refusal(too_big) == (
        "photo",
        "too_large",
        "The file is 10.1 MB; the limit is 10 MB.",
    )
    field, code, message = _refusal(b"GIF89a" + b"\x00" * 100, field="file")
    assert (field, code) == ("file", "unsupported_type") and "this file is GIF" in message
    assert _refusal(b"%PDF-1.7 hello")[1] == "unsupported_type"
    assert _refusal(b"")[1] == "unsupported_type"
    assert _refusal(jpeg[: len(jpeg) // 2])[1] == "corrupt_image"
    assert _refusal(_png_claiming(30_000, 30_000))[1] == "decompression_bomb"
    assert _refusal(_png_claiming(9_000, 9_000))[1] == "decompression_bomb"
    assert _refusal(_encode(Image.new("RGB", (10, 300), RED), "PNG"))[1] == "too_small"
