"""A reader in Chromium: the demo article page, its Related Research tabs, a RIS download."""

import shutil

import pytest

from masthead.catalog.demo.press import demo_journal, load_seed_article
from masthead.catalog.services import ImportSummary

SEED_DOI = "10.5555/jeea.2023.2265001"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def demo_article(transactional_db):
    load_seed_article(demo_journal(), ImportSummary())


def test_reader_switches_tabs_and_downloads_ris(live_server, demo_article, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/doi/abs/{SEED_DOI}")
    assert page.locator("h1").inner_text().startswith("From strategic partner to co-aggressor")
    assert page.get_by_text("USD 53.00").is_visible()

    people = page.get_by_role("tab", name="People also read")
    recommended = page.get_by_role("tab", name="Recommended articles")
    cited_by = page.get_by_role("tab", name="Cited by")
    assert people.get_attribute("aria-selected") == "true"
    assert not page.locator("#panel-recommended").is_visible()

    recommended.click()
    assert recommended.get_attribute("aria-selected") == "true"
    assert page.locator("#panel-recommended").is_visible()
    assert not page.locator("#panel-people-also-read").is_visible()

    recommended.focus()  # keyboard: the arrow key moves to the next tab
    page.keyboard.press("ArrowRight")
    assert cited_by.get_attribute("aria-selected") == "true"
    assert page.locator("#panel-cited-by").is_visible()
    assert page.evaluate("document.activeElement.id") == "tab-cited-by"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="RIS").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ris")
    text = open(download.path(), encoding="utf-8").read()
    assert text.startswith("TY  - JOUR")
    assert "AU  - Țicălău, Robert Gabriel" in text
    assert f"DO  - {SEED_DOI}" in text
