"""A reader in Chromium on a rich eLife full text: citations, their previews, figures."""

import re
import shutil

import pytest

from masthead.catalog.services import Importer, ImportSummary
from masthead.jats.files import iter_jats_files
from tests.conftest import ELIFE, needs_elife

DOI = "10.7554/eLife.00666"

pytestmark = [
    pytest.mark.e2e,
    needs_elife,
    pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def kitchen_sink(transactional_db):
    Importer().import_all(iter_jats_files([ELIFE / "elife-00666.xml"]), ImportSummary())


def test_reader_follows_a_citation_previews_it_and_opens_a_figure(
    live_server, kitchen_sink, browser_page
):
    page = browser_page
    page.goto(f"{live_server.url}/doi/full/{DOI}")
    assert page.get_by_role("navigation", name="Contents").is_visible()

    citation = page.locator(".article-body a.xref-bibr").first
    target = citation.get_attribute("href")
    reference = page.locator(f"[id='{target[1:]}']")
    expected = re.sub(r"\s+", " ", reference.inner_text()).strip()

    citation.hover()
    preview = page.locator("#citation-preview")
    preview.wait_for(state="visible")
    assert re.sub(r"\s+", " ", preview.inner_text()).strip() == expected
    assert citation.get_attribute("aria-describedby") == "citation-preview"

    citation.click()
    page.wait_for_url(re.compile(re.escape(target) + "$"))
    assert reference.is_visible()
    assert reference.evaluate("e => e.closest('.reference-list') !== null")
    box = reference.bounding_box()
    assert box["y"] + box["height"] > 0 and box["y"] < page.viewport_size["height"]  # scrolled to

    page.keyboard.press("Escape")
    figure = page.locator("figure.fig[id='fig1']")
    assert figure.evaluate("e => getComputedStyle(e).position") != "fixed"
    figure.get_by_role("link", name="View larger").click()
    page.wait_for_url(re.compile("#fig1-view$"))
    assert figure.evaluate("e => getComputedStyle(e).position") == "fixed"
    close = figure.get_by_role("link", name="Close")
    assert close.is_visible()
    close.click()
    page.wait_for_url(re.compile("#fig1$"))
    assert figure.evaluate("e => getComputedStyle(e).position") != "fixed"
