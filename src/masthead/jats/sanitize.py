"""The only way HTML from outside (publisher files, imports, editors) reaches a page.

``sanitize_html`` keeps the block structure the JATS renderer emits (sections,
figures, tables, MathML...); ``sanitize_inline`` keeps only character formatting
(for titles and other one-line fields). Both drop scripts, event handlers, style
attributes and any link whose scheme is not http, https or mailto; relative
references ("#fig1", "elife00013f001.tif") are kept, since the renderer emits
them for in-page links and for figure files served later.
"""

from __future__ import annotations

import re

import nh3

MATHML_TAGS = frozenset(
    {
        "math",
        "maction",
        "maligngroup",
        "malignmark",
        "menclose",
        "merror",
        "mfenced",
        "mfrac",
        "mi",
        "mlabeledtr",
        "mmultiscripts",
        "mn",
        "mo",
        "mover",
        "mpadded",
        "mphantom",
        "mprescripts",
        "mroot",
        "mrow",
        "ms",
        "mspace",
        "msqrt",
        "mstyle",
        "msub",
        "msubsup",
        "msup",
        "mtable",
        "mtd",
        "mtext",
        "mtr",
        "munder",
        "munderover",
        "none",
        "semantics",
    }
)

MATHML_ATTRIBUTES = frozenset(
    {
        "accent",
        "accentunder",
        "align",
        "bevelled",
        "close",
        "columnalign",
        "columnlines",
        "columnspacing",
        "columnspan",
        "denomalign",
        "depth",
        "display",
        "displaystyle",
        "fence",
        "form",
        "frame",
        "height",
        "largeop",
        "linethickness",
        "lspace",
        "mathsize",
        "mathvariant",
        "maxsize",
        "minsize",
        "movablelimits",
        "notation",
        "numalign",
        "open",
        "rowalign",
        "rowlines",
        "rowspacing",
        "rowspan",
        "rspace",
        "scriptlevel",
        "separator",
        "separators",
        "stretchy",
        "symmetric",
        "width",
    }
)

INLINE_TAGS = frozenset({"i", "b", "em", "strong", "sup", "sub", "u", "s", "span", "code"})

BLOCK_TAGS = frozenset(
    {
        "a",
        "aside",
        "blockquote",
        "br",
        "caption",
        "col",
        "colgroup",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)

# Classes the renderer puts on elements; any other class is dropped.
JATS_REF_TYPES = (
    "aff",
    "app",
    "author-notes",
    "award",
    "bibr",
    "bio",
    "boxed-text",
    "chem",
    "collab",
    "contrib",
    "corresp",
    "custom",
    "disp-formula",
    "fig",
    "fn",
    "kwd",
    "list",
    "other",
    "plate",
    "scheme",
    "sec",
    "statement",
    "supplementary-material",
    "table",
    "table-fn",
    "video",
)
LINK_CLASSES = frozenset(
    {"xref", "ext-link", "download", *(f"xref-{kind}" for kind in JATS_REF_TYPES)}
)
SPAN_CLASSES = frozenset(
    {"sc", "overline", "label", "inline-formula", "tex-math", "caption-title", "fn-label"}
)
BLOCK_CLASSES = frozenset(
    {
        "abstract-section",
        "ack",
        "app",
        "app-group",
        "attrib",
        "boxed-text",
        "caption-title",
        "chem-struct",
        "def-list",
        "disp-formula",
        "fig",
        "fig-group",
        "fn",
        "fn-group",
        "glossary",
        "inline-graphic",
        "list-title",
        "media",
        "notes",
        "statement",
        "supplementary-material",
        "table-foot",
        "table-wrap",
        "title",
    }
)

# Dropped together with everything inside them.
CLEAN_CONTENT_TAGS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "applet",
        "noscript",
        "noembed",
        "noframes",
        "template",
        "title",
        "textarea",
        "select",
        "xmp",
        "annotation",
        "annotation-xml",
    }
)

URL_SCHEMES = frozenset({"http", "https", "mailto"})

_MATH_ATTRIBUTES = {tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS}

_BLOCK_ATTRIBUTES: dict[str, set[str]] = {
    **_MATH_ATTRIBUTES,
    "*": {"id"},
    "a": {"href", "data-jats-href"},
    "img": {"src", "alt", "data-jats-href"},
    "ol": {"type", "start"},
    "td": {"colspan", "rowspan", "align", "valign", "scope"},
    "th": {"colspan", "rowspan", "align", "valign", "scope"},
    "col": {"span", "align", "valign"},
    "colgroup": {"span", "align", "valign"},
}

_BLOCK_CLASSES: dict[str, set[str]] = {
    "a": set(LINK_CLASSES),
    "span": set(SPAN_CLASSES),
    **{tag: set(BLOCK_CLASSES) for tag in ("aside", "div", "figure", "img", "p", "section")},
}

_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """``data-jats-href`` is not a URL to the browser, but a later step turns it into one."""
    if name == "data-jats-href":
        scheme = _SCHEME.match(value)
        if scheme and scheme.group(1).lower() not in URL_SCHEMES:
            return None
    return value


_block_cleaner = nh3.Cleaner(
    tags=set(BLOCK_TAGS | INLINE_TAGS | MATHML_TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes=_BLOCK_ATTRIBUTES,
    tag_attribute_values={"a": {"rel": {"noopener", "noopener noreferrer"}}},
    allowed_classes=_BLOCK_CLASSES,
    attribute_filter=_filter_attribute,
    url_schemes=set(URL_SCHEMES),
    link_rel=None,
    strip_comments=True,
)

_inline_cleaner = nh3.Cleaner(
    tags=set(INLINE_TAGS | MATHML_TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes=dict(_MATH_ATTRIBUTES),
    allowed_classes={"span": {"sc", "overline"}},
    url_schemes=set(URL_SCHEMES),
    link_rel=None,
    strip_comments=True,
)

# What is left of a class attribute once every class in it was disallowed.
_EMPTY_CLASS = re.compile(r'(<[a-z][^<>]*?) class=""')
_SMALL_CAPS = re.compile(r"<(/?)sc(?=[\s/>])[^>]*>", re.IGNORECASE)


def _small_caps_to_span(html: str) -> str:
    return _SMALL_CAPS.sub(lambda m: "</span>" if m.group(1) else '<span class="sc">', html)


def sanitize_html(html: str) -> str:
    """Clean block HTML (article bodies, abstracts, notes) for display."""
    if not html:
        return ""
    return _EMPTY_CLASS.sub(r"\1", _block_cleaner.clean(_small_caps_to_span(html))).strip()


def sanitize_inline(html: str) -> str:
    """Clean one-line HTML (titles): character formatting and MathML only."""
    if not html:
        return ""
    return _EMPTY_CLASS.sub(r"\1", _inline_cleaner.clean(_small_caps_to_span(html))).strip()
