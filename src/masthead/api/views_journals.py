"""Journals and their issues (read-only)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics

from masthead.api import queries
from masthead.api.base import ApiResponseMixin
from masthead.api.pagination import MAX_ID, CodeCursorPagination
from masthead.api.serializers import IssueSerializer, JournalSerializer

CODE = OpenApiParameter(
    "code",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,64}$"},
    OpenApiParameter.PATH,
    description="The journal's code (letters, digits, - and _).",
)
ISSUE_ID = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description="The issue's id.",
)


@extend_schema(tags=["journals"], summary="Journals, by code")
class JournalList(ApiResponseMixin, generics.ListAPIView):
    """Every journal on the platform, with links to its issues, articles, feeds and
    sitemap."""

    serializer_class = JournalSerializer
    pagination_class = CodeCursorPagination

    def get_queryset(self):
        return queries.journals()


@extend_schema(tags=["journals"], summary="A journal", parameters=[CODE])
class JournalDetail(ApiResponseMixin, generics.RetrieveAPIView):
    """One journal: title, abbreviation, ISSNs, publisher, open access, links."""

    serializer_class = JournalSerializer

    def get_object(self):
        return queries.journal(self.kwargs["code"])


@extend_schema(
    tags=["issues"], summary="A journal's issues, in the order they were added", parameters=[CODE]
)
class JournalIssues(ApiResponseMixin, generics.ListAPIView):
    """A journal's issues: volume, number, year, cover date, title and how many articles
    readers may find in each."""

    serializer_class = IssueSerializer

    def get_queryset(self):
        journal = queries.journal(self.kwargs["code"])
        return queries.issues().filter(journal=journal)


@extend_schema(tags=["issues"], summary="An issue", parameters=[ISSUE_ID])
class IssueDetail(ApiResponseMixin, generics.RetrieveAPIView):
    """One issue, with links to its articles and its table of contents."""

    serializer_class = IssueSerializer

    def get_object(self):
        return queries.issue(self.kwargs["id"])
