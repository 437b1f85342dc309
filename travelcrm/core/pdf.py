"""HTML to PDF with WeasyPrint, fetching nothing but our own assets.

A document's HTML is ours (a Jinja template with autoescape) but what it shows is not: a trip
title, a day's description, a photo. WeasyPrint's default fetcher would follow any URL in it:
`file:///etc/passwd` in an `<img>`, `http://169.254.169.254/` (the cloud's metadata), a
redirect to either. Ours answers only

- `ourasset:<name>`: an image the caller passes in memory (`Asset`), by name, or else a file
  of the project's `assets/` folder (a relative path that stays inside it);
- `data:` URLs (small inline pictures, a stylesheet's SVG);

and refuses every other scheme (file, http, https, ftp, ...) without opening anything, so no
request leaves the process and there is no redirect to follow. A refused URL stops the
rendering (`AssetRefusedError`): our templates never ask for one, so it is a bug or an
injection, not a picture to skip quietly.

Fonts come from the system's fontconfig (Debian: Liberation Sans, DejaVu Sans; DejaVu has the
rupee sign), so rendering works offline and no `@font-face` downloads anything.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

__all__ = [
    "ASSETS_DIR",
    "SCHEME",
    "Asset",
    "AssetFetcher",
    "AssetRefusedError",
    "RenderedPdf",
    "asset_url",
    "render_document",
    "render_pdf",
    "sniff_image_type",
]

SCHEME = "ourasset"
ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"
MAX_DATA_URL_BYTES = 2 * 1024 * 1024


class AssetRefusedError(ValueError):
    """A document asked for something other than our own assets."""

    def __init__(self, url: str, reason: str) -> None:
        shown = url if len(url) <= 80 else url[:77] + "..."
        super().__init__(f"{reason}: {shown}")
        self.url = url
        self.reason = reason


class _Refused(FatalURLFetchingError):
    """Raised inside WeasyPrint (a BaseException there, so it is not swallowed as a missing
    picture); `render_pdf` turns it back into `AssetRefusedError`."""

    def __init__(self, error: AssetRefusedError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True, slots=True)
class Asset:
    """Bytes a document may show, with their media type."""

    content: bytes
    content_type: str


def asset_url(name: str) -> str:
    """The URL a template writes for an in-memory asset: `ourasset:logo`."""
    return f"{SCHEME}:{name}"


def sniff_image_type(content: bytes) -> str | None:
    """The media type of a PNG, JPEG or WebP picture by its first bytes (None otherwise)."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


class AssetFetcher(URLFetcher):
    """WeasyPrint's fetcher, reduced to our assets: it never opens a URL itself."""

    def __init__(
        self, assets: Mapping[str, Asset] | None = None, *, folder: Path | None = ASSETS_DIR
    ) -> None:
        super().__init__(allowed_protocols=(SCHEME, "data"), allow_redirects=False)
        self._fail_on_errors = True
        self._assets = dict(assets or {})
        self._folder = folder.resolve() if folder is not None else None
        self.fetched: list[str] = []  # what a rendering asked for, in order (tests read it)

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            response = self._serve(url)
        except AssetRefusedError as error:
            raise _Refused(error) from None
        self.fetched.append(url)
        return response

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)

    def open(self, url: object, data: object = None, timeout: object = None) -> URLFetcherResponse:
        # urllib's entry point: the same gate (nothing here ever reaches a network handler)
        return self.fetch(getattr(url, "full_url", url))  # type: ignore[arg-type]

    def resolve(self, url: str) -> Asset:
        """The asset `url` names, or `AssetRefusedError` (what `fetch` serves)."""
        scheme, sep, rest = url.partition(":")
        if not sep:
            raise AssetRefusedError(url, "not an absolute URL")
        scheme = scheme.strip().lower()
        if scheme == "data":
            return _data_url(url, rest)
        if scheme != SCHEME:
            raise AssetRefusedError(url, f"only our own assets are fetched, not {scheme}:")
        name = unquote(rest.split("#", 1)[0].split("?", 1)[0])
        found = self._assets.get(name)
        if found is not None:
            return found
        return self._file(url, name)

    def _serve(self, url: str) -> URLFetcherResponse:
        asset = self.resolve(url)
        return URLFetcherResponse(
            url, body=asset.content, headers={"Content-Type": asset.content_type}
        )

    def _file(self, url: str, name: str) -> Asset:
        if self._folder is None or not name or name.startswith(("/", "\\")) or "\\" in name:
            raise AssetRefusedError(url, "no such asset")
        path = (self._folder / name).resolve()
        if not path.is_relative_to(self._folder) or not path.is_file():
            raise AssetRefusedError(url, "no such asset")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return Asset(path.read_bytes(), content_type)


def _data_url(url: str, rest: str) -> Asset:
    header, sep, payload = rest.partition(",")
    if not sep:
        raise AssetRefusedError(url, "a malformed data: URL")
    parts = [part.strip() for part in header.split(";")]
    is_base64 = parts[-1].lower() == "base64"
    media = [part for part in parts if part.lower() != "base64"]
    content_type = media[0] if media and media[0] else "text/plain"
    try:
        content = (
            base64.b64decode(unquote(payload), validate=True)
            if is_base64
            else unquote_to_bytes(payload)
        )
    except (binascii.Error, ValueError):
        raise AssetRefusedError(url, "a malformed data: URL") from None
    if len(content) > MAX_DATA_URL_BYTES:
        raise AssetRefusedError(url, "a data: URL too large")
    return Asset(content, content_type)


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    content: bytes
    pages: int


def render_document(
    html: str,
    *,
    assets: Mapping[str, Asset] | None = None,
    fetcher: AssetFetcher | None = None,
) -> RenderedPdf:
    """The PDF of `html` and its page count; its pictures from `assets` (by `ourasset:` name),
    the `assets/` folder or `data:` URLs only. `AssetRefusedError` for any other URL in it."""
    fetcher = fetcher or AssetFetcher(assets)
    try:
        document = HTML(string=html, base_url=f"{SCHEME}:", url_fetcher=fetcher).render()
        pdf = document.write_pdf()
    except _Refused as refused:
        raise refused.error from None
    return RenderedPdf(content=bytes(pdf), pages=len(document.pages))


def render_pdf(
    html: str,
    *,
    assets: Mapping[str, Asset] | None = None,
    fetcher: AssetFetcher | None = None,
) -> bytes:
    """`render_document`'s bytes."""
    return render_document(html, assets=assets, fetcher=fetcher).content
