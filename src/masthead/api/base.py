"""What every API response carries: caching and CORS headers by who asked and what."""

from django.conf import settings
from django.utils.cache import patch_vary_headers
from drf_spectacular.views import SpectacularJSONAPIView


class ApiResponseMixin:
    # Anonymous GETs that succeed may be cached by anyone and read by any site's scripts;
    # anything with a token, any write and any error is private and never stored.
    # (A comment, not a docstring: the OpenAPI description takes views' docstrings.)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        anonymous = not request.META.get("HTTP_AUTHORIZATION")
        if request.method in ("GET", "HEAD") and anonymous:
            response["Access-Control-Allow-Origin"] = "*"
            if 200 <= response.status_code < 300:
                max_age = settings.MASTHEAD_API_CACHE_SECONDS
                response["Cache-Control"] = f"public, max-age={max_age}"
            else:
                response["Cache-Control"] = "no-store"
        else:
            response["Cache-Control"] = "private, no-store"
        patch_vary_headers(response, ["Authorization"])
        return response


class OpenApiView(ApiResponseMixin, SpectacularJSONAPIView):
    """The OpenAPI 3 description of this API, as JSON."""
