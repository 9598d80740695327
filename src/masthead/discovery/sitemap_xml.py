"""The Sitemaps protocol 0.9 (sitemaps.org) and robots.txt, as plain functions.

A sitemap holds at most 50,000 URLs; a sitemap index lists the sitemaps. `lastmod` is a
W3C datetime; we give the date and time in UTC, to the second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
MAX_URLS = 50_000


@dataclass(frozen=True)
class Location:
    loc: str  # an absolute URL
    lastmod: dt.datetime | dt.date | None = None


def urlset(locations: Iterable[Location]) -> bytes:
    """A sitemap: <urlset> of <url> entries."""
    return _document("urlset", "url", locations)


def sitemap_index(locations: Iterable[Location]) -> bytes:
    """A sitemap index: <sitemapindex> of <sitemap> entries."""
    return _document("sitemapindex", "sitemap", locations)


def w3c_datetime(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.replace(microsecond=0, tzinfo=None).isoformat() + "+00:00"
    return value.isoformat()


def robots_txt(sitemap_url: str, disallow: Iterable[str]) -> str:
    """Every crawler may read the content; the private paths are off limits."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallow), "Allow: /", ""]
    lines.append(f"Sitemap: {sitemap_url}")
    return "\n".join(lines) + "\n"


def _document(root_tag: str, entry_tag: str, locations: Iterable[Location]) -> bytes:
    root = etree.Element(f"{{{NAMESPACE}}}{root_tag}", nsmap={None: NAMESPACE})
    count = 0
    for location in locations:
        count += 1
        if count > MAX_URLS:
            raise ValueError(f"a sitemap holds at most {MAX_URLS:,} entries")
        entry = etree.SubElement(root, f"{{{NAMESPACE}}}{entry_tag}")
        etree.SubElement(entry, f"{{{NAMESPACE}}}loc").text = location.loc
        if location.lastmod is not None:
            etree.SubElement(entry, f"{{{NAMESPACE}}}lastmod").text = w3c_datetime(location.lastmod)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
