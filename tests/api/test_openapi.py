"""The OpenAPI description is complete and true: schemathesis generates requests from it
and checks every answer against it (no server error, no undocumented status, no body or
header that breaks the schema), anonymously and with a staff token."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from masthead.api.tokens import create_token
from masthead.catalog.models import Article, Issue, Journal
from masthead.citations.models import CitationSummary
from masthead.discovery import search_index
from masthead.wsgi import application

pytestmark = pytest.mark.django_db
EXAMPLES = 25


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """The WSGI app closes a connection that is not in autocommit at the end of each
    request, as it should in production; here that is the test's transaction (PostgreSQL
    loses it, SQLite's in-memory database does not). Django's test client does the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def small_database(settings, journal, issue, make_article, staff_user):
    settings.MASTHEAD_API_ANON_RATE = "100000/day"
    settings.MASTHEAD_API_TOKEN_RATE = "100000/day"
    Journal.objects.create(
        publisher=journal.publisher, code="oa", title="Open", is_open_access=True
    )
    Issue.objects.create(journal=journal, volume="32", number="", title="Special <issue>")
    first = make_article(authors=3, references=4, keywords=["a", "b"], body_html="<p>x</p>")
    make_article(doi="10.5555/odd(1);2/x", is_open_access=True, issue=None)
    make_article(is_published=False)
    make_article(published_online=None, article_type="editorial")
    CitationSummary.objects.create(article=first, cited_by=2)
    search_index.index_articles(Article.objects.values_list("pk", flat=True))
    _, key = create_token(staff_user, "schemathesis")
    return key


BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# Valid by the schema, refused by meaning: any bytes are a schema-valid file, but only JATS
# imports; and the search's rules between parameters (year_from before year_to, a word
# not excluded) are not OpenAPI's to say. Those answer 400, as documented.
SEMANTIC_400 = {"POST /api/v1/articles", "GET /api/v1/search"}


def checker(operation, mode, headers):
    excluded = [positive_data_acceptance] if operation.label in SEMANTIC_400 else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @BOUNDED
    def check(case):
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    return check


def failures(headers: dict | None = None) -> list[str]:
    """Every operation, valid and invalid requests: what broke the description, if anything."""
    api_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    found = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                checker(operation, mode, headers)()
            except Unsatisfiable:  # nothing invalid to send (any string is a valid DOI)
                continue
            except (Exception, BaseExceptionGroup) as error:  # reported per operation
                found.append(f"{operation.label} ({mode.value}): {error}")
    return found


def test_anonymous_clients_get_what_the_description_promises(small_database):
    found = failures()
    assert not found, "\n\n".join(found)


def test_staff_tokens_get_what_the_description_promises(small_database):
    found = failures({"Authorization": f"Token {small_database}"})
    assert not found, "\n\n".join(found)


def test_the_description_documents_dois_pagination_and_errors(api):
    body = api.get("/api/v1/openapi.json").json()
    assert body["openapi"].startswith("3.")
    article = body["paths"]["/api/v1/articles/{doi}"]
    doi = next(p for p in article["get"]["parameters"] if p["name"] == "doi")
    assert doi["in"] == "path" and "slashes unencoded" in doi["description"]
    listing = body["paths"]["/api/v1/articles"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"cursor", "page_size", "journal", "issue", "year", "type", "open_access"} <= names
    assert "updated_since" in names
    assert {"200", "400", "401", "404", "429"} <= set(listing["responses"])
    assert "Retry-After" in listing["responses"]["429"]["headers"]
    patch = article["patch"]
    assert {"200", "400", "401", "403", "404", "415", "429"} <= set(patch["responses"])
    assert patch["security"] == [{"tokenAuth": []}]
    assert {} in article["get"]["security"]  # reads need no token
