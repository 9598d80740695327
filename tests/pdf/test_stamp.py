"""Stamping: the line is on every page and extractable (pure, no database)."""

import io

from pypdf import PdfReader, PdfWriter

from masthead.pdf.stamp import stamp_pdf


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_stamp_is_on_every_page():
    text = "Downloaded by Demo University at 2026-11-27 01:23 UTC"
    stamped = stamp_pdf(blank_pdf(20), text)
    reader = PdfReader(io.BytesIO(stamped))
    assert len(reader.pages) == 20
    for page in reader.pages:
        assert text in page.extract_text()


def test_awkward_characters_do_not_break_the_file():
    stamped = stamp_pdf(blank_pdf(1), r"Downloaded by (Ünïversité) \ 東京 — at now")
    text = PdfReader(io.BytesIO(stamped)).pages[0].extract_text()
    assert "(Ünïversité)" in text and "—" in text
