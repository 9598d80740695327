"""What every page's template knows: the site's name."""

from django.conf import settings


def site(request) -> dict:
    return {"site_name": settings.MASTHEAD_SITE_NAME}
