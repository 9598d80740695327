"""Content backup and restore: a round trip keeps every article; bad archives are refused."""

import io
import shutil

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from masthead.catalog.archive.rows import to_data
from masthead.catalog.models import (
    Article,
    ArticleAsset,
    Issue,
    Journal,
    Publisher,
)
from masthead.pdf.models import ArticlePdf
from masthead.pdf.services import save_upload
from tests.conftest import ELIFE, needs_elife
from tests.pdf.test_stamp import blank_pdf

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def add_asset(article, name, data, kind=ArticleAsset.FIGURE):
    asset = ArticleAsset(article=article, kind=kind, name=name)
    asset.file = ContentFile(data, name=name)
    asset.save()
    return asset


def fields(obj) -> dict:
    """The row's fields but `updated_at`, a cache stamp that a restore sets anew."""
    return {k: v for k, v in to_data(obj).items() if k != "updated_at"}


def snapshot() -> dict:
    """Everything a restore must bring back, keyed by DOI."""
    state = {}
    for article in Article.objects.all():
        pdf = ArticlePdf.objects.filter(article=article, source=ArticlePdf.UPLOADED).first()
        state[article.doi] = {
            "article": {**fields(article), "source_xml": article.source_xml},
            "journal": (article.journal.code, fields(article.journal)),
            "publisher": fields(article.journal.publisher),
            "issue": fields(article.issue) if article.issue else None,
            "contributors": [fields(c) for c in article.contributors.order_by("position")],
            "references": [fields(r) for r in article.references.order_by("position")],
            "assets": [(fields(a), a.file.read()) for a in article.assets.order_by("name")],
            "pdf": (fields(pdf), pdf.file.read()) if pdf else None,
        }
    return state


def wipe(settings) -> None:
    Article.objects.all().delete()
    Journal.objects.all().delete()
    Publisher.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def content(make_article):
    """Two journals: the fixture's, with an uploaded PDF and a figure, and another."""
    article = make_article(authors=3, references=4, version=3, is_open_access=True)
    save_upload(article, "typeset.pdf", blank_pdf(2))
    add_asset(article, "fig1.png", PNG)
    add_asset(article, "data1.xlsx", b"PK\x03\x04" + b"\x00" * 60, ArticleAsset.SUPPLEMENT)
    make_article(is_published=False, received="2023-01-02")
    other = Journal.objects.create(
        publisher=Publisher.objects.create(name="Other Press"), code="oj", title="Other"
    )
    make_article(journal=other, issue=Issue.objects.create(journal=other, volume="2"))
    return article


@needs_elife
def test_round_trip_restores_every_field_and_file(content, client, settings, tmp_path):
    run("import_jats", *map(str, sorted(ELIFE.glob("*.xml"))), "--quiet")
    assert Article.objects.filter(source_xml__gt="").count() > 10
    before = snapshot()
    archive = tmp_path / "content.tar.gz"
    assert "wrote" in run("export", "--output", str(archive))
    wipe(settings)
    assert not Article.objects.exists() and not (tmp_path / "media").exists()

    output = run("import_archive", str(archive))

    assert f"{len(before)} articles" in output
    assert snapshot() == before
    for article in (content, Article.objects.filter(body_html__gt="").first()):
        page = client.get(article.get_absolute_url())
        assert page.status_code == 200
        assert article.doi in page.content.decode()
    with pytest.raises(CommandError, match="already has articles"):
        run("import_archive", str(archive))
    assert snapshot() == before


def test_export_of_one_journal(content, tmp_path, settings):
    archive = tmp_path / "tj.tar.gz"
    run("export", "--output", str(archive), "--journal", "tj")
    wipe(settings)
    run("import_archive", str(archive))
    assert set(Article.objects.values_list("journal__code", flat=True)) == {"tj"}
    assert Article.objects.count() == 2
    assert not Journal.objects.filter(code="oj").exists()
    with pytest.raises(CommandError, match="no journal"):
        run("export", "--output", str(archive), "--journal", "nope")


def test_importing_into_a_catalogue_with_articles_is_refused(content, tmp_path):
    archive = tmp_path / "a.tar.gz"
    run("export", "--output", str(archive))
    with pytest.raises(CommandError, match="already has articles"):
        run("import_archive", str(archive))
    assert Article.objects.count() == 3


def test_a_failed_export_leaves_no_file(content, tmp_path):
    content.assets.get(name="fig1.png").file.storage.delete(f"assets/{content.pk}/fig1.png")
    with pytest.raises(CommandError, match="no archive written"):
        run("export", "--output", str(tmp_path / "out.tar.gz"))
    assert not any(p.name.endswith((".gz", ".tmp")) for p in tmp_path.iterdir())
