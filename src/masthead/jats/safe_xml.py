"""Parse publisher XML without trusting it.

Every parser here is built with entity expansion, DTD loading and network access
switched off, so an external DTD named in a DOCTYPE (as eLife and PubMed files do)
is never fetched, and a file that *declares* entities (XXE, "billion laughs") is
refused outright instead of being expanded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from lxml import etree

from .model import SourceError

MAX_XML_BYTES = 20 * 1024 * 1024  # one JATS article; PubMed sets are streamed instead

_PROLOG_BYTES = 1 << 20
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[(.*?)\]\s*>", re.DOTALL)

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def make_parser() -> etree.XMLParser:
    return etree.XMLParser(**_PARSER_OPTIONS)


def parse_xml(data: bytes, source: str) -> etree._Element:
    """Parse a whole document held in memory and return its root element."""
    if len(data) > MAX_XML_BYTES:
        raise SourceError(
            source, f"file is too large ({len(data)} bytes; the limit is {MAX_XML_BYTES} bytes)"
        )
    if not data.strip():
        raise SourceError(source, "file is empty")
    refuse_declared_entities(data, source)
    try:
        root = etree.fromstring(data, make_parser())
    except etree.XMLSyntaxError as exc:
        raise syntax_error(source, exc) from None
    refuse_entity_declarations(root.getroottree(), source)
    return root


def iterparse_elements(
    stream: IO[bytes], tags: tuple[str, ...], root_tag: str, kind: str, source: str
) -> Iterator[etree._Element]:
    """Stream each finished element named in ``tags`` from a document whose root is ``root_tag``.

    Elements are cleared once the caller has moved on, and the ones already seen
    are dropped from the tree, so memory stays flat however big the file is.
    """
    reader = _LargeReads(stream, source)
    context = etree.iterparse(reader, events=("end",), tag=tags, **_PARSER_OPTIONS)
    checked = False
    try:
        for _event, element in context:
            if not checked:
                check_root(element.getroottree(), root_tag, kind, source)
                checked = True
            yield element
            element.clear()
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise syntax_error(source, exc) from None
    if not checked:
        if context.root is None:
            raise SourceError(source, "file is empty")
        check_root(context.root.getroottree(), root_tag, kind, source)


class _LargeReads:
    """lxml asks a file object for small chunks, which is slow through gzip; read 1 MB."""

    CHUNK = 1 << 20

    def __init__(self, stream: IO[bytes], source: str):
        self.stream = stream
        self.source = source
        self.started = False

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(max(size, self.CHUNK))
        if not self.started:  # the DOCTYPE, if any, is at the start
            self.started = True
            refuse_declared_entities(chunk, self.source)
        return chunk


def check_root(tree: etree._ElementTree, root_tag: str, kind: str, source: str) -> None:
    refuse_entity_declarations(tree, source)
    name = local_name(tree.getroot())
    if name != root_tag:
        raise SourceError(source, f"not a {kind} (root element is <{name}>)")


def refuse_declared_entities(data: bytes, source: str) -> None:
    """Refuse a DOCTYPE whose internal subset declares entities, before parsing anything.

    libxml2 would refuse a "billion laughs" on its own, but with a vaguer message;
    :func:`refuse_entity_declarations` checks the parsed DTD as well, for encodings
    this byte-level look does not understand.
    """
    subset = _INTERNAL_SUBSET.search(data, 0, _PROLOG_BYTES)
    if subset and b"<!ENTITY" in subset.group(1):
        raise SourceError(source, "entity declarations are not allowed")


def refuse_entity_declarations(tree: etree._ElementTree, source: str) -> None:
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.entities()):
        raise SourceError(source, "entity declarations are not allowed")


def syntax_error(source: str, exc: etree.XMLSyntaxError) -> SourceError:
    message = exc.msg or str(exc)
    # libxml2 ends the message with the position, which SourceError already shows.
    message = re.sub(r"(,? line \d+)?, column \d+$", "", message).strip()
    column = f" (column {exc.position[1]})" if exc.position and exc.position[1] else ""
    return SourceError(source, f"malformed XML: {message}{column}", line=exc.lineno or None)


def local_name(element: etree._Element) -> str:
    """The tag without its namespace ("math" for mml:math); "" for comments/entities."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]
