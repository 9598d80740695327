"""Stamp a line of text on every page of a PDF: "Downloaded by … at … UTC".

Pure (pikepdf, i.e. qpdf). Cheap enough for every download: no page is re-parsed; each
page gets the standard Helvetica font in its resources and two small content streams
around its own ("q" before, "Q" and the stamp after), so its drawing cannot move the
stamp. (pypdf took about ten times as long: it rewrites WeasyPrint's object streams.)
"""

import io

import pikepdf

FONT_NAME = pikepdf.Name("/FMastheadStamp")
FONT_SIZE = 7
MARGIN = 18  # points from the bottom and left edges


def stamp_pdf(pdf: bytes, text: str) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        font = doc.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica,
                Encoding=pikepdf.Name.WinAnsiEncoding,
            )
        )
        before = doc.make_stream(b"q\n")
        after = doc.make_stream(
            b"Q\nBT /FMastheadStamp %d Tf 0.3 g %d %d Td (%s) Tj ET\n"
            % (FONT_SIZE, MARGIN, MARGIN, _pdf_string(text))
        )
        for page in doc.pages:
            page.add_resource(font, pikepdf.Name.Font, FONT_NAME, replace_existing=True)
            page.contents_add(before, prepend=True)
            page.contents_add(after)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def _pdf_string(text: str) -> bytes:
    """A literal string in WinAnsi; what it cannot hold becomes "?"."""
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
