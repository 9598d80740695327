"""A reader in Chromium buys 48 hours of an article with the demo payment provider, reads
it, and loses the full text when the 48 hours are over.

The whole flow runs against the live server with the real demo provider: the article
page's "Add to cart", the cart's tax for the chosen country, checkout as a guest (an
account is made for the e-mail), the demo provider's hosted payment page with the test
card, its signed notification, and the way back to the article. The end of the access
period is reached by moving the grant's end into the past in the database (the live
server and this test share it), not by waiting.

The PDF is fetched with the browser's own session while the grant runs (a stamped
PDF naming the buyer) and refused after it ends.

Screenshots of the cart and of the access box go to /tmp/shop-*.png for a human to look
at; nothing is asserted about them.
"""

import datetime
import io
import shutil

import pytest
from django.db import connections
from django.utils import timezone
from pypdf import PdfReader

from masthead.access.models import Grant
from masthead.commerce.models import Order
from masthead.commerce.tax_rates import load_rates
from tests.e2e.browser import launch

BODY_TEXT = "The whole text of the article, for paying readers only."
# A desktop browser's user agent, not HeadlessChrome's: the reader is a person.
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("chromium"), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop in this thread, and Django refuses ORM
    # calls from a thread with a running loop. The test's own ORM calls (reading the
    # order, moving the grant's end) are plain synchronous code, so allow them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(
            user_agent=USER_AGENT, viewport={"width": 1200, "height": 900}
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        # The ORM calls made while Playwright ran opened a connection of their own (not the
        # test's); close it, or PostgreSQL cannot drop the test database afterwards.
        connections.close_all()
        context.close()
        browser.close()


@pytest.fixture
def article_for_sale(seller, make_article):
    """An article with its full text, of a journal whose publisher sells (a UK seller
    charging VAT by the buyer's country: the `seller` fixture).

    The tax rates are loaded again from the shipped table: a data migration loads them,
    but an earlier transactional test's flush (the article page's e2e test) empties the
    table, and without a rate the cart would say "No tax"."""
    load_rates()
    return make_article(body_html=f"<p>{BODY_TEXT}</p>")


def test_reader_buys_48_hours_reads_and_is_refused_after(
    live_server, article_for_sale, browser_page
):
    page = browser_page
    article = article_for_sale
    article_url = f"{live_server.url}{article.get_absolute_url()}"

    # The article page: paywalled, with the two offers.
    page.goto(article_url)
    box = page.locator(".access-box")
    assert "Access options" in box.inner_text()
    assert not page.get_by_role("link", name="Read the full article").count()
    offer = page.locator(".offer-article").filter(has_text="48 hours")
    assert "USD 53.00" in offer.inner_text()
    offer.get_by_role("button", name="Add to cart").click()

    # The cart: one line; the tax appears once the reader says where they are.
    page.wait_for_url(f"{live_server.url}/cart*")
    assert page.locator("h1").inner_text() == "Your cart"
    assert page.locator(".cart-line").count() == 1
    assert "Cart (1)" in page.locator(".cart-link").inner_text()
    page.select_option("#id_country", label="Germany")
    page.get_by_role("button", name="Update").click()
    page.wait_for_url("**/cart?country=DE")
    assert "VAT 7% (DE)" in page.locator(".tax-line").inner_text()
    assert "USD 3.71" in page.locator(".tax-line").inner_text()
    assert "USD 56.71" in page.locator("tr.total").inner_text()
    page.screenshot(path="/tmp/shop-cart.png", full_page=True)

    # Checkout as a guest.
    page.get_by_role("link", name="Checkout").click()
    page.wait_for_url("**/checkout*")
    page.fill("#id_email", "browser.reader@example.org")
    page.fill("#id_name", "A. Browser Reader")
    page.select_option("#id_country", "DE")
    page.get_by_role("button", name="Continue to payment").click()

    # The demo provider's payment page: the total with German VAT, paid with the test card.
    page.wait_for_url("**/pay/demo/*")
    assert page.locator("#pay-heading").inner_text() == "Demo payment"
    assert page.locator(".amount").inner_text() == "USD 56.71"
    page.fill("#card", "4242 4242 4242 4242")
    page.get_by_role("button", name="Pay USD 56.71").click()

    # Back on the article page, with access and the time left.
    page.wait_for_url(article_url)
    box = page.locator(".access-box")
    assert "You have purchased access to this article." in box.inner_text()
    time_left = page.locator(".access-box .time-left").inner_text()
    assert "hours left" in time_left, time_left
    assert "is paid" in page.locator(".messages").inner_text()
    box.screenshot(path="/tmp/shop-access-box.png")

    order = Order.objects.get()
    assert (order.status, order.total_minor, order.email) == (
        "paid",
        5671,
        "browser.reader@example.org",
    )
    grant = Grant.objects.get(order_line__order=order)
    assert grant.ends_at - grant.starts_at == datetime.timedelta(hours=48)

    # The full text opens.
    page.get_by_role("link", name="Read the full article").click()
    page.wait_for_url(f"**/doi/full/{article.doi}")
    assert BODY_TEXT in page.content()

    # And the PDF, stamped with the buyer's name, through the browser's own session.
    pdf_url = f"{live_server.url}/doi/pdf/{article.doi}"
    download = page.request.get(pdf_url)
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download.body())).pages)
    assert BODY_TEXT in pdf_text.replace("\n", " ") and "Downloaded by" in pdf_text

    # 48 hours later (the clock moved, not waited for): the full text is refused and the
    # access box offers the article again.
    Grant.objects.filter(pk=grant.pk).update(ends_at=timezone.now() - datetime.timedelta(seconds=1))
    page.reload()
    assert BODY_TEXT not in page.content()
    box = page.locator(".access-box")
    assert "Access options" in box.inner_text()
    assert box.get_by_role("button", name="Add to cart").count() == 2
    assert not page.get_by_role("link", name="Read the full article").count()
    refused = page.request.get(pdf_url)
    assert refused.headers["content-type"].startswith("text/html")
    assert "Add to cart" in refused.text()
    page.goto(article_url)
    assert "hours left" not in page.locator(".access-box").inner_text()
    assert page.locator(".offer-article").get_by_role("button", name="Add to cart").is_visible()
