"""Figure images and supplementary files, served through the one access decision."""

from django.http import FileResponse, Http404
from django.urls import NoReverseMatch, reverse

from masthead.access.decision import Action
from masthead.access.services import decide_for_request, is_staff
from masthead.catalog.file_types import INLINE_TYPES
from masthead.catalog.models import ArticleAsset
from masthead.reader.lookup import find_article
from masthead.usage import counter
from masthead.usage.services import record

OPEN_ACCESS_MAX_AGE = 24 * 3600


def asset_url(doi: str, name: str) -> str:
    return reverse("reader:asset", args=[name]) + "?" + _query(doi)


def asset_urls(article) -> dict[str, str]:
    """name -> URL for the article's uploads (one query), for the full text's links."""
    names = list(ArticleAsset.objects.filter(article=article).values_list("name", flat=True))
    try:
        return {name: asset_url(article.doi, name) for name in names}
    except NoReverseMatch:  # the asset route is not installed: link nothing
        return {}


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
        from masthead.reader.views import _denied_page  # views imports this app's modules

        return _denied_page(request, ref, decision)
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


def _query(doi: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"doi": doi}, safe="/")
