"""A reader in Chromium finds articles with the site search (header box, the journal's
own box, a filter) and signs up for a journal's new-issue alerts, which My alerts lists."""

import shutil

import pytest

from masthead.access import accounts
from masthead.catalog.services import Importer, ImportSummary
from masthead.jats.files import iter_jats_files
from tests.conftest import ELIFE, needs_elife

PASSWORD = "correct horse battery staple 9"

pytestmark = [
    pytest.mark.e2e,
    needs_elife,
    pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def elife(transactional_db):
    files = sorted(p for p in ELIFE.glob("*.xml") if "kitchen" not in p.name)
    Importer().import_all(iter_jats_files(files), ImportSummary())  # indexed after commit


def test_reader_searches_from_the_header_and_opens_the_article(live_server, elife, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/journals/")
    box = page.get_by_role("search", name="All journals").get_by_role("searchbox")
    box.fill("herbivory volatiles fitness")
    box.press("Enter")
    page.wait_for_url("**/search?**")
    hits = page.locator("ol.search-hits > li")
    assert hits.count() >= 1
    first = hits.first
    assert "Herbivory-induced volatiles" in first.locator("h3").inner_text()
    assert first.locator("mark").count() >= 1  # the words found are highlighted
    assert "Open access" in first.inner_text()
    first.locator("h3 a").click()
    page.wait_for_url("**/doi/abs/10.7554/eLife.00007")
    assert "Herbivory-induced volatiles" in page.locator("h1").first.inner_text()


def test_hostile_search_is_a_page_not_an_error(live_server, elife, browser_page):
    page = browser_page
    response = page.goto(f"{live_server.url}/search?q=%22%29+NEAR%28x+OR+%27%3B+DROP+TABLE+a%3B--")
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Search"
    assert "DROP TABLE" in page.locator("#results-heading").inner_text()  # echoed, escaped


@pytest.fixture
def verified_reader(transactional_db):
    accounts.mark_email_verified(accounts.create_reader("reader@example.org", PASSWORD))


def test_reader_searches_one_journal_and_subscribes_to_its_alerts(
    live_server, elife, verified_reader, browser_page
):
    page = browser_page
    page.goto(f"{live_server.url}/journals/elife")
    page.get_by_label("Search this journal").fill("polycomb")
    page.get_by_role("search", name="This journal").get_by_role("button").click()
    page.wait_for_url("**/search?**")
    assert "in eLife" in page.get_by_role("heading", level=1).inner_text()
    assert "polycomb repressive complex 2" in page.locator("ol.search-hits").inner_text()

    page.goto(f"{live_server.url}/journals/elife")
    page.get_by_role("link", name="Get new-issue alerts").click()
    page.wait_for_url("**/login/**")  # anonymous: sign in first, then back
    page.get_by_label("E-mail").fill("reader@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/alerts/subscribe?journal=elife")
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server.url}/alerts/")
    assert "eLife" in page.locator("main").inner_text()
