"""Branded PDF benchmark (issue 23's figure), beside a baseline measured in the same run:

- a 3-page branded quote-shaped proposal (cover with logo, colours and a photo; a day page with
  a photo and services; the price summary grouped by day with the tax line, per person, the
  payment schedule and the terms) through our whole path: the Jinja template, the pictures
  served by our fetcher (`core.pdf.AssetFetcher`), WeasyPrint; target p95 <= 500 ms;
- baseline: WeasyPrint alone (`weasyprint.HTML(string=...).write_pdf()`, its own fetcher) on
  the same HTML, the pictures inlined as `data:` URLs in it (what WeasyPrint needs without ours).

Both warm (one render of each first: fonts, the template and Pango's caches loaded), measured
alternately in one process so both see the same machine load; p50/p95 over BENCH_PDF_RUNS runs
each (default 120: a render takes ~0.1-0.3 s, so 200 of each would take over a minute on a
busy 2-core machine).

Run: `make bench` or `.venv/bin/python -m tests.bench.bench_pdf` (no database needed).
"""

from __future__ import annotations

import base64
import dataclasses
import io
import os
import statistics
import time

from pypdf import PdfReader

from tests.bench.common import percentile
from tests.documents.samples import sample_proposal
from travelcrm.documents.proposal import Proposal
from travelcrm.documents.render import to_html, to_pdf

RUNS = int(os.environ.get("BENCH_PDF_RUNS", "120"))
TARGET_MS = 500.0


def three_page_quote() -> Proposal:
    """Two days (the first with a photo), a cover photo, the agency's logo and colours."""
    sample = sample_proposal(days=2)
    days = tuple(
        dataclasses.replace(day, photos=day.photos[:1] if day.number == 1 else ())
        for day in sample.days
    )
    return dataclasses.replace(
        sample,
        days=days,
        terms=sample.terms[:1],
        optional_lines=(),
        exclusions=sample.exclusions[:2],
    )


def _inlined(html: str, assets: dict) -> str:
    for name, asset in assets.items():
        data = base64.b64encode(asset.content).decode()
        html = html.replace(f'"ourasset:{name}"', f'"data:{asset.content_type};base64,{data}"')
    return html


def main() -> None:
    from weasyprint import HTML

    proposal = three_page_quote()
    html, assets = to_html(proposal)
    plain = _inlined(html, assets)
    assert "ourasset:" not in plain

    def ours() -> bytes:
        return to_pdf(proposal).content

    def baseline() -> bytes:
        return bytes(HTML(string=plain).write_pdf())

    first, base_first = ours(), baseline()  # warm
    pages = len(PdfReader(io.BytesIO(first)).pages)
    base_pages = len(PdfReader(io.BytesIO(base_first)).pages)
    assert pages == base_pages == 3, (pages, base_pages)
    wall: dict[str, list[float]] = {"ours": [], "baseline": []}
    cpu: dict[str, list[float]] = {"ours": [], "baseline": []}
    for _ in range(RUNS):
        for name, fn in (("ours", ours), ("baseline", baseline)):
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            wall[name].append((time.perf_counter() - start) * 1000)
            cpu[name].append((time.process_time() - start_cpu) * 1000)
    p95 = {name: percentile(ms, 95, inclusive=True) for name, ms in wall.items()}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"PDF: a {pages}-page branded quote ({len(first) // 1024} KB), warm, {RUNS} runs each, "
        f"alternating (load average {load} on {os.cpu_count()} CPUs)",
        flush=True,
    )
    for name, label in (
        ("ours", "template + our fetcher + WeasyPrint"),
        ("baseline", "baseline: WeasyPrint alone, same HTML"),
    ):
        ms, used = wall[name], cpu[name]
        print(
            f"  {label:<40} wall p50 {statistics.median(ms):6.1f} ms  p95 {p95[name]:6.1f} ms"
            f"  | CPU p50 {statistics.median(used):6.1f} ms  "
            f"p95 {percentile(used, 95, inclusive=True):6.1f} ms",
            flush=True,
        )
    verdict = "ok" if p95["ours"] <= TARGET_MS else "OVER"
    print(
        f"  ours / baseline at p95 (wall): {p95['ours'] / p95['baseline']:.2f}x; "
        f"target p95 <= {TARGET_MS:.0f} ms: {verdict}",
        flush=True,
    )


if __name__ == "__main__":
    main()
