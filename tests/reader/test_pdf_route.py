"""/doi/pdf/: the article PDF behind the access decision, stamped for each download."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pypdf import PdfReader

from masthead.usage.models import Event

pytestmark = pytest.mark.django_db

BODY = "<section id='s1'><h2>Introduction</h2><p>The body of the article.</p></section>"
CAMPUS = {"REMOTE_ADDR": "203.0.113.9"}


def pdf_text(response) -> list[str]:
    data = b"".join(response) if response.streaming else response.content
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def pdf_url(article) -> str:
    return reverse("reader:pdf", args=[article.doi])


def test_a_campus_reader_gets_the_pdf_stamped_with_the_institution(
    client, university, make_article
):
    article = make_article(body_html=BODY)
    response = client.get(pdf_url(article), **CAMPUS)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    pages = pdf_text(response)
    assert article.title in pages[0] and "The body of the article." in "".join(pages)
    assert all("Downloaded by Demo University" in page for page in pages)
    assert Event.objects.filter(kind="pdf", item_id=article.pk).count() == 1


def test_a_reader_without_access_gets_the_offers_and_a_recorded_denial(client, make_article):
    article = make_article(body_html=BODY)
    response = client.get(pdf_url(article))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Add to cart" in response.content.decode()
    assert Event.objects.filter(kind="denied", item_id=article.pk).exists()
    assert not Event.objects.filter(kind="pdf").exists()


def test_a_buyer_is_named_on_every_page(client, make_article):
    import datetime

    from django.utils import timezone

    from masthead.access.models import Grant

    article = make_article(body_html=BODY)
    reader = get_user_model().objects.create_user("buyer@example.org", "buyer@example.org")
    now = timezone.now()
    Grant.objects.create(
        user=reader, article=article, starts_at=now, ends_at=now + datetime.timedelta(hours=48)
    )
    client.force_login(reader)
    pages = pdf_text(client.get(pdf_url(article)))
    assert all("buyer@example.org" in page for page in pages)


def test_an_open_access_pdf_carries_its_licence(client, make_article):
    article = make_article(
        body_html=BODY,
        is_open_access=True,
        license_url="https://creativecommons.org/licenses/by/4.0/",
    )
    pages = pdf_text(client.get(pdf_url(article)))
    assert all("creativecommons.org/licenses/by/4.0" in page for page in pages)
