"""The article PDF, behind the access decision: stamped for each download with who
downloaded it and when (open-access PDFs carry their licence instead)."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from masthead.access.decision import Action, Decision, Reason
from masthead.access.services import decide_for_request, is_staff
from masthead.pdf.services import PdfUnavailable, download_bytes, pdf_for
from masthead.reader.citing import download_name
from masthead.reader.lookup import find_article, load_article
from masthead.reader.views import _denied_page
from masthead.usage import counter
from masthead.usage.services import record


def pdf(request, doi):
    ref = find_article(doi, preview=is_staff(request))
    if ref.doi != doi:
        return redirect("reader:pdf", ref.doi)
    decision = decide_for_request(request, ref, Action.PDF)
    if not decision.allowed:
        return _denied_page(request, ref, decision)
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
