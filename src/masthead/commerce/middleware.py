"""The header's cart badge: filled into every HTML page after rendering, because the
page itself may be a cached copy shared by every anonymous reader."""

from masthead.commerce import cart

CART_SLOT = b"<!-- masthead:cart -->"


class CartBadgeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "streaming", False) or "html" not in response.get("Content-Type", ""):
            return response
        if CART_SLOT not in response.content:
            return response
        count = cart.count(request)
        response.content = response.content.replace(
            CART_SLOT, f" ({count})".encode() if count else b"", 1
        )
        return response
