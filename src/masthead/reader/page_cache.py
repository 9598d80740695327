"""Pages and page parts for anonymous readers, cached under everything they depend on.

The key holds the article's stamp (its version and its journal's and issue's change
times, prices included) and what of the access decision the part shows, so a change
anywhere makes the next request render afresh and nothing is ever purged. Signed-in
readers, and anything whose rendering sets a cookie (a CSRF token, a session), are never
served from here.
"""

from collections.abc import Callable

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest

PAGE_TTL = 3600


def cached_text(request: HttpRequest, key: str, render: Callable[[], str]) -> str:
    """A page, or a part of one, rendered once for every anonymous reader it fits."""
    if request.method != "GET" or request.user.is_authenticated or _has_messages(request):
        return render()
    key = f"reader:part:{key}"
    text = cache.get(key)
    if text is None:
        text = render()
        if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # a form with a token: not shared
            cache.set(key, text, PAGE_TTL)
    return text


def _has_messages(request: HttpRequest) -> bool:
    """A one-off message ("added to your cart") is this reader's alone: never shared."""
    return bool(len(get_messages(request)))
