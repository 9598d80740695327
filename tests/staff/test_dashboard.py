"""The back-office dashboard: the numbers it shows, who sees which section, and its cost."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone
from lxml import html as lxml_html

from masthead.access.models import Institution
from masthead.catalog.models import Article, Issue, Journal, Publisher
from masthead.citations.models import CitationSummary
from masthead.commerce.models import Order, OrderStatus
from masthead.usage.dashboard import closed_months
from masthead.usage.models import DailyUsage
from masthead.usage.months import month_key, next_month
from tests.usage.rollups import daily_usage

pytestmark = pytest.mark.django_db

URL = "/back-office/"
TII, UII = "Total_Item_Investigations", "Unique_Item_Investigations"
TIR, UIR = "Total_Item_Requests", "Unique_Item_Requests"
NO_LICENSE, LIMIT_EXCEEDED = "No_License", "Limit_Exceeded"
HOSTILE = '<script>alert("x")</script> Hostile'
SECTIONS = ("usage-heading", "articles-heading", "denials-heading")
ROLE_SECTIONS = {
    "Production editor": {"citations-heading", "jobs-heading"},
    "Sales manager": {"sales-heading"},
    "Customer manager": set(SECTIONS),
    "Platform admin": {*SECTIONS, "sales-heading", "citations-heading", "jobs-heading"},
}
ALL_SECTIONS = set().union(*ROLE_SECTIONS.values())

FIRST, LAST = closed_months(timezone.now().date())
OPEN_MONTH = next_month(LAST)  # this month: not closed, never shown


def day(month: dt.date, n: int = 3) -> dt.date:
    return month.replace(day=n)


def paid_at(month: dt.date) -> dt.datetime:
    return dt.datetime(month.year, month.month, 5, 12, tzinfo=dt.UTC)


def use(article, when, metric, count, *, institution=None, method="Regular"):
    return daily_usage(
        when, article.pk, metric, count, title_id=article.journal_id,
        institution_id=institution.pk if institution else None, access_method=method,
    )  # fmt: skip


_orders = itertools.count(1)


def order(seller, user, *, currency="USD", net=5300, tax=371, status=OrderStatus.PAID, when=LAST):
    n = next(_orders)
    return Order(
        public_id=f"ORD-{n}", idempotency_key=f"key-{n}", user=user, seller=seller,
        email="buyer@example.org", billing_country="DE", currency=currency,
        subtotal_minor=net, tax_minor=tax, total_minor=net + tax, status=status,
        provider="demo", paid_at=paid_at(when) if status != OrderStatus.PENDING else None,
    )  # fmt: skip


def table(page, table_id: str) -> list[list[str]]:
    """The body rows of a table, as the text of each cell."""
    tree = lxml_html.fromstring(page)
    rows = tree.xpath(f'//table[@id="{table_id}"]/tbody/tr')
    return [[" ".join(c.text_content().split()) for c in row.xpath("th|td")] for row in rows]


def shown_sections(page: str) -> set[str]:
    tree = lxml_html.fromstring(page)
    return {h.get("id") for h in tree.xpath("//h2[@id]")} & ALL_SECTIONS


@pytest.fixture
def data(journal, make_article, seller, django_user_model):
    """Three articles with usage in the last closed month, turnaways from two
    institutions, paid and refunded orders, and citations."""
    popular = make_article(title="Popular article")
    second = make_article(title="Second article")
    hostile = make_article(title=HOSTILE)
    north = Institution.objects.create(name="North University")
    south = Institution.objects.create(name="South College")
    DailyUsage.objects.bulk_create(
        [
            use(popular, day(LAST, 3), TIR, 60),
            use(popular, day(LAST, 4), TIR, 10),
            use(popular, day(LAST, 4), UII, 41),
            use(second, day(LAST, 9), TIR, 45),
            use(second, day(LAST, 9), UII, 30),
            use(hostile, day(FIRST, 2), TIR, 5),
            use(hostile, day(FIRST, 2), UII, 2),
            # An institution's share of the same usage: not added again.
            use(popular, day(LAST, 3), TIR, 60, institution=north),
            # Text and data mining, and this month's usage: not on the dashboard.
            use(second, day(LAST, 9), TIR, 5000, method="TDM"),
            use(second, day(OPEN_MONTH, 1), TIR, 9000),
            # Turnaways.
            use(popular, day(LAST, 5), NO_LICENSE, 30, institution=north),
            use(second, day(LAST, 6), NO_LICENSE, 8, institution=north),
            use(popular, day(FIRST, 6), LIMIT_EXCEEDED, 4, institution=north),
            use(second, day(LAST, 7), NO_LICENSE, 12, institution=south),
            use(popular, day(LAST, 5), NO_LICENSE, 55),
            use(popular, day(FIRST, 6), LIMIT_EXCEEDED, 4),
            use(second, day(LAST, 6), NO_LICENSE, 20),
        ]
    )
    buyer = django_user_model.objects.create_user("buyer", password="x" * 16)
    Order.objects.bulk_create(
        [
            order(seller, buyer),
            order(seller, buyer, net=10000, tax=700),
            order(seller, buyer, net=2000, tax=140, status=OrderStatus.REFUNDED),
            order(seller, buyer, currency="EUR", net=4000, tax=760),
            order(seller, buyer, net=99900, tax=0, status=OrderStatus.PENDING),
            order(seller, buyer, net=88800, tax=0, when=OPEN_MONTH),
        ]
    )
    CitationSummary.objects.create(article=second, cited_by=7)
    CitationSummary.objects.create(article=popular, cited_by=3)
    CitationSummary.objects.create(article=hostile, cited_by=1)
    return {"popular": popular, "second": second, "hostile": hostile, "north": north}


def test_usage_numbers_are_the_rollups_of_the_closed_months(client, login_as, data):
    page = login_as("Platform admin").get(URL).content.decode()
    months = table(page, "usage-months")
    assert len(months) == 12
    assert months[0] == [month_key(FIRST), "5", "2"]
    assert months[-1] == [month_key(LAST), "115", "71"]  # Total_Item_Requests, Unique_Item_Inv.
    assert f'data-month="{month_key(LAST)}" data-value="115"' in page  # the chart says so too
    assert "9000" not in page and "5115" not in page  # the open month and TDM are left out
    assert f"{FIRST:%B %Y} to {LAST:%B %Y}" in page


def test_top_articles_are_ranked_and_link_to_their_usage_page(login_as, data):
    page = login_as("Platform admin").get(URL).content.decode()
    rows = table(page, "top-articles")
    assert [row[0].split(" 10.5555")[0] for row in rows] == [
        "Popular article",
        "Second article",
        HOSTILE,
    ]
    assert rows[0][1:] == ["70", "41"]
    link = f'href="/back-office/usage/article/{data["popular"].pk}/?begin={month_key(FIRST)}'
    assert link in page


def test_denials_per_institution_and_per_journal(login_as, data):
    page = login_as("Customer manager").get(URL).content.decode()
    institutions = table(page, "denials-institutions")
    assert institutions[0][:4] == ["North University", "38", "4", "42"]
    assert "Test Journal (42)" in institutions[0][4]
    assert institutions[1][:4] == ["South College", "12", "0", "12"]
    assert f'href="/back-office/usage/?customer={data["north"].pk}&amp;begin=' in page
    assert table(page, "denials-journals") == [["Test Journal", "75", "4", "79"]]


def test_a_months_revenue_with_refunds_apart(login_as, data):
    page = login_as("Sales manager").get(URL).content.decode()
    rows = table(page, "sales-months")
    month = f"{LAST:%B %Y}"
    assert [month, "EUR", "1", "EUR 40.00", "EUR 47.60", "0", "EUR 0.00"] in rows
    # Two orders kept (53.00 + 100.00 before tax); the refunded 21.40 is apart, not revenue.
    assert [month, "USD", "2", "USD 153.00", "USD 163.71", "1", "USD 21.40"] in rows
    assert len(rows) == 2  # no pending order, nothing from the open month
    assert "888.00" not in page and "999.00" not in page


def test_citations_total_and_most_cited(login_as, data):
    page = login_as("Production editor").get(URL).content.decode()
    total = lxml_html.fromstring(page).get_element_by_id("cited-by-total").text_content()
    assert " ".join(total.split()) == "Cited by, all articles: 11 citations of 3 articles."
    rows = table(page, "most-cited")
    assert rows[0][0].startswith("Second article") and rows[0][2] == "7"
    assert [row[2] for row in rows] == ["7", "3", "1"]
    assert f'href="/doi/citedby/{data["second"].doi}"' in page


@pytest.mark.parametrize("role", sorted(ROLE_SECTIONS))
def test_each_role_sees_its_sections_only(login_as, data, role):
    response = login_as(role).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert shown_sections(page) == ROLE_SECTIONS[role]
    if "sales-heading" not in ROLE_SECTIONS[role]:
        assert "USD 153.00" not in page and "/back-office/sales/" not in page
    if "usage-heading" not in ROLE_SECTIONS[role]:
        assert "North University" not in page and "/back-office/usage/" not in page
    assert 'href="/admin/"' in page


def test_staff_without_a_section_are_refused(login_as, data):
    response = login_as(None).get(URL)
    assert response.status_code == 403
    assert b"North University" not in response.content


def test_readers_and_anonymous_visitors_go_to_the_login(client, django_user_model, data):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 16))
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_hostile_title_renders_inert(login_as, data):
    page = login_as("Platform admin").get(URL).content.decode()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Hostile" in page


def test_nothing_to_show_yet(login_as, db):
    page = login_as("Platform admin").get(URL).content.decode()
    for empty in (
        "No article usage in these months.",
        "No institution's readers were turned away in these months.",
        "No sales in these months.",
        "No citations found yet.",
    ):
        assert empty in page
    assert 'data-value="0"' in page and 'data-value="1"' not in page
    assert "Jobs" not in page  # the jobs panel's place renders nothing until it is filled


def _catalogue(tag: str, journals: int, articles: int, seller, buyer) -> None:
    """Several journals with many articles, a year of rollups, turnaways from many
    institutions, orders every month and citations."""
    publisher = Publisher.objects.first() or Publisher.objects.create(name="Press")
    institutions = Institution.objects.bulk_create(
        Institution(name=f"Institution {tag}{i}") for i in range(15)
    )
    rows, summaries, orders = [], [], []
    months = [FIRST]
    while months[-1] < LAST:
        months.append(next_month(months[-1]))
    for j in range(journals):
        code = f"{tag}{j}"
        journal = Journal.objects.create(publisher=publisher, code=code, title=f"Journal {code}")
        issue = Issue.objects.create(journal=journal, volume="1", number="1", year=2025)
        made = Article.objects.bulk_create(
            Article(
                journal=journal,
                issue=issue,
                doi=f"10.5555/{code}.{a}",
                doi_key=f"10.5555/{code}.{a}",
                title=f"A {code}.{a}",
            )  # fmt: skip
            for a in range(articles)
        )
        for a, article in enumerate(made):
            summaries.append(CitationSummary(article=article, cited_by=a % 9))
            for month in months:
                for metric, count in ((TIR, a + 1), (UII, a), (TII, a + 2)):
                    rows.append(use(article, day(month), metric, count))
                inst = institutions[a % len(institutions)]
                rows.append(use(article, day(month), NO_LICENSE, 1, institution=inst))
                rows.append(use(article, day(month), LIMIT_EXCEEDED, 1, institution=inst))
                rows.append(use(article, day(month), NO_LICENSE, 2))
    for month in months:
        for currency in ("USD", "EUR", "GBP"):
            orders.append(order(seller, buyer, currency=currency, when=month))
            orders.append(order(seller, buyer, status=OrderStatus.REFUNDED, when=month))
    DailyUsage.objects.bulk_create(rows, batch_size=2000)
    CitationSummary.objects.bulk_create(summaries)
    Order.objects.bulk_create(orders)


# The session, the user and their permissions (4); usage: the chart, the top articles and
# their titles, turnaways per institution, per journal, per institution and journal, the
# journals' and institutions' names (8); sales (1); citations: the total and the top (2);
# jobs: the queue, failures, running, imports, the schedule's last runs (5).
QUERIES = 20


def test_queries_stay_fixed_whatever_the_data(
    login_as, seller, django_user_model, django_assert_max_num_queries
):
    client = login_as("Platform admin")
    buyer = django_user_model.objects.create_user("buyer", password="x" * 16)
    _catalogue("small", journals=1, articles=2, seller=seller, buyer=buyer)
    with django_assert_max_num_queries(QUERIES):
        small = client.get(URL)
    _catalogue("large", journals=4, articles=60, seller=seller, buyer=buyer)
    with django_assert_max_num_queries(QUERIES):
        large = client.get(URL)
    assert small.status_code == large.status_code == 200
    assert len(table(large.content.decode(), "top-articles")) == 10
    assert len(table(large.content.decode(), "denials-institutions")) == 10
