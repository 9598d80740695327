"""The PDF's lifecycle: render, serve, stamp, upload, regenerate, fail softly."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from pypdf import PdfReader

from masthead.pdf.models import ArticlePdf
from masthead.pdf.services import (
    PdfUnavailable,
    download_bytes,
    ensure_pdf,
    pdf_for,
    save_upload,
    stamp_text,
)
from tests.pdf.test_stamp import blank_pdf

NOW = datetime.datetime(2026, 11, 27, 1, 23, tzinfo=datetime.UTC)
BODY = "".join(
    f"<section><h2>Part {i}</h2><p>{'Words of the body. ' * 120}</p></section>" for i in range(6)
)


def texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def article(make_article):
    return make_article(authors=2, references=3, body_html=BODY)


def test_nothing_before_the_first_render(article):
    assert pdf_for(article) is None


def test_render_then_serve_with_a_stamp_on_every_page(article):
    pdf = ensure_pdf(article)
    assert pdf_for(article) == pdf
    assert (pdf.source, pdf.version, pdf.error) == ("generated", article.version, "")
    assert pdf.pages >= 2
    pages = texts(download_bytes(article, "Demo University", NOW))
    assert len(pages) == pdf.pages
    expected = stamp_text("Demo University", NOW)
    assert expected == "Downloaded by Demo University at 2026-11-27 01:23 UTC"
    assert all(expected in page for page in pages)
    assert article.title in pages[0] and "Surname0" in pages[0] and article.doi in pages[0]
    assert "Cited work 2" in "".join(pages)


def test_page_numbers_start_at_the_first_page(article):
    pages = texts(ensure_pdf(article).file.read())
    assert pages[0].rstrip().endswith("703")
    assert pages[1].rstrip().endswith("704")


def test_page_numbers_start_at_one_for_an_elocation(make_article):
    article = make_article(first_page="", last_page="", elocation_id="e00013", body_html=BODY)
    pages = texts(ensure_pdf(article).file.read())
    assert pages[0].rstrip().endswith("1")


def test_open_access_carries_the_licence(make_article):
    article = make_article(
        body_html="<p>Text.</p>",
        is_open_access=True,
        license_url="https://creativecommons.org/licenses/by/4.0/",
    )
    pages = texts(download_bytes(article, "Demo University", NOW))
    assert "Open access: CC BY 4.0 https://creativecommons.org/licenses/by/4.0/" in pages[0]
    assert "2026-11-27 01:23 UTC" in pages[0] and "Demo University" not in pages[0]


def test_a_new_version_is_rendered_again(article):
    first = ensure_pdf(article)
    old_name = first.file.name
    assert ensure_pdf(article).file.name == old_name  # current: not rendered again
    article.version += 1
    article.title = "A corrected title"
    article.save()
    assert pdf_for(article) is None  # stale
    second = ensure_pdf(article)
    assert second.version == article.version and second.file.name != old_name
    assert "A corrected title" in texts(second.file.read())[0]
    assert not first.file.storage.exists(old_name)


def test_a_failed_render_keeps_the_previous_file(article):
    good = ensure_pdf(article)
    article.version += 1
    article.save()
    with pytest.raises(PdfUnavailable, match="longer than"):
        ensure_pdf(article, time_limit=0.001)
    row = ArticlePdf.objects.get(article=article)
    assert row.file.name == good.file.name and row.file.storage.exists(row.file.name)
    assert row.version == good.version
    assert "longer than" in row.error and row.error_at is not None


def test_an_uploaded_pdf_wins_and_is_not_regenerated(article):
    ensure_pdf(article)
    save_upload(article, "typeset.pdf", blank_pdf(3))
    article.version += 1
    article.save()
    pdf = ensure_pdf(article)
    assert (pdf.source, pdf.pages) == ("uploaded", 3)
    assert pdf_for(article) == pdf
    pages = texts(download_bytes(article, "Demo University", NOW))
    assert len(pages) == 3 and all("Demo University" in p for p in pages)
    out = io.StringIO()
    call_command("render_pdfs", "--all", stdout=out)
    assert ArticlePdf.objects.get(article=article).source == "uploaded"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("paper.pdf", b"<html>not a pdf</html>", "not a PDF"),
        ("paper.pdf", b"%PDF-1.7\n garbage", "cannot be read"),
        ("paper.docx", blank_pdf(1), ".pdf"),
    ],
)
def test_anything_but_a_pdf_is_refused(article, name, data, message):
    with pytest.raises(ValidationError, match=message):
        save_upload(article, name, data)
    assert not ArticlePdf.objects.filter(article=article).exists()


def test_render_pdfs_command(article, make_article):
    make_article(body_html="")  # no full text: nothing to render
    out = io.StringIO()
    call_command("render_pdfs", stdout=out)
    assert "1 rendered, 0 failed, 0 unchanged" in out.getvalue()
    out = io.StringIO()
    call_command("render_pdfs", stdout=out)
    assert "0 rendered, 0 failed, 1 unchanged" in out.getvalue()
