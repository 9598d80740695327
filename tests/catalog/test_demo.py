"""The demo press: the seed article as the seed page shows it; loading twice changes nothing."""

import datetime
import io

import pytest
from django.core.management import call_command

from masthead.catalog.models import Article, Contributor, Issue, Journal, Reference
from masthead.commerce.models import Offer
from tests.conftest import SHARED, needs_elife

pytestmark = [pytest.mark.django_db, needs_elife]
SEED_DOI = "10.5555/jeea.2023.2265001"


def load() -> str:
    out = io.StringIO()
    call_command("load_demo", "--no-pubmed", "--quiet", "--shared", str(SHARED), stdout=out)
    return out.getvalue()


def snapshot():
    return [m.objects.count() for m in (Journal, Issue, Article, Contributor, Reference, Offer)]


def test_load_demo_is_idempotent():
    first = load()
    assert "seed article: 1 imported" in first and "eLife full texts: " in first
    counts = snapshot()
    second = load()
    assert "seed article: 0 imported, 0 updated, 1 unchanged" in second
    assert snapshot() == counts


def test_seed_article_is_the_seed_page(client):
    load()
    article = Article.objects.get(doi=SEED_DOI)
    assert article.section == "Forum" and (article.first_page, article.last_page) == ("703", "717")
    assert str(article.published_online) == "2023-10-05" and not article.is_open_access
    html = client.get(f"/doi/abs/{SEED_DOI}").content.decode()
    for text in (
        "Forum",
        "From strategic partner to co-aggressor: Russia’s attempts to lure Belarus",
        "Pages 703-717",
        "Published online: 05 Oct 2023",
        "Although Belarus is one of Russia",
        "Disclosure statement",
        "No potential conflict of interest was reported by the author(s).",
        "In his speech to the National Assembly on January 28, 2022",
        "In a speech three days after the outbreak of war",
        "EEA Grants 2014-2021",
        "contract no. 35/2021",
        "Notes on contributors",
        "Robert Gabriel Țicălău",
        "Research Assistant at the Romanian Center for Russian Studies",
        "48 hours access to article PDF &amp; online version",
        "USD 53.00",
        "30 days online access to complete issue",
        "USD 577.00",
    ):
        assert text in html, text
    assert html.count("Disclosure statement") == 1  # not repeated among the notes
    home = client.get("/").content.decode()
    assert home.index("Our journals") < home.index('href="/journals/jeea"')
    assert 'href="/journals/elife"' in home


def test_demo_university_reads_on_campus(client, settings):
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]
    load()
    campus = client.get(f"/doi/abs/{SEED_DOI}", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert "Access provided by <strong>Demo University</strong>" in campus.content.decode()
    away = client.get(f"/doi/abs/{SEED_DOI}", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert "USD 53.00" in away.content.decode()


def test_demo_has_a_year_of_usage_and_the_readme_sushi_credentials(client):
    load()
    from masthead.usage.models import Event

    events = Event.objects.count()
    assert events > 1000
    html = client.get(f"/doi/abs/{SEED_DOI}").content.decode()
    views = int(html.split('metric-views"><strong>')[1].split("<")[0].replace(",", ""))
    assert 150 < views < 400  # the seed page shows 213; the demo's year is about that
    load()
    assert Event.objects.count() == events + 1  # loaded once; the +1 is the page view above
    month = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    for customer, requestor, key, institution in (
        ("demo-university", "demo-library", "demo-university-key", "Demo University"),
        ("0000000000000000", "demo-publisher", "demo-world-key", "The World"),
    ):
        params = {"customer_id": customer, "requestor_id": requestor, "api_key": key,
                  "begin_date": month, "end_date": month}  # fmt: skip
        report = client.get("/sushi/r51/reports/tr_j1", params).json()
        assert report["Report_Header"]["Institution_Name"] == institution
        assert report["Report_Items"], report["Report_Header"].get("Exceptions")
