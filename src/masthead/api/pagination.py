"""Cursor pagination: a list walks by a unique, indexed column, so a page costs the same
however deep it is and rows added during a walk never shift it.

`next` and `previous` are absolute on MASTHEAD_BASE_URL (never the request's Host).
A cursor that was not made by us is a 404 ("Invalid cursor"), never a database error;
a page_size out of bounds is a 400.
"""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from masthead.discovery.sitemaps import absolute

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_ID = 2**63 - 1


class _Cursor(CursorPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    page_size_query_description = (
        f"Results per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})."
    )
    max_page_size = MAX_PAGE_SIZE
    cursor_query_description = "The `next` or `previous` link of a page carries it."

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters

    def get_page_size(self, request) -> int:
        """The default, or the page_size asked for; outside 1 to the maximum is a 400."""
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        text = values[-1].strip()
        if len(values) > 1 or not (text.isascii() and text.isdigit()):
            raise ValidationError({self.page_size_query_param: ["Give one whole number."]})
        if not 1 <= int(text) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"From 1 to {self.max_page_size}."]}
            )
        return int(text)

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        self.base_url = absolute(request.get_full_path())
        return page

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            if not self.valid_position(cursor.position):
                raise NotFound(self.invalid_cursor_message)
        return cursor

    def valid_position(self, position: str) -> bool:
        return position.isascii() and position.isdigit() and int(position) <= MAX_ID


class IdCursorPagination(_Cursor):
    """In the order rows were added (their id)."""

    ordering = "id"


class CodeCursorPagination(_Cursor):
    """Journals, by code."""

    ordering = "code"

    def valid_position(self, position: str) -> bool:
        return position.isascii() and position.isprintable() and len(position) <= 64


class PositionCursorPagination(_Cursor):
    """An article's references, in their order in the article."""

    ordering = ("position", "id")
