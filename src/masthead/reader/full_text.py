"""Reading aids added to the stored full text when its page is rendered. Pure: no Django.

The article's `body_html` and `back_html` were rendered and sanitised at import; this
step works on that HTML (so existing databases benefit without a re-import) and adds:

- ids on in-text footnote markers and, in each note, a link back to every marker;
- ids on untitled-id sections, and the table of contents (`reader.toc`) read from them;
- on each figure, a "View larger" link (a `:target` anchor the stylesheet enlarges, so it
  works without JavaScript) and, when the publisher uploaded the image, a link to it;
- image sources and file links pointed at uploaded assets (`asset_urls`: name -> URL);
  images whose file was never uploaded are dropped (the caption stays), file links
  without a file lose their href;
- a "Supplementary files" section listing the article's files.

Everything added is built here from fixed markup, ids already in the sanitised HTML
(re-escaped on output) and URLs the caller generated. Running it twice gives the same
HTML as running it once.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from masthead.reader.toc import TocEntry, entries, heading_of

FOOTNOTE_CLASSES = frozenset({"xref-fn", "xref-table-fn"})
SUPPLEMENT_CLASSES = frozenset({"supplementary-material", "media"})
SUPPLEMENTS_ID = "supplementary-files"
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass
class FullText:
    body: str
    back: str
    toc: list[TocEntry]
    # note id -> ids of the markers citing it, for notes outside the body (the front's).
    backlinks: dict[str, list[str]] = field(default_factory=dict)


def enhance(body_html: str, back_html: str, asset_urls: Mapping[str, str] = {}) -> FullText:  # noqa: B006
    root = lxml_html.fragment_fromstring(
        f'<div data-part="body">{body_html}</div><div data-part="back">{back_html}</div>',
        create_parent="div",
    )
    body, back = root[0], root[1]
    _name_sections(root)
    _link_assets(root, asset_urls)
    _figure_controls(root, asset_urls)
    _list_supplements(root, back, asset_urls)
    pending = _footnote_backlinks(root)
    toc = entries(body) + entries(back)
    return FullText(_inner(body), _inner(back), toc, pending)


def add_backlinks(html: str, backlinks: Mapping[str, list[str]]) -> str:
    """Links back from notes rendered elsewhere on the page (the front's notes) to markers."""
    if not backlinks or not html:
        return html
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    targets = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    changed = False
    for note_id, markers in backlinks.items():
        if note_id in targets:
            _set_backlinks(targets[note_id], markers)
            changed = True
    return _inner(root) if changed else html


# -- steps ----------------------------------------------------------------------------


def _name_sections(root) -> None:
    """Sections with a heading but no id get one, so the table of contents can link them."""
    taken = _ids(root)
    n = 0
    for section in root.iter("section"):
        if section.get("id") or heading_of(section) is None:
            continue
        n += 1
        while f"section-{n}" in taken:
            n += 1
        section.set("id", f"section-{n}")
        taken.add(f"section-{n}")


def _asset_url(name: str, asset_urls: Mapping[str, str], image: bool) -> str | None:
    base = posixpath.basename(name)
    if base in asset_urls:
        return asset_urls[base]
    if image:  # a TIFF named in the XML, published as a JPEG or PNG with the same stem
        stem = posixpath.splitext(base)[0]
        for key, url in asset_urls.items():
            if posixpath.splitext(key)[0] == stem:
                return url
    return None


def _is_local(name: str) -> bool:
    return bool(name) and not _SCHEME.match(name) and not name.startswith(("/", "#"))


def _link_assets(root, asset_urls: Mapping[str, str]) -> None:
    for img in list(root.iter("img")):
        name = img.get("data-jats-href") or ""
        url = _asset_url(name, asset_urls, image=True) if name else None
        if url:
            img.set("src", url)
        elif _is_local(img.get("src") or name):
            img.drop_tree()  # never uploaded: the caption shows without a broken image
    for link in root.iter("a"):
        name = link.get("data-jats-href") or ""
        if not name:
            continue
        url = _asset_url(name, asset_urls, image=False)
        if url:
            link.set("href", url)
        elif _is_local(link.get("href") or name):
            link.attrib.pop("href", None)
            _add_class(link, "unavailable")


def _figure_controls(root, asset_urls: Mapping[str, str]) -> None:
    for figure in root.iter("figure"):
        if "fig" not in _classes(figure) or not figure.get("id"):
            continue
        fig_id = figure.get("id")
        view_id = f"{fig_id}-view"
        for old in figure.find_class("figure-view") + figure.find_class("figure-actions"):
            if old.getparent() is figure:
                figure.remove(old)
        anchor = etree.Element("span", {"class": "figure-view", "id": view_id})
        figure.insert(0, anchor)
        actions = etree.SubElement(figure, "p", {"class": "figure-actions"})
        opener = etree.SubElement(actions, "a", {"class": "figure-open", "href": f"#{view_id}"})
        opener.text = "View larger"
        image = next((i for i in figure.iter("img") if i.getparent() is figure), None)
        if image is not None and image.get("src"):
            opener.tail = " "
            full = etree.SubElement(
                actions, "a", {"class": "figure-image", "href": image.get("src")}
            )
            full.text = "Open image"
        closer = etree.SubElement(actions, "a", {"class": "figure-close", "href": f"#{fig_id}"})
        closer.text = "Close"
        (actions[-2]).tail = " "


def _list_supplements(root, back, asset_urls: Mapping[str, str]) -> None:
    for old in root.xpath(".//section[@id=$id]", id=SUPPLEMENTS_ID):
        old.drop_tree()
    files = [
        e
        for e in root.iter("div")
        if e.get("id") and SUPPLEMENT_CLASSES & _classes(e) and _file_link(e) is not None
    ]
    if not files:
        return
    section = etree.SubElement(back, "section", {"id": SUPPLEMENTS_ID, "class": "supplements"})
    etree.SubElement(section, "h2").text = "Supplementary files"
    items = etree.SubElement(section, "ul", {"class": "supplement-list"})
    for block in files:
        item = etree.SubElement(items, "li")
        label = _label(block)
        link = etree.SubElement(item, "a", {"href": f"#{block.get('id')}"})
        link.text = label
        download = _file_link(block)
        if download.get("href"):
            link.tail = " "
            saved = etree.SubElement(item, "a", {"class": "download", "href": download.get("href")})
            saved.text = "Download"


def _footnote_backlinks(root) -> dict[str, list[str]]:
    """Ids on the markers; in notes inside the body, links back. Returns the other notes'."""
    ids = _ids(root)
    targets = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
    cited: dict[str, list[str]] = {}
    for link in root.iter("a"):
        href = link.get("href") or ""
        if not href.startswith("#") or len(href) < 2:
            continue
        rid = href[1:]
        target = targets.get(rid)
        is_note = bool(FOOTNOTE_CLASSES & _classes(link)) or (
            target is not None and "fn" in _classes(target)
        )
        if not is_note or "xref" not in _classes(link):
            continue
        markers = cited.setdefault(rid, [])
        if not link.get("id"):
            n = len(markers) + 1
            while (candidate := f"fnref-{_ID_UNSAFE.sub('-', rid)}-{n}") in ids:
                n += 1
            link.set("id", candidate)
            ids.add(candidate)
        markers.append(link.get("id"))
    pending = {}
    for rid, markers in cited.items():
        if rid in targets:
            _set_backlinks(targets[rid], markers)
        else:
            pending[rid] = markers
    return pending


# -- helpers --------------------------------------------------------------------------


def _set_backlinks(note, markers: list[str]) -> None:
    for old in note.find_class("fn-backlinks"):
        old.drop_tree()
    holder = etree.SubElement(note, "span", {"class": "fn-backlinks"})
    holder.text = " "
    for n, marker in enumerate(markers, 1):
        label = "Back to text" if len(markers) == 1 else f"Back to citation {n}"
        link = etree.SubElement(
            holder, "a", {"class": "fn-backlink", "href": f"#{marker}", "aria-label": label}
        )
        link.text = "↩" if len(markers) == 1 else f"↩{n}"
        link.tail = " "


def _file_link(block):
    return next((a for a in block.iter("a") if "download" in _classes(a)), None)


def _label(block) -> str:
    for cls in ("label", "caption-title"):
        found = block.find_class(cls)
        if found:
            text = " ".join(found[0].text_content().split()).rstrip(".")
            if text:
                return text
    link = _file_link(block)
    return " ".join(link.text_content().split()) if link is not None else block.get("id")


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _add_class(element, name: str) -> None:
    if name not in _classes(element):
        element.set("class", f"{element.get('class') or ''} {name}".strip())


def _ids(root) -> set[str]:
    return {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}


def _inner(element) -> str:
    text = (element.text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text + "".join(lxml_html.tostring(c, encoding="unicode") for c in element)
