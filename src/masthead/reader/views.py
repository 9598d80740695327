"""Public pages. Views only look things up, ask the access decision and render."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from masthead.access.decision import Action, Decision
from masthead.access.services import decide_for_request
from masthead.catalog.models import Article, Contributor, Issue, Journal
from masthead.citations.export import FORMATS, export
from masthead.citations.styles import STYLES, format_citation
from masthead.commerce.pricing import offers_for_article
from masthead.reader.citing import cited_work, download_name
from masthead.reader.fragments import article_fragments, full_text_fragment


def home(request):
    journals = Journal.objects.annotate(article_count=Count("articles")).order_by(
        "-article_count", "title"
    )[:60]
    return render(request, "reader/home.html", {"journals": journals})


def journal_list(request):
    journals = Journal.objects.annotate(article_count=Count("articles")).order_by("title")
    page = Paginator(journals, 100).get_page(request.GET.get("page"))
    return render(request, "reader/journal_list.html", {"page": page})


def journal(request, code):
    journal = get_object_or_404(Journal.objects.select_related("publisher"), code=code)
    issues = list(journal.issues.all()[:200])
    current = issues[0] if issues else None
    latest = _with_authors(journal.articles.filter(is_published=True))[:10]
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
    articles = _with_authors(issue.articles.filter(is_published=True)).order_by(
        "position", "first_page", "pk"
    )
    sections: dict[str, list[Article]] = {}
    for article in articles:
        sections.setdefault(article.section or "Articles", []).append(article)
    return render(
        request, "reader/toc.html", {"issue": issue, "journal": issue.journal, "sections": sections}
    )


def article(request, doi):
    article = _article_or_404(doi)
    if article.doi != doi:
        return redirect("reader:article", article.doi, permanent=True)
    return _article_page(request, article)


def full_text(request, doi):
    article = _article_or_404(doi)
    if article.doi != doi or not article.has_full_text:
        return redirect(
            "reader:full_text" if article.has_full_text else "reader:article", article.doi
        )
    decision = decide_for_request(request, article, Action.FULL_TEXT)
    if not decision.allowed:
        return _article_page(request, article, decision)
    context = {"article": article, "decision": decision}
    context.update(full_text_fragment(article))
    return render(request, "reader/full_text.html", context)


def cite(request, doi):
    article = _article_or_404(doi)
    work = cited_work(article)
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            return HttpResponse(
                f"Unknown citation format: {fmt[:40]}", status=400, content_type="text/plain"
            )
        spec = FORMATS[fmt]
        response = HttpResponse(export(work, fmt), content_type=f"{spec.media_type}; charset=utf-8")
        name = f"{download_name(article)}.{spec.extension}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    citations = [(label, format_citation(work, key)) for key, label in STYLES.items()]
    return render(
        request,
        "reader/cite.html",
        {"article": article, "citations": citations, "formats": FORMATS},
    )


def doi_redirect(request, doi):
    article = _article_or_404(doi)
    return redirect("reader:article", article.doi, permanent=True)


def _article_page(request, article: Article, denied: Decision | None = None):
    """The article page; `denied` is the decision that refused the full text asked for."""
    decision = denied or decide_for_request(request, article, Action.FULL_TEXT)
    offers = [] if decision.allowed else offers_for_article(article)
    context = {
        "article": article,
        "decision": decision,
        "offers": offers,
        "denied": denied is not None,
        "site_name": settings.MASTHEAD_SITE_NAME,
    }
    context.update(article_fragments(article))
    return render(request, "reader/article.html", context)


def _article_or_404(doi: str) -> Article:
    related = Article.objects.select_related("journal", "journal__publisher", "issue")
    found = related.filter(doi=doi).first() or related.filter(doi__iexact=doi).first()
    if found is None or not found.is_published:
        raise Http404("No article with this DOI")
    if found.issue is not None:
        found.issue.journal = found.journal  # the same row: spare the page a query
    return found


def _with_authors(articles):
    authors = Contributor.objects.filter(role="author").only(
        "article_id", "role", "given_names", "surname", "suffix", "collab", "position"
    )
    return articles.select_related("issue").prefetch_related(Prefetch("contributors", authors))
