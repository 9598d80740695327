"""Stamp a line of text on every page of a PDF: "Downloaded by … at … UTC".

Pure (pypdf only). Cheap enough for every download: no page is re-parsed; each page
gets the standard Helvetica font in its resources and two small content streams around
its own ("q" before, "Q" and the stamp after), so its drawing cannot move the stamp.
"""

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

FONT_NAME = NameObject("/FMastheadStamp")
FONT_SIZE = 7
MARGIN = 18  # points from the bottom and left edges


def stamp_pdf(pdf: bytes, text: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    font = writer._add_object(_helvetica())
    before = writer._add_object(_stream(b"q\n"))
    line = b"Q\nBT /FMastheadStamp %d Tf 0.3 g %d %d Td (%s) Tj ET\n" % (
        FONT_SIZE, MARGIN, MARGIN, _pdf_string(text))  # fmt: skip
    after = writer._add_object(_stream(line))
    for page in writer.pages:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        page[NameObject("/Resources")] = resources
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        resources[NameObject("/Font")] = fonts
        fonts[FONT_NAME] = font
        contents = page.get("/Contents")
        own = contents.get_object() if contents is not None else None
        parts = list(own) if isinstance(own, ArrayObject) else ([contents] if contents else [])
        page[NameObject("/Contents")] = ArrayObject([before, *parts, after])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _helvetica() -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })  # fmt: skip


def _stream(data: bytes) -> StreamObject:
    stream = StreamObject()
    stream.set_data(data)
    return stream


def _pdf_string(text: str) -> bytes:
    """A literal string in WinAnsi; what it cannot hold becomes "?"."""
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
