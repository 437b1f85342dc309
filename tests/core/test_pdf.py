"""The PDF renderer fetches nothing but our own assets: pictures passed in memory, the
project's `assets/` folder and `data:` URLs. `file://`, any network scheme and redirects are
refused before anything is opened (a local server proves no request reached it)."""

from __future__ import annotations

import base64
import io
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.documents.samples import logo
from travelcrm.core.pdf import (
    ASSETS_DIR,
    Asset,
    AssetFetcher,
    AssetRefusedError,
    asset_url,
    render_document,
    render_pdf,
)


class _Server:
    """A local HTTP server that counts its requests and answers each with a redirect."""

    def __init__(self, target: str) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.hits = hits
        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def redirector(tmp_path: Path) -> Iterator[_Server]:
    secret = tmp_path / "secret.png"
    secret.write_bytes(logo())
    server = _Server(secret.as_uri())  # redirects to a file on this machine
    yield server
    server.close()


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_local_server_is_reachable_and_redirects(redirector: _Server) -> None:
    """The fixture works: a plain client reaches it and is sent to a file (so the refusals
    below are the fetcher's doing, not a dead server's)."""
    opener = urllib.request.build_opener(urllib.request.HTTPRedirectHandler)
    with pytest.raises(urllib.error.URLError):  # urllib refuses http -> file:, after asking
        opener.open(redirector.url + "/probe", timeout=5)
    assert redirector.hits == ["/probe"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/hostname",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "ftp://example.com/x.png",
        "ourasset:../pyproject.toml",
        "ourasset:/etc/passwd",
        "ourasset:%2e%2e/pyproject.toml",
        "ourasset:nothing-by-this-name.png",
        "javascript:alert(1)",
        "relative/path.png",
    ],
)
def test_the_fetcher_refuses_anything_but_our_assets(url: str) -> None:
    with pytest.raises(AssetRefusedError):
        AssetFetcher().resolve(url)


def test_a_refused_picture_stops_the_rendering_and_nothing_is_requested(
    redirector: _Server,
) -> None:
    for html in (
        f'<p>x</p><img src="{redirector.url}/img.png">',
        f'<style>@import url("{redirector.url}/x.css");</style><p>x</p>',
        f'<p style="background: url({redirector.url}/bg.png)">x</p>',
        '<p>x</p><img src="file:///etc/passwd">',
    ):
        with pytest.raises(AssetRefusedError):
            render_pdf(html)
    assert redirector.hits == []  # no request left the process, no redirect was followed


def test_serves_pictures_in_memory_data_urls_and_the_assets_folder() -> None:
    picture = logo()
    inline = "data:image/png;base64," + base64.b64encode(picture).decode()
    favicon = next(p.name for p in ASSETS_DIR.iterdir() if p.is_file())
    fetcher = AssetFetcher({"logo": Asset(picture, "image/png")})
    html = (
        f'<img src="{asset_url("logo")}"><img src="{inline}">'
        f'<img src="ourasset:{favicon}"><p>Our own pictures only</p>'
    )
    rendered = render_document(html, fetcher=fetcher)
    assert rendered.content.startswith(b"%PDF-") and rendered.pages == 1
    assert fetcher.fetched == [asset_url("logo"), inline, f"ourasset:{favicon}"]
    assert fetcher.resolve("ourasset:logo").content == picture
    assert fetcher.resolve(inline).content == picture
    assert fetcher.resolve(f"ourasset:{favicon}").content == (ASSETS_DIR / favicon).read_bytes()
    assert "Our own pictures only" in _text(rendered.content)


def test_running_footer_counts_pages_x_of_y() -> None:
    html = (
        "<style>@page { size: A4; @bottom-right { content: 'Page ' counter(page) ' of ' "
        "counter(pages) } } p { break-after: page }</style>"
        "<p>one</p><p>two</p><p>three</p>"
    )
    rendered = render_document(html)
    reader = PdfReader(io.BytesIO(rendered.content))
    assert rendered.pages == len(reader.pages) == 3
    for number, page in enumerate(reader.pages, 1):
        assert f"Page {number} of 3" in page.extract_text()
    box = reader.pages[0].mediabox  # A4 in points
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
