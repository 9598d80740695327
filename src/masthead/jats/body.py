"""JATS <body> and <back> -> sanitised HTML.

Sections become ``<section id>`` with ``<h2>``/``<h3>``... by depth; lists, quotes,
boxes and footnotes map to their HTML counterparts. Figures, tables and files are
in :mod:`.blocks`.
"""

from __future__ import annotations

from html import escape

from lxml import etree

from .blocks import BlockRenderer
from .render import attribute, id_attribute, text_html
from .sanitize import sanitize_html
from .xmltext import attr, child, children, raw_text

# JATS list-type -> the <ol type> that numbers the same way ("" = decimal).
ORDERED_LISTS = {
    "order": "",
    "alpha-lower": "a",
    "alpha-upper": "A",
    "roman-lower": "i",
    "roman-upper": "I",
}
HEADED = frozenset({"label", "title", "caption", "object-id"})

COMPETING_INTEREST_TYPES = frozenset(
    {"conflict", "coi-statement", "competing-interest", "competing-interests", "coi"}
)


def is_competing_interest(element: etree._Element) -> bool:
    """A footnote, fn-group, notes or sec that holds a competing-interests statement."""
    kinds = (
        attr(element, "fn-type"),
        attr(element, "sec-type"),
        attr(element, "notes-type"),
        attr(element, "content-type"),
    )
    return any(kind.lower() in COMPETING_INTEREST_TYPES for kind in kinds)


class BodyRenderer(BlockRenderer):
    """Sections and the other structures of a JATS body, back matter or abstract."""

    # -- structure --------------------------------------------------------------------

    def section(self, element: etree._Element, css_class: str = "", default_title: str = "") -> str:
        if self.back_matter and is_competing_interest(element):
            return ""
        heading = self.heading(element, default_title)
        step = 1 if heading else 0  # an untitled wrapper (app-group) adds no heading level
        self.level += step
        try:
            body = self.flow(element, skip=HEADED)
        finally:
            self.level -= step
        if not body:
            return ""
        opening = f"<section{attribute('class', css_class)}{id_attribute(element)}>"
        return f"{opening}{heading}{body}</section>"

    def heading(self, element: etree._Element, default_title: str = "") -> str:
        label = child(element, "label")
        title = child(element, "title")
        html = ""
        if label is not None:
            html += self.render_label(label)
        html += self.contents(title) if title is not None else text_html(default_title)
        level = min(self.level, 6)
        return f"<h{level}>{html.strip()}</h{level}>" if html.strip() else ""

    def render_sec(self, element: etree._Element) -> str:
        return self.section(element)

    def render_ack(self, element: etree._Element) -> str:
        return self.section(element, "ack", default_title="Acknowledgements")

    def render_app(self, element: etree._Element) -> str:
        return self.section(element, "app")

    def render_app_group(self, element: etree._Element) -> str:
        return self.section(element, "app-group")

    def render_glossary(self, element: etree._Element) -> str:
        return self.section(element, "glossary")

    def render_notes(self, element: etree._Element) -> str:
        return self.section(element, "notes")

    def render_ref_list(self, element: etree._Element) -> str:
        return ""  # references are kept as data and shown by the reader templates

    def render_list(self, element: etree._Element) -> str:
        kind = attr(element, "list-type").lower()
        title = child(element, "title")
        heading = f'<p class="list-title">{self.contents(title)}</p>' if title is not None else ""
        items = "".join(f"<li>{self.flow(item)}</li>" for item in children(element, "list-item"))
        if kind in ORDERED_LISTS:
            return f"{heading}<ol{attribute('type', ORDERED_LISTS[kind])}>{items}</ol>"
        return f"{heading}<ul>{items}</ul>"

    def render_def_list(self, element: etree._Element) -> str:
        items = []
        for item in children(element, "def-item"):
            for term in children(item, "term"):
                items.append(f"<dt>{self.contents(term)}</dt>")
            for definition in children(item, "def"):
                items.append(f"<dd>{self.flow(definition)}</dd>")
        return f'<dl class="def-list">{"".join(items)}</dl>'

    def render_disp_quote(self, element: etree._Element) -> str:
        attribution = "".join(
            f"<footer>{self.contents(a)}</footer>" for a in children(element, "attrib")
        )
        return f"<blockquote>{self.flow(element, skip={'attrib'})}{attribution}</blockquote>"

    def render_preformat(self, element: etree._Element) -> str:
        return f"<pre>{escape(raw_text(element), quote=False)}</pre>"

    render_code = render_preformat

    def render_fn(self, element: etree._Element) -> str:
        label = child(element, "label")
        marker = (
            f'<span class="fn-label">{self.contents(label)}</span> ' if label is not None else ""
        )
        body = self.flow(element, skip={"label"})
        return f'<aside class="fn"{id_attribute(element)}>{marker}{body}</aside>'

    def render_fn_group(self, element: etree._Element) -> str:
        return f'<div class="fn-group">{self.flow(element)}</div>'

    def render_boxed_text(self, element: etree._Element) -> str:
        return self.captioned("aside", "boxed-text", element, self.flow(element, skip=HEADED))

    def render_statement(self, element: etree._Element) -> str:
        return self.captioned("div", "statement", element, self.flow(element, skip=HEADED))


def render_body(body: etree._Element | None) -> str:
    """The article's <body> as sanitised HTML ("" when there is none)."""
    if body is None:
        return ""
    return sanitize_html(BodyRenderer(level=2).flow(body))


def render_back(back: etree._Element | None) -> str:
    """Acknowledgements, appendices and other back sections; not references or footnotes."""
    if back is None:
        return ""
    renderer = BodyRenderer(level=2, back_matter=True)
    return sanitize_html(renderer.flow(back, skip={"title", "label"}))


def render_blocks(
    element: etree._Element | None,
    skip: frozenset[str] = HEADED,
    level: int = 3,
    back_matter: bool = False,
) -> str:
    """Block content of a front-matter element (abstract, note, bio) as sanitised HTML."""
    if element is None:
        return ""
    renderer = BodyRenderer(level=level, back_matter=back_matter)
    return sanitize_html(renderer.flow(element, skip=skip))
