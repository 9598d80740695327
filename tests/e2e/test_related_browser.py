"""A reader in Chromium: the Related Research tabs of a real eLife article, the reasons
shown, the More page, and following a recommendation to its article page."""

import shutil

import pytest

from masthead.catalog.services import Importer, ImportSummary
from masthead.citations.corpus import refresh_corpus
from masthead.jats.files import iter_jats_files
from masthead.related.build import rebuild
from tests.conftest import ELIFE, needs_elife

ARTICLE = "10.7554/eLife.00007"

pytestmark = [
    pytest.mark.e2e,
    needs_elife,
    pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def elife(transactional_db):
    files = sorted(p for p in ELIFE.glob("*.xml") if "kitchen" not in p.name)
    Importer().import_all(iter_jats_files(files), ImportSummary())
    refresh_corpus()
    rebuild()


def test_reader_opens_recommendations_and_follows_one(live_server, elife, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/doi/abs/{ARTICLE}")
    page.get_by_role("tab", name="Recommended articles").click()
    panel = page.get_by_role("tabpanel", name="Recommended articles")
    assert panel.is_visible()
    items = panel.locator("li.related-item")
    assert items.count() == 5
    reasons = panel.locator(".reason").all_inner_texts()
    assert all(r.startswith(("Similar topic", "Shares", "Cites", "Cited")) for r in reasons)
    assert panel.locator("cite").first.inner_text() == "eLife"
    # Nobody has read anything yet: People also read says where its list comes from.
    page.get_by_role("tab", name="People also read").click()
    also = page.get_by_role("tabpanel", name="People also read")
    assert "Too few readers yet" in also.inner_text()

    page.get_by_role("tab", name="Recommended articles").click()
    panel.get_by_role("link", name="More").click()
    page.wait_for_url("**/doi/related/**")
    assert page.locator("li.related-item").count() > 5
    first = page.locator("a.related-title").first
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/doi/abs/**")
    assert page.locator("h1").first.inner_text().strip() == title.strip()
