"""What an uploaded file is, from its bytes, and whether a browser could run it. Pure.

Publishers upload figures and supplementary files that readers' browsers will open on
our origin, so a file is refused when it could carry active content (HTML, XHTML,
server-side includes, JavaScript, SVG with scripts, event handlers or foreignObject) or
when its name says one type and its bytes another.
"""

from __future__ import annotations

import posixpath
import re

# extension -> the media type served; the kinds the bytes must match.
MEDIA_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "svg": "image/svg+xml",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "pdf": "application/pdf",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "txt": "text/plain",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "mp4": "video/mp4",
}
# What the bytes must be for each extension (None: not sniffed beyond the active-content check).
EXPECTED = {
    "png": "png",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "gif": "gif",
    "pdf": "pdf",
    "zip": "zip",
    "docx": "zip",
    "xlsx": "zip",
    "pptx": "zip",
    "txt": "text",
    "csv": "text",
    "tsv": "text",
    "svg": "svg",
    "tif": "tiff",
    "tiff": "tiff",
    "mp4": "mp4",
}
ACTIVE_EXTENSIONS = frozenset(
    {"html", "htm", "xhtml", "xht", "shtml", "shtm", "stm", "js", "mjs", "xml", "xsl", "swf"}
)
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/svg+xml"})
INLINE_TYPES = IMAGE_TYPES | {"application/pdf"}

_HTML_START = re.compile(
    rb"^\s*(<!doctype\s+html|<html|<head|<body|<script|<iframe|<\?xml[^>]*>\s*<html)", re.I
)
_SVG_ACTIVE = re.compile(
    rb"<\s*(?:[a-z]+:)?(script|foreignobject|iframe|embed|object|handler)\b"
    rb"|\son[a-z]+\s*="
    rb"|(?:xlink:)?href\s*=\s*[\"']?\s*(?:javascript|data|vbscript):"
    rb"|<!entity|<!doctype",
    re.I,
)


class RefusedFile(ValueError):
    """The file may not be published; the message says why."""


def extension(name: str) -> str:
    return posixpath.splitext(name.lower())[1].lstrip(".")


def sniff(head: bytes) -> str:
    """The kind the first bytes of a file show: png, jpeg, gif, pdf, zip, tiff, mp4, svg,
    html, text, or "" when unknown (binary)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head[4:8] == b"ftyp":
        return "mp4"
    text = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.search(text[:1024]):
        return "html"
    if re.search(rb"<svg[\s>]", text[:4096], re.I):
        return "svg"
    if _is_text(text):
        return "text"
    return ""


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:  # a multi-byte character cut at the end is fine
        if error.start < len(data) - 4:
            return False
    return True


def check(name: str, data: bytes) -> str:
    """The media type to serve `data` named `name` with, or RefusedFile."""
    ext = extension(name)
    if not ext or "/" in name or "\\" in name:
        raise RefusedFile("The file needs a plain name with an extension.")
    if ext in ACTIVE_EXTENSIONS:
        raise RefusedFile(f"“.{ext}” files can carry scripts and are not published.")
    if ext not in MEDIA_TYPES:
        raise RefusedFile(f"“.{ext}” is not a file type Masthead publishes.")
    kind = sniff(data[:8192])
    if kind == "html":
        raise RefusedFile("The file is HTML, which can carry scripts.")
    expected = EXPECTED[ext]
    if expected == "svg":
        if kind not in {"svg", "text"} or not re.search(rb"<svg[\s>]", data, re.I):
            raise RefusedFile("The file is named .svg but is not an SVG image.")
        if _SVG_ACTIVE.search(data):
            raise RefusedFile("The SVG has scripts, event handlers or embedded content.")
    elif kind != expected:
        shown = kind or "binary data"
        raise RefusedFile(f"The file is named .{ext} but its contents are {shown}.")
    return MEDIA_TYPES[ext]
