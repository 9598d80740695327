"""Public pages. Views only look things up, ask the access decision and render."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from masthead.access.accounts import time_left
from masthead.access.decision import Action, Decision
from masthead.access.services import decide_for_request, is_staff
from masthead.catalog.models import Article, Contributor, Issue, Journal
from masthead.citations.export import FORMATS, export
from masthead.citations.page import cited_by
from masthead.citations.styles import STYLES, format_citation
from masthead.commerce.pricing import offers_for_article
from masthead.reader.citing import cited_work, download_name
from masthead.reader.fragments import article_fragments, full_text_fragment
from masthead.reader.lookup import ArticleRef, find_article, load_article
from masthead.reader.page_cache import cached_text
from masthead.related.models import TAB_CHOICES
from masthead.related.page import related_lists
from masthead.related.suggestion import ALSO_READ, RECOMMENDED, TABS
from masthead.usage import counter
from masthead.usage.services import record
from masthead.usage.views_count import views_count


def home(request):
    counted = Journal.objects.annotate(article_count=Count("articles"))
    featured = counted.filter(is_featured=True).order_by("title")
    largest = counted.filter(is_featured=False).order_by("-article_count", "title")[:20]
    return render(request, "reader/home.html", {"featured": featured, "largest": largest})


def journal_list(request):
    journals = Journal.objects.annotate(article_count=Count("articles")).order_by("title")
    page = Paginator(journals, 100).get_page(request.GET.get("page"))
    return render(request, "reader/journal_list.html", {"page": page})


def journal(request, code):
    journal = get_object_or_404(Journal.objects.select_related("publisher"), code=code)
    issues = list(journal.issues.all()[:200])
    current = issues[0] if issues else None
    latest = _with_authors(journal.articles.visible())[:10]
    return render(
        request,
        "reader/journal.html",
        {"journal": journal, "issues": issues, "current": current, "latest": latest},
    )


def toc(request, code, volume, number):
    number = "" if number == "0" else number
    issue = get_object_or_404(
        Issue.objects.select_related("journal", "journal__publisher"),
        journal__code=code,
        volume=volume,
        number=number,
    )
    articles = _with_authors(issue.articles.visible()).order_by("position", "first_page", "pk")
    sections: dict[str, list[Article]] = {}
    for article in articles:
        sections.setdefault(article.section or "Articles", []).append(article)
    return render(
        request, "reader/toc.html", {"issue": issue, "journal": issue.journal, "sections": sections}
    )


def article(request, doi):
    ref = find_article(doi, preview=is_staff(request))
    if ref.doi != doi:
        return redirect("reader:article", ref.doi, permanent=True)
    decision = decide_for_request(request, ref, Action.FULL_TEXT, serving=False)
    record(request, ref, counter.ABSTRACT)
    return _article_page(request, ref, decision, denied=False)


def full_text(request, doi):
    ref = find_article(doi, preview=is_staff(request))
    if ref.doi != doi or not ref.has_full_text:
        target = "reader:full_text" if ref.has_full_text else "reader:article"
        return redirect(target, ref.doi)
    decision = decide_for_request(request, ref, Action.FULL_TEXT)
    if not decision.allowed:
        return denied_page(request, ref, decision)
    record(request, ref, counter.FULL_TEXT)

    def render_full_text() -> str:
        article = load_article(ref)
        context = {
            "article": article,
            "decision": decision,
            "metrics": _metrics(ref),
            **full_text_fragment(article, ref.stamp),
        }
        return render_to_string("reader/full_text.html", context, request)

    page = cached_text(request, f"full:{ref.stamp}:{decision.reason}", render_full_text)
    return HttpResponse(_with_views(page, ref))


def cite(request, doi):
    ref = find_article(doi, preview=is_staff(request))
    fmt = request.GET.get("format")
    if fmt and fmt not in FORMATS:
        message = f"Unknown citation format: {fmt[:40]}"
        return HttpResponse(message, status=400, content_type="text/plain")
    article = load_article(ref)
    work = cited_work(article)
    if fmt:
        record(request, ref, counter.CITATION_EXPORT)
        spec = FORMATS[fmt]
        response = HttpResponse(export(work, fmt), content_type=f"{spec.media_type}; charset=utf-8")
        name = f"{download_name(article)}.{spec.extension}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    citations = [(label, format_citation(work, key)) for key, label in STYLES.items()]
    context = {"article": article, "citations": citations, "formats": FORMATS}
    return render(request, "reader/cite.html", context)


def jats_xml(request, doi):
    """The article's JATS source, for entitled readers and machines."""
    ref = find_article(doi, preview=is_staff(request))
    decision = decide_for_request(request, ref, Action.XML)
    if not decision.allowed:
        return denied_page(request, ref, decision)
    article = load_article(ref)
    if article.source_format != "jats" or not article.source_xml:
        raise Http404("No JATS source for this article")
    # The platform's dedicated end-point for text and data mining (7.10): its downloads
    # are Requests with Access_Method TDM, kept out of the Standard Views and of Views.
    record(request, ref, counter.FULL_TEXT, access_method="TDM")
    response = HttpResponse(article.source_xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{download_name(article)}.xml"'
    if not ref.is_open_access:
        response["Cache-Control"] = "private"
    return response


def cited_by_page(request, doi):
    """Every work known to cite the article, newest first, 100 to a page."""
    ref = find_article(doi, preview=is_staff(request))
    if ref.doi != doi:
        return redirect("reader:cited_by", ref.doi, permanent=True)
    page = Paginator(range(ref.cited_by), CITED_BY_PAGE).get_page(request.GET.get("page"))
    items = (
        cited_by(ref.pk, limit=CITED_BY_PAGE, offset=page.start_index() - 1) if ref.cited_by else []
    )
    context = {"article": load_article(ref), "items": items, "page": page, "total": ref.cited_by}
    return render(request, "reader/cited_by.html", context)


def related_page(request, doi):
    """All stored articles of one Related Research tab (the tab shows five)."""
    tab = request.GET.get("tab", RECOMMENDED)
    if tab not in TABS:
        return HttpResponse("Unknown tab", status=400, content_type="text/plain")
    ref = find_article(doi, preview=is_staff(request))
    if ref.doi != doi:
        return redirect(f"{reverse('reader:related', args=[ref.doi])}?tab={tab}", permanent=True)
    lists = related_lists(ref.pk, limit=None, tab=tab)
    context = {
        "article": load_article(ref),
        "tab": tab,
        "heading": dict(TAB_CHOICES)[tab],
        "items": lists.of(tab),
        "also_read_filled": tab == ALSO_READ and lists.also_read_filled,
    }
    return render(request, "reader/related.html", context)


def doi_redirect(request, doi):
    return redirect("reader:article", find_article(doi, is_staff(request)).doi, permanent=True)


ACCESS_BOX_SLOT = "<!-- masthead:access-box -->"
VIEWS_SLOT = "<!-- masthead:views -->"
CSRF_SLOT = "masthead:csrf-token"


CITED_BY_PAGE = 100


def _metrics(ref: ArticleRef) -> dict:
    """The metrics bar: Views filled in per request, the stored merged citation count."""
    return {"views": mark_safe(VIEWS_SLOT), "citations": ref.cited_by}  # noqa: S308 - a constant


def _with_views(page: str, ref: ArticleRef) -> str:
    """Fill the Views count (at most a minute behind) into a page cached for longer."""
    return page.replace(VIEWS_SLOT, f"{views_count(ref.pk):,}", 1)


def denied_page(request, ref: ArticleRef, decision: Decision) -> HttpResponse:
    """Content the reader may not have: a COUNTER denial, and the abstract page instead."""
    record(request, ref, counter.DENIED, denied=decision.reason)
    record(request, ref, counter.ABSTRACT)
    return _article_page(request, ref, decision, denied=True)


def _article_page(request, ref: ArticleRef, decision: Decision, denied: bool) -> HttpResponse:
    """The article page; `denied` when it stands in for full text the reader may not read.

    The page is cached per access reason with a slot for the access box, and the box apart
    per institution: a thousand campuses share one cached page and differ in a small box.
    """
    loaded: list[Article] = []

    def article() -> Article:
        if not loaded:
            loaded.append(load_article(ref))
        return loaded[0]

    def render_box() -> str:
        offers = [] if decision.allowed else offers_for_article(article())
        context = {
            "article": article(),
            "decision": decision,
            "offers": offers,
            "csrf_slot": mark_safe(CSRF_SLOT),  # noqa: S308 - a constant
            "time_left": time_left(decision.ends_at, timezone.now()) if decision.ends_at else "",
        }
        return render_to_string("reader/_access_box.html", context, request)

    def render_shell() -> str:
        context = {
            "article": article(),
            "decision": decision,
            "denied": denied,
            "access_box": mark_safe(ACCESS_BOX_SLOT),  # noqa: S308 - a constant
            "metrics": _metrics(ref),
            "related": {"cited_by": cited_by(ref.pk), "lists": related_lists(ref.pk)},
            **article_fragments(article(), ref.stamp),
        }
        return render_to_string("reader/article.html", context, request)

    shell = cached_text(request, f"abs:{ref.stamp}:{decision.reason}:{int(denied)}", render_shell)
    box = cached_text(request, f"box:{ref.stamp}:{decision.key}", render_box)
    if CSRF_SLOT in box:  # the cached box's forms get this reader's own token
        box = box.replace(CSRF_SLOT, get_token(request))
    return HttpResponse(_with_views(shell.replace(ACCESS_BOX_SLOT, box, 1), ref))


def _with_authors(articles):
    authors = Contributor.objects.filter(role="author").only(
        "article_id", "role", "given_names", "surname", "suffix", "collab", "position"
    )
    return articles.select_related("issue").prefetch_related(Prefetch("contributors", authors))
