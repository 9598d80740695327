"""Articles: the list (and a JATS import), one article (and its editorial change), its
references and its metrics. Metadata only: full text and PDFs are behind the links."""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from masthead.api import queries, services
from masthead.api.base import ApiResponseMixin
from masthead.api.pagination import PositionCursorPagination
from masthead.api.permissions import may
from masthead.api.serializers import ArticleSerializer, MetricsSerializer, ReferenceSerializer
from masthead.api.serializers_input import ArticleEdit, ArticleFilters, ArticleImport, ImportResult
from masthead.catalog.models import Article, Journal, Reference
from masthead.catalog.services import Outcome
from masthead.jats import SourceError
from masthead.usage.views_count import views_count

DOI = OpenApiParameter(
    "doi",
    {"type": "string", "minLength": 1, "maxLength": 255},
    OpenApiParameter.PATH,
    description="The article's DOI, case-insensitive. DOIs contain `/`: give it as it is, "
    "slashes unencoded (`/api/v1/articles/10.5555/abc.1`); percent-encode only what a URL "
    "path cannot hold (`#`, `?`, `%`, spaces). An article whose DOI itself ends in "
    "`/references` or `/metrics` is found through the article list only.",
)


@extend_schema(tags=["articles"])
class ArticleList(ApiResponseMixin, generics.ListAPIView):
    """Published articles whose date has come (staff with the view permission also see
    unpublished ones), filtered by journal, issue, year, type, open access or last change.
    To harvest changes, walk the pages with `updated_since`."""

    serializer_class = ArticleSerializer
    parser_classes = [MultiPartParser]
    write_model = Article

    @extend_schema(
        summary="Articles readers may find, in the order they were added",
        parameters=[ArticleFilters],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = ArticleFilters(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        rows = queries.article_rows(self.request.user)
        return queries.filter_articles(rows, filters.validated_data)

    @extend_schema(
        summary="Import one JATS XML article (staff)",
        description="All or nothing: a file the parser refuses is a 400 with its message, "
        "and nothing is written. Importing a file again changes nothing; a changed file "
        "updates the article (needs the change permission as well).",
        request={"multipart/form-data": ArticleImport},
        responses={
            201: OpenApiResponse(ImportResult, description="Imported."),
            200: OpenApiResponse(ImportResult, description="Updated, or unchanged."),
        },
    )
    def post(self, request, *args, **kwargs):
        form = ArticleImport(data=request.data)
        form.is_valid(raise_exception=True)
        journal = _journal(form.validated_data.get("journal"))
        upload = form.validated_data["file"]
        data = upload.read(services.MAX_XML_BYTES + 1)
        may_update = may(request.user, "change", Article)
        try:
            outcome, article = services.import_jats(
                data, upload.name or "upload.xml", journal, may_update=may_update
            )
        except SourceError as error:
            raise ValidationError({"file": [str(error)]}) from None
        except services.UpdateRefused as refused:
            raise PermissionDenied(
                f"{refused} exists; updating it needs the permission to change articles."
            ) from None
        # Shown to its importer even when readers may not see it yet (an embargo).
        shown = queries.article_rows(request.user, everything=True).get(pk=article.pk)
        body = {"outcome": outcome.value, "article": shown}
        code = status.HTTP_201_CREATED if outcome == Outcome.IMPORTED else status.HTTP_200_OK
        return Response(ImportResult(body, context=self.get_serializer_context()).data, code)


def _journal(code: str | None) -> Journal | None:
    if not code:
        return None
    found = Journal.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({"journal": [f"No journal with code {code!r}."]})
    return found


@extend_schema(tags=["articles"], parameters=[DOI])
class ArticleDetail(ApiResponseMixin, generics.RetrieveAPIView):
    """An article's metadata: title, authors with ORCID and affiliations, abstracts as HTML
    and text, keywords, subjects, dates, volume, issue and pages, licence, open access,
    and links to its page, full text and PDF (which apply the access rules)."""

    serializer_class = ArticleSerializer
    parser_classes = [JSONParser]
    write_model = Article

    @extend_schema(summary="An article's metadata")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return queries.article(self.request.user, self.kwargs["doi"])

    @extend_schema(
        summary="Change an article's editorial fields (staff)",
        description="Only the fields sent change; any other field is refused. A new title "
        "replaces the marked-up one.",
        request=ArticleEdit,
        responses={200: ArticleSerializer},
    )
    def patch(self, request, *args, **kwargs):
        form = ArticleEdit(data=request.data)
        form.is_valid(raise_exception=True)
        lookup = queries.doi_lookup(self.kwargs["doi"])
        with transaction.atomic():
            article = queries.articles_for(request.user).select_for_update().filter(**lookup)
            article = article.first()
            if article is None:
                raise NotFound("No article with this DOI.")
            services.edit_article(article, form.validated_data)
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema(tags=["articles"], summary="An article's reference list", parameters=[DOI])
class ArticleReferences(ApiResponseMixin, generics.ListAPIView):
    """The works the article cites, in its order, as the publisher tagged them."""

    serializer_class = ReferenceSerializer
    pagination_class = PositionCursorPagination

    def get_queryset(self):
        article_id = queries.article_id(self.request.user, self.kwargs["doi"])
        return Reference.objects.filter(article_id=article_id)


@extend_schema(
    tags=["articles"],
    summary="An article's views, downloads and citations",
    parameters=[DOI],
    responses=MetricsSerializer,
)
class ArticleMetrics(ApiResponseMixin, APIView):
    """COUNTER usage totals (views, downloads) and the citation count of an article."""

    def get(self, request, doi):
        row = queries.metrics_row(request.user, doi)
        downloads, through = queries.downloads(row["pk"])
        body = {
            "doi": row["doi"],
            "views": views_count(row["pk"]),
            "downloads": downloads,
            "usage_processed_through": through,
            "citations": row["cited_by"] or 0,
        }
        return Response(MetricsSerializer(body).data)
