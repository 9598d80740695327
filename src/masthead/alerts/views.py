"""Alert pages: subscribe (a confirmation with a POST form), My alerts, and the e-mails'
unsubscribe link. Thin: the state changes are in alerts/services.py.

The journal and article pages link here with plain GET links, so those cached pages hold
no CSRF token and nothing of the reader; these pages are never cached.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from masthead.access.accounts import email_verified
from masthead.alerts import services
from masthead.alerts.tokens import read_token
from masthead.catalog.models import Article, Journal, doi_key

MAX_PARAM = 255


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """`?journal=<code>`: new-issue alerts; `?article=<doi>`: citation alerts."""
    code = request.GET.get("journal", "").strip()[:MAX_PARAM]
    doi = request.GET.get("article", "").strip()[:MAX_PARAM]
    if bool(code) == bool(doi):
        return _problem(
            request,
            400,
            "Which alert?",
            "Name a journal (?journal=code) or an article (?article=DOI).",
        )
    journal = article = None
    if code:
        journal = Journal.objects.filter(code=code).first()
        target = journal
    else:
        article = Article.objects.visible().select_related("journal").filter(doi_key=doi_key(doi))
        article = target = article.first()
    if target is None:
        what = "journal" if code else "article"
        return _problem(request, 404, f"No such {what}", f"We have no {what} {code or doi}.")
    if request.method == "POST":
        _, created = services.subscribe(request.user, journal=journal, article=article)
        if journal:
            text = f"You will get an e-mail when a new issue of {journal.title} is out."
        else:
            text = "You will get an e-mail when a new work cites this article."
        messages.success(request, text if created else "You already have this alert.")
        return redirect(target.get_absolute_url())
    context = {
        "journal": journal,
        "article": article,
        "subscription": services.subscription_for(request.user, journal=journal, article=article),
        "email_verified": email_verified(request.user),
    }
    return render(request, "alerts/subscribe.html", context)


@never_cache
@login_required
def my_alerts(request: HttpRequest) -> HttpResponse:
    context = {
        "subscriptions": services.subscriptions_of(request.user),
        "email_verified": email_verified(request.user),
    }
    return render(request, "alerts/my_alerts.html", context)


@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    pk = request.POST.get("subscription", "")
    if not pk.isdigit() or len(pk) > 18:
        return _problem(request, 400, "Which alert?", "The form did not say which alert to stop.")
    if services.unsubscribe(request.user, int(pk)):
        messages.success(request, "Alert removed.")
    else:
        messages.info(request, "That alert was already removed.")
    return redirect("alerts:my_alerts")


@csrf_exempt  # authenticated by the token's signature; RFC 8058 one-click POSTs carry no cookie
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link would stop, and a button (mail scanners follow links: a GET
    changes nothing). POST, from the button or the mail client's one-click: stop it."""
    named = read_token(token)
    if named is None:
        return _problem(
            request,
            400,
            "This unsubscribe link is not valid",
            "It may have been cut short or changed. Copy the whole link from the e-mail, "
            "or log in and stop the alert from My alerts.",
        )
    subscriptions = list(services.named_subscriptions(named))
    done = request.method == "POST"
    if done:
        services.unsubscribe_named(named)
    context = {"subscriptions": subscriptions, "done": done}
    response = render(request, "alerts/unsubscribe.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the token stays out of other sites' logs
    return response


def _problem(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    context = {"title": title, "message": message}
    return render(request, "alerts/problem.html", context, status=status)
