"""Figure images and supplementary files: checked on upload, served through the access decision."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from masthead.catalog.file_types import RefusedFile, check
from masthead.catalog.models import ArticleAsset
from masthead.reader.assets import asset_url
from masthead.usage.models import Event

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
XLSX = b"PK\x03\x04" + b"\x00" * 60
CAMPUS = {"REMOTE_ADDR": "203.0.113.9"}
CLEAN_SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(article, name, data, kind=ArticleAsset.FIGURE, file_name=None):
    asset = ArticleAsset(article=article, kind=kind, name=name)
    asset.file = ContentFile(data, name=file_name or name)
    asset.full_clean()
    asset.save()
    return asset


def test_open_access_figure_is_served_inline_and_counted(client, make_article):
    article = make_article(is_open_access=True)
    upload(article, "fig1.png", PNG)
    response = client.get(asset_url(article.doi, "fig1.png"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("public, max-age=")
    assert list(Event.objects.values_list("kind", flat=True)) == ["figure"]


def test_licensed_reader_gets_a_supplement_as_attachment(client, make_article, university):
    article = make_article()  # subscription content, licensed to the university
    upload(article, "data1.xlsx", XLSX, kind=ArticleAsset.SUPPLEMENT)
    response = client.get(asset_url(article.doi, "data1.xlsx"), **CAMPUS)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == XLSX
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="data1.xlsx"')
    assert response["Cache-Control"] == "private"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert list(Event.objects.values_list("kind", flat=True)) == ["supplement"]


def test_reader_without_access_gets_the_offers_and_a_denial(client, make_article):
    article = make_article()
    upload(article, "data1.xlsx", XLSX, kind=ArticleAsset.SUPPLEMENT)
    response = client.get(asset_url(article.doi, "data1.xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "USD 53.00" in html
    assert article.title in html
    assert XLSX not in response.content
    kinds = list(Event.objects.values_list("kind", flat=True))
    assert "denied" in kinds and "supplement" not in kinds
    assert Event.objects.get(kind="denied").denial_reason == "no_license"


def test_unknown_asset_and_missing_doi_are_not_found(client, make_article):
    article = make_article(is_open_access=True)
    assert client.get(asset_url(article.doi, "nothing.png")).status_code == 404
    assert client.get("/doi/asset/nothing.png").status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("fig1.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("fig1.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
        ("fig1.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>'),
        ("page.html", b"<!doctype html><p>hi</p>"),
        ("page.shtml", b"<!--#exec cmd='ls' -->"),
        ("code.js", b"alert(1)"),
        ("fig1.png", JPEG),
        ("notes.txt", b"<html><script>alert(1)</script></html>"),
        ("table.csv", PNG),
        ("paper.pdf", b"<svg onload=alert(1)>"),
    ],
)
def test_active_or_mislabelled_files_are_refused(make_article, name, data):
    article = make_article()
    asset = ArticleAsset(article=article, name=name, file=ContentFile(data, name=name))
    with pytest.raises(ValidationError):
        asset.full_clean()
    with pytest.raises(RefusedFile):
        asset.save()
    assert not ArticleAsset.objects.exists()


def test_plain_files_are_accepted_with_their_type():
    assert check("fig1.svg", CLEAN_SVG) == "image/svg+xml"
    assert check("fig1.jpg", JPEG) == "image/jpeg"
    assert check("table1.csv", b"a,b\n1,2\n") == "text/csv"
    assert check("code1.zip", XLSX) == "application/zip"
    assert check("paper.pdf", b"%PDF-1.7\n") == "application/pdf"


def test_full_text_links_figures_and_files_to_uploads(client, make_article):
    body = (
        '<section id="s1"><h2>Results</h2>'
        '<figure class="fig" id="fig1"><img src="x-fig1.tif" data-jats-href="x-fig1.tif" alt="">'
        '<figcaption><p class="caption-title"><span class="label">Figure 1.</span></p>'
        "</figcaption></figure>"
        '<div class="supplementary-material" id="sdata1"><p class="caption-title">'
        '<span class="label">Source data 1.</span></p><p><a class="download" href="x-data1.xlsx"'
        ' data-jats-href="x-data1.xlsx">x-data1.xlsx</a></p></div></section>'
    )
    article = make_article(is_open_access=True, body_html=body)
    page = client.get(f"/doi/full/{article.doi}").content.decode()
    assert "<img" not in page.split('class="article-body"')[1]  # nothing uploaded yet
    upload(article, "x-fig1.jpg", JPEG)
    upload(article, "x-data1.xlsx", XLSX, kind=ArticleAsset.SUPPLEMENT)
    page = client.get(f"/doi/full/{article.doi}").content.decode()
    figure_url = asset_url(article.doi, "x-fig1.jpg").replace("&", "&amp;")
    data_url = asset_url(article.doi, "x-data1.xlsx").replace("&", "&amp;")
    assert f'src="{figure_url}"' in page
    assert f'class="figure-image" href="{figure_url}"' in page
    assert f'href="{data_url}"' in page
    assert page.count(f'href="{data_url}"') == 2  # in the body and the list of files
