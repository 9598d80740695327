"""Block-level JATS -> HTML: the paragraph splitter, figures, tables and attached files.

Figures become ``<figure>`` with a ``<figcaption>``, tables pass through inside a
figure, and graphics and files keep their name in both ``src``/``href`` and
``data-jats-href`` (a later step maps the name to a served URL). Paragraphs that
hold block elements (a figure or a display formula inside a <p>, as JATS allows)
are split around them.
"""

from __future__ import annotations

from lxml import etree

from .render import InlineRenderer, attribute, id_attribute, text_html
from .safe_xml import local_name
from .xmltext import attr, child, children, entity_text, href

BLOCKS = frozenset(
    {
        "p",
        "sec",
        "list",
        "def-list",
        "fig",
        "fig-group",
        "table-wrap",
        "table-wrap-group",
        "disp-quote",
        "boxed-text",
        "supplementary-material",
        "media",
        "disp-formula",
        "disp-formula-group",
        "chem-struct-wrap",
        "fn",
        "fn-group",
        "preformat",
        "code",
        "statement",
        "verse-group",
        "title",
        "attrib",
        "table",
        "array",
        "ack",
        "app",
        "app-group",
        "glossary",
        "notes",
        "ref-list",
        "speech",
    }
)
TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "th", "td", "col", "colgroup"})
TABLE_STRUCTURE = frozenset({"table", "thead", "tbody", "tfoot", "tr", "colgroup"})
TABLE_ATTRIBUTES = ("colspan", "rowspan", "align", "valign", "scope", "span")


class BlockRenderer(InlineRenderer):
    """Inline rendering plus paragraphs, figures, tables and files."""

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

    def render_p(self, element: etree._Element) -> str:
        return self.flow(element)

    def render_title(self, element: etree._Element) -> str:
        content = self.contents(element).strip()
        return f'<p class="title"><b>{content}</b></p>' if content else ""

    def render_attrib(self, element: etree._Element) -> str:
        return f'<p class="attrib">{self.contents(element).strip()}</p>'

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
        # eLife puts a figure's source data and code in <p>s after the graphic.
        extras = "".join(
            self.render(node) for node in children(element, "p", "supplementary-material")
        )
        body = f"{images}{figcaption}{extras}"
        return f'<figure class="fig"{id_attribute(element)}>{body}</figure>'

    def render_fig_group(self, element: etree._Element) -> str:
        # Figure supplements and the videos that belong to the group (eLife's fig3video1).
        figures = "".join(self.render(fig) for fig in children(element, "fig", "media"))
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
        marker = self.render_label(label).strip() if label is not None else ""
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
