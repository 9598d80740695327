"""Files behind the access decision: the article PDF, stamped for each download with who
downloaded it and when (open-access PDFs carry their licence instead), and the figure
images and supplementary files the publisher uploaded."""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from masthead.access.decision import Action, Decision, Reason
from masthead.access.services import decide_for_request, is_staff
from masthead.catalog.file_types import INLINE_TYPES
from masthead.catalog.models import ArticleAsset
from masthead.pdf.services import PdfUnavailable, download_bytes, pdf_for
from masthead.reader.citing import download_name
from masthead.reader.lookup import find_article, load_article
from masthead.reader.views import denied_page
from masthead.usage import counter
from masthead.usage.services import record

OPEN_ACCESS_MAX_AGE = 24 * 3600


def pdf(request, doi):
    ref = find_article(doi, preview=is_staff(request))
    if ref.doi != doi:
        return redirect("reader:pdf", ref.doi)
    decision = decide_for_request(request, ref, Action.PDF)
    if not decision.allowed:
        return denied_page(request, ref, decision)
    article = load_article(ref)
    if not ref.has_full_text and pdf_for(article) is None:
        raise Http404("This article has no PDF")
    try:
        data = download_bytes(article, downloaded_by(request, decision), timezone.now())
    except PdfUnavailable as error:
        return HttpResponse(
            str(error), status=503, content_type="text/plain", headers={"Retry-After": "60"}
        )
    record(request, ref, counter.PDF)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{download_name(article)}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"  # stamped for this reader
    return response


def downloaded_by(request, decision: Decision) -> str:
    """Who the stamp names: the institution that provides access, else the reader."""
    if decision.reason == Reason.LICENCE and decision.institution_name:
        return decision.institution_name
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.get_full_name() or user.email or user.get_username()
    return "a reader"


def asset(request, name):
    """/doi/asset/<name>?doi=<doi>: the DOI (which has slashes) in the query keeps it whole."""
    doi = request.GET.get("doi", "")
    if not doi:
        raise Http404("No DOI given")
    ref = find_article(doi, preview=is_staff(request))
    stored = ArticleAsset.objects.filter(article_id=ref.pk, name=name).first()
    if stored is None:
        raise Http404("No such file for this article")
    decision = decide_for_request(request, ref, Action.SUPPLEMENT)
    if not decision.allowed:
        return denied_page(request, ref, decision)
    kind = counter.FIGURE if stored.kind == ArticleAsset.FIGURE else counter.SUPPLEMENT
    record(request, ref, kind)
    inline = stored.content_type in INLINE_TYPES
    response = FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type or "application/octet-stream",
        as_attachment=not inline,
        filename=stored.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if stored.content_type == "image/svg+xml":  # belt and braces: no script even if one slipped in
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    if ref.is_open_access:
        response["Cache-Control"] = f"public, max-age={OPEN_ACCESS_MAX_AGE}"
    else:
        response["Cache-Control"] = "private"
    return response
