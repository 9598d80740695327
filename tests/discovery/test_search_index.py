"""The index follows the catalogue: imports, edits, unpublishing, deletion; batches and
the `search_index` command."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masthead.catalog.models import Article, Contributor
from masthead.catalog.services import Importer, ImportSummary
from masthead.discovery import search_index
from masthead.discovery.models import SearchDocument
from masthead.discovery.search import SearchParams, search
from masthead.jats.model import ArticleRecord, JournalRef, PersonName
from masthead.jats.model import Contributor as RecordContributor
from tests.conftest import SHARED, needs_elife

pytestmark = pytest.mark.django_db


def titles(**params) -> list[str]:
    return [hit.title for hit in search(SearchParams(**params)).hits]


def record(n: int, title: str, surname: str = "Okafor") -> ArticleRecord:
    return ArticleRecord(
        source_format="jats",
        journal=JournalRef(title="Test Journal"),
        doi=f"10.5555/index.{n}",
        title=title,
        source_name=f"record-{n}.xml",
        source_xml=f"<article n='{n}'>{title}</article>",
        contributors=[RecordContributor(name=PersonName(surname=surname, given_names="Ada"))],
    )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """What a commit runs (the index writes) runs at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_an_import_and_a_reimport_are_followed(journal, commit):
    with commit():
        Importer(journal=journal).import_record(record(1, "Coral bleaching in reefs"))
    assert titles(q="coral") == ["Coral bleaching in reefs"]
    assert titles(author="Ada Okafor") == ["Coral bleaching in reefs"]
    with commit():  # the publisher sends a corrected file
        Importer(journal=journal).import_record(record(1, "Sponge bleaching", surname="Mensah"))
    assert titles(q="coral") == [] and titles(author="Okafor") == []
    assert titles(q="sponge") == ["Sponge bleaching"] and titles(author="Mensah") != []


def test_edits_unpublishing_and_deletion_are_followed(make_article, commit):
    with commit():
        article = make_article(title="Glacier retreat")
    with commit():  # an editor fixes the title and an author's name in the admin
        article.title = "Glacier advance"
        article.save()
        author = article.contributors.get()
        author.surname = "Sigurdsdottir"
        author.save()
        Contributor.objects.create(article=article, position=1, surname="Tanaka")
    assert titles(q="glacier") == ["Glacier advance"] and titles(q="retreat") == []
    assert titles(author="Sigurdsdottir") == titles(author="Tanaka") == ["Glacier advance"]
    with commit():
        article.contributors.get(surname="Tanaka").delete()
    assert titles(author="Tanaka") == []
    with commit():
        article.is_published = False
        article.save()
    assert titles(q="glacier") == []
    with commit():
        article.delete()
    assert not SearchDocument.objects.exists()


def test_a_rolled_back_change_leaves_nothing(make_article, commit):
    with commit():
        article = make_article(title="Tundra")
        try:
            with transaction.atomic():
                Article.objects.filter(pk=article.pk).update(title="Taiga")
                article.refresh_from_db()
                article.save()
                raise RuntimeError("the editor's save failed")
        except RuntimeError:
            pass
    assert titles(q="tundra") == ["Tundra"] and titles(q="taiga") == []


def test_a_batch_writes_chunks_not_rows(journal, commit):
    importer = Importer(journal=journal)
    records = [record(n, f"Volcanic ash study {n}") for n in range(30)]
    with CaptureQueriesContext(connection) as queries, commit():
        with search_index.batch():
            importer.import_all(records, ImportSummary())
            assert not SearchDocument.objects.exists()  # nothing indexed yet
    writes = [q for q in queries if q["sql"].startswith('INSERT INTO "discovery_searchdocument"')]
    assert len(writes) == 1
    assert search(SearchParams(q="volcanic ash")).total == 30


def test_the_command_rebuilds_and_catches_up(make_article, commit):
    with commit():
        kept = make_article(title="Mangrove soils")
        make_article(title="Seagrass meadows")
    SearchDocument.objects.all().delete()  # an index lost, or made before this version
    assert titles(q="mangrove") == []
    out = io.StringIO()
    call_command("search_index", "--rebuild", stdout=out)
    assert "2 articles indexed" in out.getvalue()
    assert titles(q="mangrove") == ["Mangrove soils"]
    out = io.StringIO()
    call_command("search_index", stdout=out)
    assert "0 articles indexed" in out.getvalue()  # nothing changed since
    # A change made around the signals (a bulk UPDATE) is caught up by the plain command.
    Article.objects.filter(pk=kept.pk).update(title="Mangrove forests", updated_at=timezone.now())
    out = io.StringIO()
    call_command("search_index", stdout=out)
    assert "1 articles indexed" in out.getvalue()
    assert titles(q="forests") == ["Mangrove forests"]


def test_document_text(make_article):
    article = make_article(
        title="Ice <i>cores</i>",
        subtitle="A review",
        keywords=["paleoclimate", "isotopes"],
        abstracts=[{"type": "", "html": "<p>Bubbles &amp; dust.</p>"}],
        body_html="<section><p>Drilling at <b>Vostok</b></p></section>",
    )
    search_index.index_articles([article.pk])
    document = SearchDocument.objects.get()
    assert document.title == "Ice <i>cores</i> A review"  # the plain title, as stored
    assert (document.keywords, document.authors) == ("paleoclimate; isotopes", "Given0 Surname0")
    assert (document.abstract, document.body) == ("Bubbles & dust.", "Drilling at Vostok")


@needs_elife
def test_the_demo_is_searchable(commit):
    with commit():
        call_command(
            "load_demo", "--no-pubmed", "--quiet", "--shared", str(SHARED), stdout=io.StringIO()
        )
    assert SearchDocument.objects.count() == Article.objects.count()
    assert "From strategic partner to co-aggressor" in titles(q="Belarus Russia")[0]
