"""JATS inline content -> HTML strings.

The renderer never copies an attribute from the XML except through a handler
that knows what the attribute means (xlink:href, @rid, table spans, MathML
presentation attributes), and an element it does not know is rendered as its
content alone. Its output is still passed through :mod:`.sanitize` by callers.
"""

from __future__ import annotations

import re
from html import escape

from lxml import etree

from .safe_xml import local_name
from .sanitize import MATHML_ATTRIBUTES, MATHML_TAGS
from .xmltext import DROPPED, attr, entity_text, href, raw_text

SIMPLE_TAGS = {
    "italic": "i",
    "bold": "b",
    "sup": "sup",
    "sub": "sub",
    "underline": "u",
    "strike": "s",
    "monospace": "code",
    # PubMed writes HTML-like names.
    "i": "i",
    "b": "b",
    "u": "u",
    "em": "em",
    "strong": "strong",
}
SPAN_CLASSES = {"sc": "sc", "overline": "overline"}

# Metadata that never shows as text where it sits.
SILENT = frozenset(
    {
        "object-id",
        "alt-text",
        "long-desc",
        "sec-meta",
        "processing-meta",
        "custom-meta-group",
        "annotation",
        "annotation-xml",
        "mglyph",
        "permissions",
        "kwd-group",
        "sub-article",
    }
)

LINK_RESOLVERS = {
    "doi": "https://doi.org/{}",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "pubmed": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/{}/",
    "pmc": "https://www.ncbi.nlm.nih.gov/pmc/articles/{}/",
}
_WHITESPACE = re.compile(r"[ \t\r\n]+")  # XML whitespace, not no-break spaces
NAME_PARTS = ("prefix", "surname", "given-names", "suffix")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_CLASS_WORD = re.compile(r"[^a-z0-9-]")


def text_html(value: str | None) -> str:
    """Escaped text, runs of whitespace (XML indentation) collapsed to one space."""
    return escape(_WHITESPACE.sub(" ", value or ""), quote=False)


def _math_text(value: str | None) -> str:
    """MathML ignores whitespace around tokens, so indentation is dropped."""
    return text_html(value.strip(" \t\r\n")) if value else ""


def attribute(name: str, value: str) -> str:
    return f' {name}="{escape(value, quote=True)}"' if value else ""


def id_attribute(element: etree._Element) -> str:
    return attribute("id", attr(element, "id"))


def link_target(element: etree._Element, kind: str = "") -> str:
    """Where an ext-link/uri points, with DOIs and PubMed ids turned into URLs."""
    target = href(element) or raw_text(element).strip()
    kind = (kind or attr(element, "ext-link-type")).lower()
    if not target:
        return ""
    if kind in LINK_RESOLVERS and not _SCHEME.match(target):
        return LINK_RESOLVERS[kind].format(target)
    if target.startswith("www."):
        return "http://" + target
    return target


class InlineRenderer:
    """Turns JATS (or PubMed) mixed content into unsanitised HTML."""

    def render(self, element: etree._Element) -> str:
        """One element, without its tail."""
        name = local_name(element)
        if name in DROPPED or name in SILENT:
            return ""
        if name in SIMPLE_TAGS:
            tag = SIMPLE_TAGS[name]
            return f"<{tag}>{self.contents(element)}</{tag}>"
        if name in SPAN_CLASSES:
            return f'<span class="{SPAN_CLASSES[name]}">{self.contents(element)}</span>'
        if name == "math":
            return self.math(element)
        handler = getattr(self, "render_" + name.replace("-", "_"), None)
        if handler is not None:
            return handler(element)
        return self.contents(element)

    def contents(
        self, element: etree._Element, skip: frozenset[str] | set[str] = frozenset()
    ) -> str:
        """The text and children of ``element`` (children named in ``skip`` left out)."""
        parts = [text_html(element.text)]
        for node in element:
            if node.tag is etree.Entity:
                parts.append(text_html(entity_text(node)))
            elif isinstance(node.tag, str) and local_name(node) not in skip:
                parts.append(self.render(node))
            parts.append(text_html(node.tail))
        return "".join(parts)

    # -- links ------------------------------------------------------------------------

    def render_xref(self, element: etree._Element) -> str:
        content = self.contents(element)
        rid = attr(element, "rid").split(" ")[0]
        if not content.strip() or not rid:
            return content
        kind = _CLASS_WORD.sub("", attr(element, "ref-type").lower()) or "other"
        return f'<a href="#{escape(rid)}" class="xref xref-{kind}">{content}</a>'

    def render_ext_link(self, element: etree._Element) -> str:
        target = link_target(element)
        content = self.contents(element) or text_html(target)
        if not target:
            return content
        return f'<a class="ext-link"{attribute("href", target)} rel="noopener">{content}</a>'

    render_uri = render_ext_link

    def render_email(self, element: etree._Element) -> str:
        address = href(element) or raw_text(element).strip()
        content = self.contents(element)
        if not address:
            return content
        if not address.lower().startswith("mailto:"):
            address = "mailto:" + address
        return f'<a class="ext-link"{attribute("href", address)}>{content}</a>'

    # -- formulae and images ----------------------------------------------------------

    def render_inline_formula(self, element: etree._Element) -> str:
        return f'<span class="inline-formula">{self.contents(element)}</span>'

    def render_tex_math(self, element: etree._Element) -> str:
        return f'<span class="tex-math">{text_html(raw_text(element))}</span>'

    def render_alternatives(self, element: etree._Element) -> str:
        """Pick one rendering: MathML over TeX over a picture, a table over its image."""
        by_name = {}
        for node in element:
            if isinstance(node.tag, str):
                by_name.setdefault(local_name(node), node)
        for preferred in ("math", "table", "tex-math", "graphic", "inline-graphic", "media"):
            if preferred in by_name:
                return self.render(by_name[preferred])
        return self.contents(element)

    def render_inline_graphic(self, element: etree._Element) -> str:
        return self.image(element, css_class="inline-graphic")

    def render_graphic(self, element: etree._Element) -> str:
        return self.image(element)

    def image(self, element: etree._Element, css_class: str = "", alt: str = "") -> str:
        source = href(element)
        if not source:
            return ""
        alt_text = next((raw_text(n).strip() for n in element if local_name(n) == "alt-text"), "")
        return (
            f"<img{attribute('class', css_class)}{attribute('src', source)}"
            f'{attribute("data-jats-href", source)} alt="{escape(alt_text or alt)}">'
        )

    def math(self, element: etree._Element) -> str:
        """MathML passed through under its local names, presentation attributes only."""
        name = local_name(element)
        if name in DROPPED or name in SILENT:
            return ""
        inner = [_math_text(element.text)]
        for node in element:
            if node.tag is etree.Entity:
                inner.append(text_html(entity_text(node)))
            elif isinstance(node.tag, str):
                inner.append(self.math(node))
            inner.append(_math_text(node.tail))
        if name not in MATHML_TAGS:
            return "".join(inner)
        attributes = "".join(
            attribute(key, value)
            for key, value in sorted(element.attrib.items())
            if key in MATHML_ATTRIBUTES or key == "id"
        )
        return f"<{name}{attributes}>{''.join(inner)}</{name}>"

    # -- small things -----------------------------------------------------------------

    def render_break(self, element: etree._Element) -> str:
        return "<br>"

    def render_label(self, element: etree._Element) -> str:
        content = self.contents(element).strip()
        return f'<span class="label">{content}</span> ' if content else ""

    def render_name(self, element: etree._Element) -> str:
        """A person's name in running text (datasets, citations): "Surname Given"."""
        parts = (raw_text(n).strip() for n in element if local_name(n) in NAME_PARTS)
        return text_html(" ".join(p for p in parts if p))
