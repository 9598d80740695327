"""Log in via your institution: discovery, AuthnRequest, assertion consumer, metadata."""

from __future__ import annotations

import datetime
import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from saml2 import BINDING_HTTP_POST
from saml2.time_util import str_to_time

from masthead.access import saml
from masthead.access.models import IdentityProvider
from masthead.access.models_saml import ConsumedSamlMessage
from masthead.access.sessions import remember_institution

logger = logging.getLogger(__name__)

OUTSTANDING_KEY = "masthead.saml.outstanding"
MAX_OUTSTANDING = 10
OUTSTANDING_LIFETIME = 3600  # seconds a reader may take to log in at their IdP
REPOST_FIELD = "masthead_repost"


@never_cache
@require_GET
def sso(request: HttpRequest) -> HttpResponse:
    """Without entityID: the discovery page. With it (a WAYFless link): off to the IdP."""
    target = saml.safe_target(request, request.GET.get("target"))
    entity_id = request.GET.get("entityID", "").strip()
    if not entity_id:
        return discovery(request, target)
    idp = saml.registered_idp(entity_id)
    if idp is None:
        return _error(request, "This institution is not known to us.", status=404, target=target)
    try:
        request_id, location = saml.authn_request_location(entity_id, relay_state=target)
    except Exception:  # noqa: BLE001 - pysaml2 raises many kinds; all mean "cannot start"
        logger.exception("SAML: cannot start a login at %s", entity_id)
        return _error(
            request,
            f"Login via {idp} cannot be started at the moment (its metadata is not available).",
            status=502,
            target=target,
        )
    now = int(time.time())
    outstanding = {
        key: value
        for key, value in request.session.get(OUTSTANDING_KEY, {}).items()
        if now - value.get("at", 0) < OUTSTANDING_LIFETIME
    }
    outstanding[request_id] = {"idp": entity_id, "target": target, "at": now}
    newest = sorted(outstanding.items(), key=lambda item: item[1]["at"])[-MAX_OUTSTANDING:]
    request.session[OUTSTANDING_KEY] = dict(newest)
    return HttpResponseRedirect(location)


def discovery(request: HttpRequest, target: str) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    providers = IdentityProvider.objects.filter(institution__is_active=True).select_related(
        "institution"
    )
    if query:
        providers = providers.filter(
            Q(display_name__icontains=query)
            | Q(institution__name__icontains=query)
            | Q(entity_id__icontains=query)
        )
    providers = providers.order_by("institution__name", "display_name", "entity_id")[:200]
    choices = [
        {
            "name": idp.display_name or idp.institution.name,
            "institution": idp.institution.name,
            "href": "?" + urlencode({"entityID": idp.entity_id, "target": target}),
        }
        for idp in providers
    ]
    context = {
        "choices": choices,
        "query": query,
        "target": target,
    }
    return render(request, "access/saml_discovery.html", context)


@never_cache
@csrf_exempt  # the IdP posts here; the response's signature and InResponseTo protect it
@require_POST
def acs(request: HttpRequest) -> HttpResponse:
    encoded = request.POST.get("SAMLResponse", "")
    if not encoded:
        return _error(request, "The login response is missing.")
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        # A cross-site POST carries no SameSite=Lax cookie: post once more from our own page.
        if request.POST.get(REPOST_FIELD):
            return _error(request, "Your browser must accept cookies from this site to log in.")
        context = {
            "action": request.path,
            "saml_response": encoded,
            "relay_state": request.POST.get("RelayState", ""),
            "repost_field": REPOST_FIELD,
        }
        return render(request, "access/saml_repost.html", context)
    outstanding = request.session.get(OUTSTANDING_KEY, {})
    try:
        identity = _verify(request, encoded, outstanding)
    except saml.SamlError as error:
        logger.warning("SAML login refused: %s", error)
        return _error(request, str(error))
    issuer, attributes, request_id = identity
    outstanding = dict(outstanding)
    expected = outstanding.pop(request_id)
    request.session[OUTSTANDING_KEY] = outstanding
    idp = saml.registered_idp(issuer)
    if idp is None:
        logger.warning("SAML login refused: %s is no institution's identity provider", issuer)
        return _error(request, "Your institution does not have access through this site.", 403)
    if not saml.is_member(idp, attributes):
        logger.info("SAML login refused: %s released no qualifying attributes", issuer)
        return _error(
            request,
            f"{idp.institution.name} did not confirm that you may use its subscriptions.",
            403,
        )
    request.session.cycle_key()  # a new session id now that the session proves something
    remember_institution(request, idp.institution_id)
    target = saml.safe_target(request, expected.get("target"))
    return HttpResponseRedirect(target)


def _verify(request: HttpRequest, encoded: str, outstanding: dict) -> tuple[str, dict, str]:
    """(issuer, attributes, request id) of a valid response to one of our requests."""
    xml = saml.decode_saml_response(encoded)
    facts = saml.check_response_xml(xml, audience=saml.sp_entity_id(), destination=saml.acs_url())
    if not facts.in_response_to or facts.in_response_to not in outstanding:
        raise saml.SamlError("This login response does not answer a login started here.")
    try:
        response = saml.client().parse_authn_request_response(
            encoded,
            BINDING_HTTP_POST,
            outstanding={key: value["target"] for key, value in outstanding.items()},
        )
    except saml.SamlError:
        raise
    except Exception as error:  # noqa: BLE001 - pysaml2's many exceptions: all are refusals
        logger.info("SAML response refused by pysaml2: %r", error)
        raise saml.SamlError("The login response could not be verified.") from None
    if response is None or response.assertion is None:
        raise saml.SamlError("The login response could not be verified.")
    if response.in_response_to != facts.in_response_to:
        raise saml.SamlError("This login response does not answer a login started here.")
    issuer = response.issuer()
    if issuer != outstanding[facts.in_response_to].get("idp"):
        raise saml.SamlError("The login response came from another identity provider.")
    if response.assertion.issuer is not None and (
        (response.assertion.issuer.text or "").strip() != issuer
    ):
        raise saml.SamlError("The assertion's issuer is not the response's issuer.")
    if response.assertion.signature is None:
        raise saml.SamlError("The assertion is not signed.")
    if response.response.encrypted_assertion or facts.assertion_id != response.assertion.id:
        saml.check_decrypted_xml(response.xmlstr, audience=saml.sp_entity_id())
    issued = _as_datetime(response.response.issue_instant)
    skew = datetime.timedelta(seconds=getattr(settings, "MASTHEAD_SAML_CLOCK_SKEW", 60))
    now = timezone.now()
    if issued is None or not (now - saml.MAX_RESPONSE_AGE - skew <= issued <= now + skew):
        raise saml.SamlError("The login response is too old; please log in again.")
    ids = [f"response:{response.response.id}", f"assertion:{response.assertion.id}"]
    if not ConsumedSamlMessage.consume(ids, issuer, _keep_until(response, now)):
        raise saml.SamlError("This login response has already been used.")
    return issuer, dict(response.ava or {}), facts.in_response_to


def _keep_until(response, now: datetime.datetime) -> datetime.datetime:
    """Until when a replay would otherwise pass: the latest NotOnOrAfter, at least a day."""
    times = []
    assertion = response.assertion
    if assertion.conditions is not None:
        times.append(_as_datetime(assertion.conditions.not_on_or_after))
    if assertion.subject is not None:
        for confirmation in assertion.subject.subject_confirmation or []:
            data = confirmation.subject_confirmation_data
            if data is not None:
                times.append(_as_datetime(data.not_on_or_after))
    known = [t for t in times if t is not None]
    return max([now + datetime.timedelta(days=1), *known])


def _as_datetime(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        parsed = str_to_time(value)
    except Exception:  # noqa: BLE001
        return None
    if parsed is None:
        return None
    return datetime.datetime(*parsed[:6], tzinfo=datetime.UTC)


def _error(request: HttpRequest, message: str, status: int = 400, target: str = "") -> HttpResponse:
    context = {
        "message": message,
        "target": target,
    }
    return render(request, "access/saml_error.html", context, status=status)


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    return HttpResponse(saml.metadata_xml(), content_type="application/samlmetadata+xml")
