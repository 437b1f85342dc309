"""Safe processing of uploaded images: avatars (200x200 WebP), agency logos (PNG in 400x160)
and photos (a 1600px JPEG and a 400px thumbnail, for supplier services and packages).

An upload is untrusted bytes. It is refused, with a specific message for the person who sent
it, when it is too large, not PNG/JPEG/WebP by content (the file name is never trusted), a
decompression bomb (judged from the header before any pixel is decoded), corrupt or truncated,
or too small. What is kept is re-encoded from pixels only: no EXIF (GPS, camera, orientation
once applied), no ICC profile, no XMP, no text chunks survive.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageOps, UnidentifiedImageError

from travelcrm.core.errors import FieldError, ValidationFailedError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 10_000
MIN_SIDE = 16

AVATAR_SIZE = 200
AVATAR_WEBP_QUALITY = 85
LOGO_BOX = (400, 160)
# Photos (supplier services, packages): phone pictures are larger than avatars, so a larger cap.
PHOTO_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PHOTO_LARGE_SIDE = 1600  # the longest side of the picture shown large (pages, PDFs)
PHOTO_THUMB_SIDE = 400  # the longest side of the thumbnail (lists, rows)
PHOTO_JPEG_QUALITY = 84
PHOTO_BACKGROUND = (255, 255, 255)  # transparent parts become white (JPEG has no alpha)

# Pillow format ids we decode; a multi-picture JPEG (many cameras) opens as "MPO".
_PILLOW_FORMATS = ("PNG", "JPEG", "WEBP")
_ACCEPTED = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG", "WEBP": "WebP"}
_ACCEPTED_TEXT = "Only PNG, JPEG or WebP images can be used"
# Errors Pillow raises for bad data while parsing or decoding.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError)


class _ReadPastEndError(Exception):
    """Deliberately none of the exceptions Pillow swallows for truncated files."""


class _StrictBytesIO(io.BytesIO):
    """Asking for bytes past the end raises, so a truncated file is refused even when
    `ImageFile.LOAD_TRUNCATED_IMAGES` is on: WeasyPrint turns it on for the whole process when
    it is imported, and Pillow would then pad a cut-off upload with grey instead of failing.
    A complete PNG, JPEG or WebP file is decoded without reading at its end."""

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        if not chunk and size != 0:
            raise _ReadPastEndError
        return chunk


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    content: bytes
    content_type: str
    width: int
    height: int
    sha256: str


def process_avatar(data: bytes, *, filename: str | None = None) -> ProcessedImage:
    """A square 200x200 WebP, EXIF orientation applied, metadata stripped."""
    return _process(data, kind="avatar", field="avatar")


def process_logo(data: bytes, *, filename: str | None = None) -> ProcessedImage:
    """A PNG fitting within 400x160 (aspect ratio kept, never enlarged), metadata stripped."""
    return _process(data, kind="logo", field="logo")


@dataclass(frozen=True, slots=True)
class ProcessedPhoto:
    """A photo as stored: the large picture and its thumbnail, both JPEG without metadata."""

    large: ProcessedImage
    thumb: ProcessedImage


def process_photo(
    data: bytes,
    *,
    filename: str | None = None,
    field: str = "photo",
    large_side: int = PHOTO_LARGE_SIDE,
    thumb_side: int = PHOTO_THUMB_SIDE,
) -> ProcessedPhoto:
    """A photo fitting within `large_side` and a thumbnail within `thumb_side` (aspect ratio
    kept, never enlarged), EXIF orientation applied, transparency on white, as progressive
    JPEG re-encoded from pixels only: no EXIF (GPS, camera), ICC, XMP or comments survive.
    Refusals name the reason at `field` (too large, not an image, damaged, a bomb, too small)."""
    _check_size(data, field, PHOTO_MAX_UPLOAD_BYTES)
    with _refusing_bombs(field):
        image = _open(data, field)
        # what the large picture needs of the stored pixels (a camera JPEG decodes at 1/2 or 1/4)
        scale = min(1.0, large_side / max(image.size))
        needed = (max(1, math.ceil(image.width * scale)), max(1, math.ceil(image.height * scale)))
        try:
            pixels = _decode(image, field, needed)
        finally:
            image.close()
        large = _flatten(_fit(pixels, (large_side, large_side)))
        thumb = _fit(large, (thumb_side, thumb_side))
    return ProcessedPhoto(large=_jpeg(large), thumb=_jpeg(thumb))


def _check_size(data: bytes, field: str, limit: int) -> None:
    if len(data) > limit:
        raise _refuse(
            field,
            "too_large",
            f"The file is {_megabytes(len(data))} MB; the limit is {limit // (1024 * 1024)} MB.",
        )
    if not data:
        raise _refuse(
            field, "unsupported_type", "The file is empty; choose a PNG, JPEG or WebP image."
        )


@contextmanager
def _refusing_bombs(field: str) -> Iterator[None]:
    """No warning may escape (pytest runs with warnings as errors; production logs would
    fill): Pillow's decompression-bomb warning becomes a refusal, anything else is noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _bomb(field, str(exc)) from None


def _fit(pixels: Image.Image, box: tuple[int, int]) -> Image.Image:
    """`pixels` scaled down to fit within `box` (aspect ratio kept, never enlarged)."""
    box_w, box_h = box
    scale = min(1.0, box_w / pixels.width, box_h / pixels.height)
    size = (
        min(box_w, max(1, round(pixels.width * scale))),
        min(box_h, max(1, round(pixels.height * scale))),
    )
    return pixels if size == pixels.size else pixels.resize(size, Image.Resampling.LANCZOS)


def _flatten(pixels: Image.Image) -> Image.Image:
    """RGB pixels only (a new image: `info` is left behind); transparency over white."""
    if pixels.mode == "RGBA":
        background = Image.new("RGB", pixels.size, PHOTO_BACKGROUND)
        background.paste(pixels, mask=pixels.getchannel("A"))
        return background
    return _pixels_only(pixels if pixels.mode == "RGB" else pixels.convert("RGB"))


def _jpeg(pixels: Image.Image) -> ProcessedImage:
    out = io.BytesIO()
    pixels.save(out, format="JPEG", quality=PHOTO_JPEG_QUALITY, optimize=True, progressive=True)
    content = out.getvalue()
    return ProcessedImage(
        content=content,
        content_type="image/jpeg",
        width=pixels.width,
        height=pixels.height,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _refuse(field: str, code: str, message: str) -> ValidationFailedError:
    return ValidationFailedError(message, errors=[FieldError(field, message, code)])


def _process(data: bytes, *, kind: Literal["avatar", "logo"], field: str) -> ProcessedImage:
    # `filename` is deliberately unused: the content decides what the file is.
    _check_size(data, field, MAX_UPLOAD_BYTES)
    with _refusing_bombs(field):
        image = _open(data, field)
        try:
            clean = _avatar_pixels(image, field) if kind == "avatar" else _logo_pixels(image, field)
        finally:
            image.close()
    out = io.BytesIO()
    if kind == "avatar":
        clean.save(out, format="WEBP", quality=AVATAR_WEBP_QUALITY, method=4)
        content_type = "image/webp"
    else:
        clean.save(out, format="PNG", optimize=True)
        content_type = "image/png"
    content = out.getvalue()
    return ProcessedImage(
        content=content,
        content_type=content_type,
        width=clean.width,
        height=clean.height,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _open(data: bytes, field: str) -> Image.Image:
    """Open (header only) and check format, dimensions; no pixel is decoded here."""
    try:
        image = Image.open(_StrictBytesIO(data), formats=_PILLOW_FORMATS)
    except UnidentifiedImageError:
        sniffed = _sniff(data)
        if sniffed in ("PNG", "JPEG", "WebP"):
            raise _refuse(
                field,
                "corrupt_image",
                f"The {sniffed} file is damaged and cannot be read; please export it again.",
            ) from None
        what = f"this file is {sniffed}" if sniffed else "this file is not an image we recognise"
        raise _refuse(field, "unsupported_type", f"{_ACCEPTED_TEXT} ({what}).") from None
    except (_ReadPastEndError, *_DECODE_ERRORS):
        raise _refuse(field, "corrupt_image", "The image is damaged and cannot be read.") from None

    if image.format not in _ACCEPTED:  # formats= already restricts this; kept as a guard
        image.close()
        raise _refuse(field, "unsupported_type", f"{_ACCEPTED_TEXT} (this file is {image.format}).")
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise _refuse(
            field,
            "decompression_bomb",
            f"The image is {width}x{height} pixels; the limit is {MAX_PIXELS // 1_000_000} "
            "megapixels.",
        )
    if width > MAX_SIDE or height > MAX_SIDE:
        image.close()
        raise _refuse(
            field,
            "decompression_bomb",
            f"The image is {width}x{height} pixels; the limit is {MAX_SIDE} pixels on each side.",
        )
    if width < MIN_SIDE or height < MIN_SIDE:
        image.close()
        raise _refuse(
            field,
            "too_small",
            f"The image is {width}x{height} pixels; it must be at least {MIN_SIDE}x{MIN_SIDE} "
            "pixels.",
        )
    return image


def _decode(image: Image.Image, field: str, draft: int | tuple[int, int]) -> Image.Image:
    """Decode pixels (JPEG at a reduced scale when that still covers `draft`: a side, or a
    width and height), apply the EXIF orientation, and convert to RGB or RGBA."""
    size = (draft, draft) if isinstance(draft, int) else draft
    try:
        image.draft(None, size)  # JPEG only: decode less, use less memory
        image.load()
    except (_ReadPastEndError, *_DECODE_ERRORS):
        raise _refuse(
            field,
            "corrupt_image",
            "The image is damaged or incomplete (perhaps the upload was cut short); "
            "please try another file.",
        ) from None
    try:
        oriented = ImageOps.exif_transpose(image)
    except _DECODE_ERRORS:  # unreadable EXIF: keep the pixels as they are stored
        oriented = image
    mode = "RGBA" if _has_alpha(oriented) else "RGB"
    try:
        return oriented if oriented.mode == mode else oriented.convert(mode)
    except _DECODE_ERRORS:
        raise _refuse(
            field, "unsupported_type", f"{_ACCEPTED_TEXT} in a standard colour mode."
        ) from None


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _avatar_pixels(image: Image.Image, field: str) -> Image.Image:
    pixels = _decode(image, field, AVATAR_SIZE)
    side = min(pixels.size)
    left = (pixels.width - side) // 2
    top = (pixels.height - side) // 2
    square = pixels.resize(
        (AVATAR_SIZE, AVATAR_SIZE),
        Image.Resampling.LANCZOS,
        box=(left, top, left + side, top + side),
    )
    return _pixels_only(square)


def _logo_pixels(image: Image.Image, field: str) -> Image.Image:
    pixels = _decode(image, field, max(LOGO_BOX))
    return _pixels_only(_fit(pixels, LOGO_BOX))


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image from the raw pixels: `info` (EXIF, ICC, XMP, text) is left behind."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _bomb(field: str, pillow_message: str) -> ValidationFailedError:
    match = re.search(r"\((\d+) pixels\)", pillow_message)
    limit = MAX_PIXELS // 1_000_000
    if match:
        megapixels = int(match.group(1)) / 1_000_000
        message = f"The image is {megapixels:,.0f} megapixels; the limit is {limit} megapixels."
    else:
        message = f"The image has too many pixels; the limit is {limit} megapixels."
    return _refuse(field, "decompression_bomb", message)


def _megabytes(size: int) -> str:
    """One decimal, rounded up, so a file just over the limit never reads as "5.0 MB"."""
    return f"{math.ceil(size * 10 / (1024 * 1024)) / 10:.1f}"


def _sniff(data: bytes) -> str | None:
    """A name for the refusal message only; never used to accept a file."""
    head = data[:1024]
    signatures = (
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"\xff\xd8\xff", "JPEG"),
        (b"GIF87a", "GIF"),
        (b"GIF89a", "GIF"),
        (b"%PDF", "PDF"),
        (b"II*\x00", "TIFF"),
        (b"MM\x00*", "TIFF"),
        (b"\x00\x00\x01\x00", "ICO"),
        (b"BM", "BMP"),
        (b"8BPS", "PSD"),
        (b"PK\x03\x04", "a ZIP archive"),
    )
    for prefix, name in signatures:
        if head.startswith(prefix):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "AVIF"
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
            return "HEIC"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (
        text.startswith((b"<?xml", b"<!doctype svg")) and b"<svg" in text
    ):
        return "SVG"
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text:
        return "HTML"
    return None
