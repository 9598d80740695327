"""{% load library %}{% library_link user %}: a link to the library portal for those who
administer an institution, nothing for anyone else (one query, signed-in users only)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from masthead.library.models import InstitutionAdministrator

register = template.Library()


@register.simple_tag
def library_link(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    if not InstitutionAdministrator.objects.filter(user=user).exists():
        return ""
    return format_html(
        '<p class="library-link"><a href="{}">Library portal</a>: your institution\'s '
        "licences, usage and SUSHI credentials</p>",
        reverse("library:home"),
    )
