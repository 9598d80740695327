"""SLOW: every eLife sample rendered to PDF once per session (about half a minute on two
cores), then checked: title, first author, DOI and last reference in the text, pages."""

import io
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor

import pytest
from django.db import transaction
from pypdf import PdfReader

from masthead.catalog.demo.press import load_jats_directory
from masthead.catalog.models import Article
from masthead.catalog.services import ImportSummary
from masthead.pdf.render import article_html, figure_files, html_to_pdf
from tests.conftest import ELIFE, needs_elife

pytestmark = [pytest.mark.slow, needs_elife]


def _words(text: str) -> str:
    """Text without hyphenation, line breaks or spacing, for containment checks."""
    return re.sub(r"[\s\u2010\u00ad-]+", "", text).lower()


def _distinctive(text: str) -> str:
    """40 characters from the middle of a reference: long enough to be that reference's own."""
    squeezed = _words(text)
    middle = max(0, len(squeezed) // 2 - 20)
    return squeezed[middle : middle + 40]


_RENDERED: dict[str, dict] = {}  # once per session: the first test to ask fills it


@pytest.fixture
def elife_pdfs(db):
    """doi -> facts and the rendered PDF's text, for every eLife sample with full text.

    Imported in the asking test's transaction (rolled back after it); rendered once."""
    if not _RENDERED:
        _RENDERED.update(_render_all())
    return _RENDERED


def _render_all() -> dict[str, dict]:
    jobs, facts = [], {}
    with transaction.atomic():
        load_jats_directory(ELIFE, ImportSummary())
        for article in Article.objects.exclude(body_html="").order_by("doi"):
            files = figure_files(article)
            jobs.append((article.doi, article_html(article, files), files))
            first = article.contributors.filter(role="author").exclude(surname="").first()
            last = article.references.order_by("-position").first()
            facts[article.doi] = {
                "title": article.title,
                "surname": first.surname if first else "",
                "last_reference": last.original_text if last else "",
                "body_length": len(article.body_html) + len(article.back_html),
            }
        transaction.set_rollback(True)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        dois = [doi for doi, _, _ in jobs]
        pdfs = pool.map(html_to_pdf, [html for _, html, _ in jobs], [f for _, _, f in jobs])
        for doi, pdf in zip(dois, pdfs, strict=True):
            reader = PdfReader(io.BytesIO(pdf))
            facts[doi]["pages"] = len(reader.pages)
            facts[doi]["text"] = "\n".join(page.extract_text() for page in reader.pages)
    return facts


def test_every_sample_renders(elife_pdfs):
    assert len(elife_pdfs) >= 20
    for doi, facts in elife_pdfs.items():
        text = _words(facts["text"])
        assert facts["pages"] >= 1, doi
        assert _words(facts["title"])[:60] in text, doi
        assert _words(facts["surname"]) in text, doi
        assert doi.lower() in text, doi
        if facts["last_reference"]:
            assert _words(_distinctive(facts["last_reference"])) in text, doi


def test_page_count_grows_with_the_body(elife_pdfs):
    by_length = sorted(elife_pdfs.values(), key=lambda f: f["body_length"])
    shortest, longest = by_length[0], by_length[-1]
    assert longest["pages"] > shortest["pages"]
    # Roughly monotone: the longer half averages more pages than the shorter half.
    half = len(by_length) // 2
    short = sum(f["pages"] for f in by_length[:half]) / half
    long = sum(f["pages"] for f in by_length[half:]) / (len(by_length) - half)
    assert long > short
