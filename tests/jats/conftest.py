"""Shared helpers for the JATS/PubMed parser tests (no Django needed)."""

from __future__ import annotations

import pytest

JATS_NAMESPACES = (
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:mml="http://www.w3.org/1998/Math/MathML" '
    'xmlns:ali="http://www.niso.org/schemas/ali/1.0/"'
)


def jats_article(
    meta: str = "",
    body: str = "",
    back: str = "",
    title: str = "A title",
    journal_meta: str = (
        "<journal-title-group><journal-title>J Test</journal-title></journal-title-group>"
    ),
    attributes: str = 'article-type="research-article"',
) -> bytes:
    """A small JATS article; ``meta`` goes after the title-group in article-meta."""
    body_xml = f"<body>{body}</body>" if body else ""
    back_xml = f"<back>{back}</back>" if back else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<article {JATS_NAMESPACES} {attributes}>\n"
        f"<front><journal-meta>{journal_meta}</journal-meta>\n"
        f"<article-meta><title-group><article-title>{title}</article-title></title-group>\n"
        f"{meta}</article-meta></front>\n"
        f"{body_xml}{back_xml}</article>\n"
    ).encode()


@pytest.fixture
def make_jats():
    """The ``jats_article`` builder, for tests that write their own small articles."""
    return jats_article
