"""A reader in Chromium: the citation count, the Cited-by tab, and a reference that leads
to the cited article hosted here (two real eLife articles: 04490 cites 00007)."""

import shutil

import pytest

from masthead.catalog.services import Importer, ImportSummary
from masthead.citations.corpus import refresh_corpus
from masthead.jats.files import iter_jats_files
from tests.conftest import ELIFE, needs_elife

CITED, CITING = "10.7554/eLife.00007", "10.7554/eLife.04490"

pytestmark = [
    pytest.mark.e2e,
    needs_elife,
    pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def two_elife_articles(transactional_db):
    files = [ELIFE / "elife00007.xml", ELIFE / "elife04490.xml"]
    Importer().import_all(iter_jats_files(files), ImportSummary())
    refresh_corpus()


def test_reader_sees_who_cites_and_follows_a_reference_home(
    live_server, two_elife_articles, browser_page
):
    page = browser_page
    page.goto(f"{live_server.url}/doi/abs/{CITED}")
    metric = page.locator(".metric-citations")
    assert metric.inner_text().split()[0] == "1"
    page.get_by_role("tab", name="Cited by").click()
    panel = page.get_by_role("tabpanel", name="Cited by")
    assert panel.is_visible()
    citing = panel.locator("a.citing-title")
    assert citing.count() == 1
    citing.click()
    page.wait_for_url(f"**/doi/abs/{CITING}")
    home = page.locator("ol.reference-list a.ref-hosted").first
    home.scroll_into_view_if_needed()
    home.click()
    page.wait_for_url(f"**/doi/abs/{CITED}")
    assert page.locator("h1").first.is_visible()
