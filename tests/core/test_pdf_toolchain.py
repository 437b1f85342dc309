"""WeasyPrint and its system libraries (Pango, fonts) are installed and render a real PDF."""

from __future__ import annotations

from weasyprint import HTML


def test_weasyprint_renders_a_pdf_with_text() -> None:
    pdf = HTML(string="<h1>Quote Q-1001</h1><p>Goa, 4 nights: ₹ 1,25,000.00</p>").write_pdf()
    assert pdf is not None
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 1_000
