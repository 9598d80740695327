"""/api/v1/search: the site search (`discovery.search`) as JSON.

Ranked results cannot walk by a column, so the cursor here carries the page number;
the page looks like every other list (`next`, `previous`, `results`), with `total`.
Only what readers may find is ever found, for staff tokens too.
"""

from base64 import urlsafe_b64decode, urlsafe_b64encode

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from masthead.api import links
from masthead.api.base import ApiResponseMixin
from masthead.api.fields import CODE, NO_CONTROL_CHARACTERS
from masthead.discovery.search import QueryError, SearchParams, search
from masthead.discovery.search_filters import MAX_PAGE_SIZE, MAX_RESULTS, SORTS
from masthead.discovery.sitemaps import absolute

DEFAULT_PAGE_SIZE = 20
INVALID_CURSOR = "Invalid cursor"


def _text(help_text: str, max_length: int = 500) -> serializers.CharField:
    # Not trimmed here: the length the description promises is the length sent (search
    # itself ignores the spaces around words).
    return serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=max_length,
        validators=[NO_CONTROL_CHARACTERS],
        help_text=help_text,
    )


class SearchFilters(serializers.Serializer):
    q = _text('Words, "a phrase", -excluded; a DOI or an ISSN alone finds that.')
    title = _text("Words in the title.")
    author = _text("Words in an author's name.")
    doi = _text("One DOI.", 255)
    issn = _text("A journal's ISSN (NNNN-NNNN).", 20)
    journal = serializers.CharField(
        required=False, max_length=64, validators=[CODE], help_text="A journal's code."
    )
    year_from = serializers.IntegerField(required=False, min_value=1000, max_value=9999)
    year_to = serializers.IntegerField(required=False, min_value=1000, max_value=9999)
    type = serializers.CharField(
        required=False,
        max_length=64,
        validators=[NO_CONTROL_CHARACTERS],
        help_text="JATS @article-type, e.g. research-article.",
    )
    open_access = serializers.BooleanField(required=False, help_text="true: open access only.")
    sort = serializers.ChoiceField(choices=SORTS, required=False, help_text="Default: relevance.")


class HitJournal(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class HitLinks(serializers.Serializer):
    self = serializers.URLField(help_text="The article in this API.")
    article_page = serializers.URLField()


class SearchHit(serializers.Serializer):
    doi = serializers.CharField()
    title = serializers.CharField()
    title_html = serializers.CharField(help_text="The title's inline markup, sanitised.")
    authors = serializers.CharField(source="byline", help_text='"A, B, C et al."')
    journal = HitJournal()
    year = serializers.IntegerField(allow_null=True)
    published_online = serializers.DateField(allow_null=True)
    article_type = serializers.CharField(allow_null=True)
    open_access = serializers.BooleanField(source="is_open_access")
    snippet_html = serializers.CharField(help_text="Escaped text, hits inside <mark>.")
    score = serializers.FloatField(help_text="Higher is better; 0 when sorted by date.")
    links = HitLinks()


class SearchResults(serializers.Serializer):
    total = serializers.IntegerField(help_text=f"Hits; pages reach the first {MAX_RESULTS}.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchHit(many=True)


def encode_cursor(page: int) -> str:
    return urlsafe_b64encode(f"page={page}".encode()).decode()


def decode_cursor(text: str | None) -> int:
    if not text:
        return 1
    try:
        name, _, number = urlsafe_b64decode(text.encode("ascii")).decode("ascii").partition("=")
    except (ValueError, UnicodeError):
        raise NotFound(INVALID_CURSOR) from None
    if name != "page" or not (number.isascii() and number.isdigit()) or int(number) < 1:
        raise NotFound(INVALID_CURSOR)
    return int(number)


def page_size(query) -> int:
    values = query.getlist("page_size")
    if not values:
        return DEFAULT_PAGE_SIZE
    text = values[-1].strip()
    if len(values) > 1 or not (text.isascii() and text.isdigit()):
        raise ValidationError({"page_size": ["Give one whole number."]})
    if not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [f"From 1 to {MAX_PAGE_SIZE}."]})
    return int(text)


@extend_schema(
    tags=["search"],
    summary="Search articles",
    parameters=[
        SearchFilters,
        OpenApiParameter("cursor", str, description="The `next` or `previous` link carries it."),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            description=f"Results per page (default {DEFAULT_PAGE_SIZE}).",
        ),
    ],
    responses=SearchResults,
)
class Search(ApiResponseMixin, APIView):
    """Relevance-ranked search over titles, keywords, authors, abstracts and full texts
    (or newest first with `sort=date`), of the articles readers may find. Without any
    parameter, nothing is found."""

    def get(self, request):
        filters = SearchFilters(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        page = decode_cursor(request.query_params.get("cursor"))
        params = SearchParams(
            q=data.get("q", ""),
            title=data.get("title", ""),
            author=data.get("author", ""),
            doi=data.get("doi", ""),
            issn=data.get("issn", ""),
            journal=data.get("journal", ""),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            article_type=data.get("type", ""),
            open_access=data.get("open_access", False),
            sort=data.get("sort") or "relevance",
            page=page,
            page_size=page_size(request.query_params),
        )
        try:
            found = search(params)
        except QueryError as error:
            raise ValidationError({"search": [str(error)]}) from None
        here = absolute(request.get_full_path())
        body = {
            "total": found.total,
            "next": _page_link(here, page + 1) if page < found.pages else None,
            "previous": _page_link(here, page - 1) if page > 1 else None,
            "results": [_hit(hit) for hit in found.hits],
        }
        return Response(SearchResults(body).data)


def _page_link(url: str, page: int) -> str:
    if page == 1:
        return remove_query_param(url, "cursor")
    return replace_query_param(url, "cursor", encode_cursor(page))


def _hit(hit) -> dict:
    return {
        "doi": hit.doi,
        "title": hit.title,
        "title_html": hit.title_html or "",
        "byline": hit.byline,
        "journal": {"code": hit.journal_code, "title": hit.journal_title},
        "year": hit.year,
        "published_online": hit.published_online,
        "article_type": hit.article_type or None,
        "is_open_access": hit.is_open_access,
        "snippet_html": hit.snippet_html,
        "score": hit.score,
        "links": {"self": links.url("api:article", hit.doi), "article_page": absolute(hit.path)},
    }
