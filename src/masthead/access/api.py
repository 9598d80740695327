"""A GetFTR-style entitlement answer: may the caller read this DOI's full text, and where."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from masthead.access.decision import Action
from masthead.access.services import decide_for_request
from masthead.reader.lookup import find_article


@require_GET
def entitlements(request):
    doi = request.GET.get("doi", "").strip()
    if not doi:
        return JsonResponse({"error": "give a DOI: ?doi=10.5555/..."}, status=400)
    ref = find_article(doi)
    decision = decide_for_request(request, ref, Action.FULL_TEXT, serving=False)
    base = settings.MASTHEAD_BASE_URL
    body = {
        "doi": ref.doi,
        "has_access": decision.allowed,
        "reason": decision.reason.value,
        "institution": decision.institution_name or None,
        "landing_page": base + reverse("reader:article", args=[ref.doi]),
        "full_text": base + reverse("reader:full_text", args=[ref.doi])
        if decision.allowed and ref.has_full_text
        else None,
    }
    response = JsonResponse(body)
    response["Cache-Control"] = "private, no-store"
    response["Vary"] = "Cookie, X-Forwarded-For"
    return response
