"""/search: the results page. The view reads the form, asks `search()`, and renders.

A DOI or an ISSN typed as the whole search goes straight to the article or the journal.
Searches are counted per address (shared across processes with Redis): past the limit,
a 429 page. Bad input (a 10 kB query, NUL bytes, a page past the last one we serve) is a 400 page
that says what to change, with the form to change it in.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.shortcuts import redirect, render

from masthead.access.accounts import Limit, count_attempt, counted_address
from masthead.access.services import request_ip
from masthead.catalog.models import Journal
from masthead.discovery.search import (
    QueryError,
    SearchParams,
    article_types,
    exact_match,
    journal_counts,
    search,
)
from masthead.discovery.search_access import scope_for_request

PAGE_SIZE = 20
# Per address (a campus behind one NAT shares it): generous for people, a brake on scrapers.
SEARCHES_PER_IP = Limit("search-ip", attempts=300, window=60)
SORTS = [("relevance", "Relevance"), ("date", "Newest first")]


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search articles",
        required=False,
        widget=forms.SearchInput(
            attrs={"id": "search-q", "placeholder": "Words, “a phrase”, -exclude"}
        ),
    )
    author = forms.CharField(required=False)
    title = forms.CharField(required=False)
    doi = forms.CharField(label="DOI", required=False)
    issn = forms.CharField(label="ISSN", required=False)
    journal = forms.CharField(required=False, widget=forms.HiddenInput)
    year_from = forms.IntegerField(
        label="From year", required=False, min_value=1000, max_value=9999
    )
    year_to = forms.IntegerField(label="To year", required=False, min_value=1000, max_value=9999)
    type = forms.ChoiceField(label="Article type", required=False)
    oa = forms.BooleanField(label="Open access only", required=False)
    access = forms.BooleanField(label="Only content I can access", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=SORTS)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, *args, types: list[str], **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["type"].choices = [("", "Any type")] + [(t, type_label(t)) for t in types]
        for name in ("year_from", "year_to"):
            self.fields[name].widget.attrs.update(inputmode="numeric", size=4)

    def params(self) -> SearchParams:
        data = self.cleaned_data
        return SearchParams(
            q=data["q"],
            author=data["author"],
            title=data["title"],
            doi=data["doi"],
            issn=data["issn"],
            journal=data["journal"],
            year_from=data["year_from"],
            year_to=data["year_to"],
            article_type=data["type"],
            open_access=data["oa"],
            accessible_only=data["access"],
            sort=data["sort"] or "relevance",
            page=data["page"] or 1,
            page_size=PAGE_SIZE,
        )


def type_label(article_type: str) -> str:
    return article_type.replace("-", " ").replace("_", " ").capitalize()


def search_page(request):
    form = SearchForm(request.GET or None, types=article_types())
    context = {"form": form, "results": None, "error": ""}
    if not request.GET:
        return render(request, "discovery/search.html", context)
    if not form.is_valid():
        context["error"] = " ".join(
            f"{form.fields[name].label or name.capitalize()}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        return render(request, "discovery/search.html", context, status=400)
    params = form.params()
    target = exact_match(params)
    if target:
        return redirect(target)
    if (
        count_attempt(SEARCHES_PER_IP, counted_address(request_ip(request)))
        > SEARCHES_PER_IP.attempts
    ):
        context["error"] = "Too many searches from your network in the last minute; please wait."
        response = render(request, "discovery/search.html", context, status=429)
        response["Retry-After"] = str(SEARCHES_PER_IP.window)
        return response
    scope = scope_for_request(request) if params.accessible_only else None
    try:
        results = search(params, scope)
        journals = journal_counts(params, scope) if results.total and not params.journal else []
    except QueryError as error:
        context["error"] = str(error)
        return render(request, "discovery/search.html", context, status=400)
    context.update(_links(request.GET, results, journals if len(journals) > 1 else []))
    context.update(
        results=results,
        journal=Journal.objects.filter(code=params.journal).first() if params.journal else None,
        advanced=any(getattr(params, f) for f in ("author", "title", "doi", "issn")),
    )
    return render(request, "discovery/search.html", context)


def _links(query: QueryDict, results, journals) -> dict:
    """Where the page's links lead: other pages, a journal to narrow to, all journals."""
    last = results.pages
    return {
        "journals": [(code, title, n, _link(query, journal=code)) for code, title, n in journals],
        "all_journals": _link(query, journal=None),
        "pages": [(n, n and _link(query, page=n)) for n in page_numbers(results)],
        "previous": _link(query, page=results.page - 1) if results.page > 1 else "",
        "next": _link(query, page=results.page + 1) if results.page < last else "",
    }


def page_numbers(results, around: int = 2) -> list[int | None]:
    """The page links to show: the first, the last, and a few around the current one;
    None stands for the gap between them."""
    last, current = results.pages, results.page
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        if n < 1:
            continue
        if numbers and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers if last > 1 else []


def _link(query: QueryDict, **changes) -> str:
    """This search's query string with some parameters changed (None: removed); a new
    filter starts again at page 1."""
    query = query.copy()
    if "page" not in changes:
        query.pop("page", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None and not (name == "page" and value == 1):
            query[name] = str(value)
    return "?" + query.urlencode()
