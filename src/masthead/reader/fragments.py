"""The parts of article pages that change only when the article does, rendered once.

A fragment is cached under the article's stamp (`ArticleRef.stamp`: its version and the
change times of the article, its journal and its issue), so an import or an edit of any
of them makes the next request render it afresh; nothing needs to be purged, and any
process (or host, with Redis) can serve it. What changes per reader (the access box, metrics)
is never in a fragment.
"""

from django.core.cache import cache
from django.template.loader import render_to_string

from masthead.catalog.models import Article
from masthead.citations.export import FORMATS
from masthead.citations.page import reference_links
from masthead.reader.assets import asset_urls
from masthead.reader.full_text import add_backlinks, enhance
from masthead.reader.meta import head_tags

FRAGMENT_TTL = 24 * 3600
ARTICLE_PARTS = {"front": "reader/_article_front.html", "references": "reader/_references.html"}
FULL_TEXT_PARTS = {**ARTICLE_PARTS, "body": "reader/_full_text_body.html"}


def article_fragments(article: Article, stamp: str) -> dict[str, str]:
    """{"head": meta tags, "front": the article's own part of its page, "references"}."""
    return _fragments(article, f"reader:abs:{stamp}", ARTICLE_PARTS)


def full_text_fragment(article: Article, stamp: str) -> dict[str, str]:
    """The article page's fragments plus "body", the full text with its reading aids
    (`reader.full_text`: table of contents, note back-links, figure and file links)."""
    return _fragments(article, f"reader:full:{stamp}", FULL_TEXT_PARTS, full_text=True)


def _fragments(
    article: Article, key: str, templates: dict[str, str], full_text: bool = False
) -> dict[str, str]:
    parts = cache.get(key)
    if parts is None:
        contributors = list(article.contributors.all())
        references = list(article.references.all())
        links = reference_links(references) if article.pk else {}
        for reference in references:
            reference.links = links.get(reference.pk)
        context = {
            "article": article,
            "contributors": contributors,
            "references": references,
            "bios": [c for c in contributors if c.bio_html],
            "formats": FORMATS,
        }
        enhanced = None
        if full_text:
            urls = asset_urls(article) if article.pk else {}
            enhanced = enhance(article.body_html, article.back_html, urls)
            context["full_text"] = enhanced
        parts = {name: render_to_string(t, context) for name, t in templates.items()}
        if enhanced is not None and enhanced.backlinks:  # notes in the front matter
            parts["front"] = add_backlinks(parts["front"], enhanced.backlinks)
        parts["head"] = head_tags(article, contributors, references)
        cache.set(key, parts, FRAGMENT_TTL)
    return parts
