"""Importing publisher files: all-or-nothing per article, idempotent, clear rejections."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from masthead.catalog.models import Article, Contributor, Journal, Reference
from tests.conftest import ELIFE, needs_elife

pytestmark = [pytest.mark.django_db, needs_elife]
ELIFE_FILES = sorted(ELIFE.glob("*.xml"))


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, "--quiet", stdout=out)
    return out.getvalue()


def test_every_elife_file_imports_and_reimport_changes_nothing():
    output = run("import_jats", *map(str, ELIFE_FILES))
    imported = Article.objects.count()
    assert f"{imported} imported" in output
    assert imported + output.count("rejected: ") == len(ELIFE_FILES)
    assert imported >= len(ELIFE_FILES) - 1
    assert Journal.objects.filter(title="eLife").count() == 1
    before = {a.doi: (a.pk, a.version) for a in Article.objects.all()}

    again = run("import_jats", *map(str, ELIFE_FILES))
    assert f"0 imported, 0 updated, {imported} unchanged" in again
    assert {a.doi: (a.pk, a.version) for a in Article.objects.all()} == before


def test_elife_fields_land_in_the_database():
    run("import_jats", str(ELIFE / "elife00013.xml"))
    article = Article.objects.get(doi="10.7554/eLife.00013")
    assert article.title.startswith("A bacterial sulfonolipid triggers multicellular development")
    assert article.is_open_access and article.has_full_text
    authors = list(article.contributors.filter(role="author"))
    assert [a.surname for a in authors[:3]] == ["Alegado", "Brown", "Cao"]
    assert article.references.count() > 20
    assert article.funding[0]["funder_name"].startswith("Gordon and Betty Moore Foundation")
    nih = [f for f in article.funding if f["funder_name"] == "National Institutes of Health"]
    assert "F32 GM086054" in nih[0]["award_ids"]


def test_changed_file_updates_the_article_without_duplicating(tmp_path):
    source = (ELIFE / "elife00013.xml").read_text(encoding="utf-8")
    path = tmp_path / "a.xml"
    path.write_text(source, encoding="utf-8")
    run("import_jats", str(path))
    article = Article.objects.get()
    authors = article.contributors.count()
    path.write_text(source.replace("A bacterial sulfonolipid", "A revised sulfonolipid"), "utf-8")
    assert "1 updated" in run("import_jats", str(path))
    article.refresh_from_db()
    assert article.title.startswith("A revised sulfonolipid") and article.version == 2
    assert Article.objects.count() == 1
    assert Contributor.objects.count() == authors


def test_bad_files_are_rejected_by_name_and_the_batch_goes_on(tmp_path):
    good = tmp_path / "good.xml"
    shutil.copy(ELIFE / "elife00270.xml", good)
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes((ELIFE / "elife00013.xml").read_bytes()[:5000])
    not_jats = tmp_path / "page.xml"
    not_jats.write_text("<html><body>hello</body></html>")
    xxe = tmp_path / "xxe.xml"
    xxe.write_text(
        '<?xml version="1.0"?><!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<article><front><article-meta><title-group><article-title>&xxe;</article-title>"
        "</title-group></article-meta></front></article>"
    )
    no_doi = tmp_path / "no-doi.xml"
    no_doi.write_text(
        "<article><front><journal-meta><journal-title-group><journal-title>J</journal-title>"
        "</journal-title-group></journal-meta><article-meta><title-group><article-title>T"
        "</article-title></title-group></article-meta></front></article>"
    )
    output = run("import_jats", *(str(p) for p in (truncated, not_jats, xxe, no_doi, good)))
    assert "1 imported" in output and "4 rejected" in output
    assert f"rejected: {truncated}:" in output  # names the file and the line
    assert "not a JATS article" in output
    assert "no DOI" in output
    assert Article.objects.count() == 1
    assert "root:" not in "".join(Article.objects.values_list("title", flat=True))


def test_a_failure_while_writing_leaves_nothing_behind(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Reference.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        run("import_jats", str(ELIFE / "elife00013.xml"))
    assert Article.objects.count() == 0 and Contributor.objects.count() == 0


def test_nothing_imported_is_an_error(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<article><unclosed></article>")
    with pytest.raises(CommandError, match="no article was imported"):
        run("import_jats", str(bad))
