"""JATS <body> and <back> -> sanitised HTML.

Sections become ``<section id>`` with ``<h2>``/``<h3>``... by depth, figures
``<figure>`` with ``<figcaption>``, tables pass through inside a figure, and
graphics keep their file name in both ``src`` and ``data-jats-href`` (a later
step maps the name to a served URL). Paragraphs that hold block elements
(a figure or a display formula inside a <p>, as JATS allows) are split around them.
"""

from __future__ import annotations

from html import escape

from lxml import etree

from .render import InlineRenderer, attribute, id_attribute, text_html
from .safe_xml import local_name
from .sanitize import sanitize_html
from .xmltext import attr, child, children, entity_text, href, raw_text

BLOCKS = frozenset(
    {
        "p", "sec", "list", "def-list", "fig", "fig-group", "table-wrap", "table-wrap-group",
        "disp-quote", "boxed-text", "supplementary-material", "media", "disp-formula",
        "disp-formula-group", "chem-struct-wrap", "fn", "fn-group", "preformat", "code",
        "statement", "verse-group", "title", "attrib", "table", "array", "ack", "app",
        "app-group", "glossary", "notes", "ref-list", "speech",
    }
)  # fmt: skip
TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "th", "td", "col", "colgroup"})
TABLE_STRUCTURE = frozenset({"table", "thead", "tbody", "tfoot", "tr", "colgroup"})
TABLE_ATTRIBUTES = ("colspan", "rowspan", "align", "valign", "scope", "span")
ORDERED_LISTS = {"order": "", "alpha-lower": "a", "alpha-upper": "A", "roman-lower": "i"}
ORDERED_LISTS["roman-upper"] = "I"
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


class BodyRenderer(InlineRenderer):
    def __init__(self, level: int = 2, back_matter: bool = False):
        self.level = level  # heading level for the next section
        # In <back>, footnote groups become the article's notes and a competing-interests
        # section its disclosure, so neither is rendered again.
        self.skip = frozenset({"fn-group", "ref-list"}) if back_matter else frozenset()
        self.back_matter = back_matter

    def render(self, element: etree._Element) -> str:
        name = local_name(element)
        if name in self.skip:
            return ""
        if name in TABLE_PARTS or (name == "caption" and _parent_name(element) == "table"):
            return self.table_part(element, name)
        return super().render(element)

    def flow(self, element: etree._Element, skip: frozenset[str] | set[str] = frozenset()) -> str:
        """Content mixing text and blocks: runs of inline content become paragraphs."""
        out: list[str] = []
        run: list[str] = [text_html(element.text)]

        def flush() -> None:
            html = "".join(run).strip()
            if html:
                out.append(f"<p>{html}</p>")
            run.clear()

        for node in element:
            name = local_name(node)
            if name and name not in skip:
                if name in BLOCKS:
                    flush()
                    out.append(self.render(node))
                else:
                    run.append(self.render(node))
            elif node.tag is etree.Entity:
                run.append(text_html(entity_text(node)))
            run.append(text_html(node.tail))
        flush()
        return "".join(out)

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

    def render_p(self, element: etree._Element) -> str:
        return self.flow(element)

    def render_title(self, element: etree._Element) -> str:
        content = self.contents(element).strip()
        return f'<p class="title"><b>{content}</b></p>' if content else ""

    def render_attrib(self, element: etree._Element) -> str:
        return f'<p class="attrib">{self.contents(element).strip()}</p>'

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

    # -- figures, tables, files -------------------------------------------------------

    def caption(self, element: etree._Element) -> str:
        """Label, caption title and caption paragraphs (the inside of a figcaption)."""
        label = child(element, "label")
        caption = child(element, "caption")
        title = child(caption, "title") if caption is not None else child(element, "title")
        head = self.render_label(label) if label is not None else ""
        if title is not None:
            head += f'<span class="caption-title">{self.contents(title).strip()}</span>'
        parts = [f'<p class="caption-title">{head.strip()}</p>'] if head.strip() else []
        if caption is not None:
            parts.append(self.flow(caption, skip={"title"}))
        parts.extend(self.render_attrib(a) for a in children(element, "attrib"))
        return "".join(parts)

    def captioned(self, tag: str, css_class: str, element: etree._Element, body: str) -> str:
        caption = self.caption(element)
        if tag == "figure" and caption:
            caption = f"<figcaption>{caption}</figcaption>"
        opening = f'<{tag} class="{css_class}"{id_attribute(element)}>'
        return f"{opening}{caption}{body}</{tag}>"

    def render_fig(self, element: etree._Element) -> str:
        images = "".join(
            self.render(node)
            for node in children(element, "graphic", "alternatives", "media", "table")
        )
        caption = self.caption(element)
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f'<figure class="fig"{id_attribute(element)}>{images}{figcaption}</figure>'

    def render_fig_group(self, element: etree._Element) -> str:
        figures = "".join(self.render(fig) for fig in children(element, "fig"))
        return self.captioned("div", "fig-group", element, figures)

    def render_table_wrap(self, element: etree._Element) -> str:
        tables = "".join(
            self.render(node) for node in children(element, "table", "alternatives", "graphic")
        )
        foot = "".join(
            f'<div class="table-foot">{self.flow(node, skip={"title"})}</div>'
            for node in children(element, "table-wrap-foot")
        )
        return self.captioned("figure", "table-wrap", element, tables + foot)

    def render_table_wrap_group(self, element: etree._Element) -> str:
        tables = "".join(self.render(node) for node in children(element, "table-wrap"))
        return self.captioned("div", "table-wrap", element, tables)

    def table_part(self, element: etree._Element, name: str) -> str:
        attributes = "".join(attribute(key, attr(element, key)) for key in TABLE_ATTRIBUTES)
        if name in TABLE_STRUCTURE:  # only rows and cells inside; drop the indentation
            inner = "".join(self.render(node) for node in children(element))
        else:
            inner = self.contents(element)
        return f"<{name}{attributes}>{inner}</{name}>"

    def render_chem_struct_wrap(self, element: etree._Element) -> str:
        body = "".join(
            self.render(node)
            for node in children(element, "chem-struct", "graphic", "alternatives")
        )
        return self.captioned("figure", "chem-struct", element, body)

    def render_chem_struct(self, element: etree._Element) -> str:
        target = href(element)
        content = self.contents(element)
        if target:
            link = f'<a class="ext-link"{attribute("href", target)} rel="noopener">'
            return f"{content}<p>{link}{text_html(target)}</a></p>"
        return content

    def render_disp_formula(self, element: etree._Element) -> str:
        label = child(element, "label")
        marker = self.render_label(label) if label is not None else ""
        formula = self.contents(element, skip={"label"}).strip()
        return f'<div class="disp-formula"{id_attribute(element)}>{formula}{marker}</div>'

    def render_disp_formula_group(self, element: etree._Element) -> str:
        return f'<div class="disp-formula"{id_attribute(element)}>{self.flow(element)}</div>'

    def render_supplementary_material(self, element: etree._Element) -> str:
        return self.file_block(element, "supplementary-material")

    def render_media(self, element: etree._Element) -> str:
        return self.file_block(element, "media")

    def file_block(self, element: etree._Element, css_class: str) -> str:
        target = href(element) or next((href(m) for m in children(element, "media") if href(m)), "")
        link = ""
        if target:
            name = target.rstrip("/").rsplit("/", 1)[-1]
            link = (
                f'<p><a class="download"{attribute("href", target)}'
                f"{attribute('data-jats-href', target)}>{text_html(name)}</a></p>"
            )
        return self.captioned("div", css_class, element, link)


def _parent_name(element: etree._Element) -> str:
    parent = element.getparent()
    return local_name(parent) if parent is not None else ""


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
    element: etree._Element | None, skip: frozenset[str] = HEADED, level: int = 3
) -> str:
    """Block content of a front-matter element (abstract, note, bio) as sanitised HTML."""
    if element is None:
        return ""
    return sanitize_html(BodyRenderer(level=level).flow(element, skip=skip))
