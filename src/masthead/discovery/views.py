"""robots.txt and the XML sitemaps. Views only look up and render."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from masthead.catalog.models import Journal
from masthead.discovery.sitemap_xml import robots_txt as robots_text
from masthead.discovery.sitemap_xml import sitemap_index as index_xml
from masthead.discovery.sitemap_xml import urlset
from masthead.discovery.sitemaps import absolute, index_locations, journal_locations

# Paths of a reader's own business or the staff's: nothing there for an index.
PRIVATE = (
    "/admin/",
    "/back-office/",
    "/cart",
    "/checkout",
    "/my-access",
    "/orders/",
    "/pay/",
    "/payments/",
    "/login/",
    "/logout/",
    "/register/",
    "/password-",
    "/verify-email/",
    "/saml/",
    "/demo-idp/",
    "/sushi/",
    "/access/kbart/",
    # Endless result pages and machine interfaces: crawlers find articles through the
    # sitemaps; harvesters and programs use /oai and /api/v1/ under their own rules.
    "/search",
    "/api/",
    "/alerts/",
)
MAX_AGE = 3600


def robots_txt(request):
    text = robots_text(absolute(reverse("discovery:sitemap_index")), PRIVATE)
    return _response(text, "text/plain; charset=utf-8")


def sitemap_index(request):
    return _response(index_xml(index_locations()), "application/xml")


def journal_sitemap(request, code, page):
    journal = get_object_or_404(Journal, code=code)
    locations = journal_locations(journal, page)
    if locations is None:
        raise Http404("No such sitemap page")
    return _response(urlset(locations), "application/xml")


def _response(body, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
