"""Editors manage journals, issues, articles and contributors in the admin."""

import pytest

from masthead.catalog.models import Article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/catalog/journal/",
        "/admin/catalog/issue/",
        "/admin/catalog/article/",
        "/admin/catalog/publisher/",
        "/admin/commerce/offer/",
        "/admin/catalog/article/add/",
    ],
)
def test_admin_pages_open(admin_client, make_article, path):
    make_article(authors=3, references=2)
    assert admin_client.get(path).status_code == 200


def test_editor_edits_an_article_with_its_contributors(admin_client, make_article):
    article = make_article(authors=2, references=1)
    page = admin_client.get(f"/admin/catalog/article/{article.pk}/change/")
    assert page.status_code == 200 and b"Surname1" in page.content
    assert b"Cited work 0" in page.content


def test_html_typed_by_an_editor_is_sanitised(make_article):
    article = make_article()
    article.disclosure_html = '<p onclick="steal()">None.<script>alert(1)</script></p>'
    article.title_html = "A <i>title</i><img src=x onerror=alert(1)>"
    article.save()
    article.refresh_from_db()
    assert "script" not in article.disclosure_html and "onclick" not in article.disclosure_html
    assert article.title_html == "A <i>title</i>"
    assert Article.objects.get(pk=article.pk).disclosure_html.startswith("<p>None.")
