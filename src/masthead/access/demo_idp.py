"""A SAML identity provider served by the demo itself, so institutional login works offline.

Only answers when settings.MASTHEAD_DEMO is on. It trusts this site's SP metadata (built in
process, not fetched), signs its responses and assertions with its own key (generated once
into $MASTHEAD_HOME/saml/demo-idp.*), and writes its metadata to
$MASTHEAD_HOME/saml/demo-idp-metadata.xml, which the SP loads in demo mode.

Demo users (username / password): ``student`` / ``student-demo`` (has the
common-lib-terms entitlement: gets in), ``visitor`` / ``visitor-demo`` (no entitlement:
refused).
"""

from __future__ import annotations

import base64
import hmac
import secrets
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from masthead.access import saml

COMMON_LIB_TERMS = "urn:mace:dir:entitlement:common-lib-terms"
DEMO_SCOPE = "university.example"
DEMO_USERS = {
    "student": {
        "password": "student-demo",
        "attributes": {
            "eduPersonEntitlement": [COMMON_LIB_TERMS],
            "eduPersonScopedAffiliation": [f"member@{DEMO_SCOPE}", f"student@{DEMO_SCOPE}"],
            "displayName": ["Demo Student"],
        },
    },
    "visitor": {
        "password": "visitor-demo",
        "attributes": {
            "eduPersonScopedAffiliation": [f"affiliate@{DEMO_SCOPE}"],
            "displayName": ["Demo Visitor"],
        },
    },
}


def entity_id() -> str:
    return f"{settings.MASTHEAD_BASE_URL}/demo-idp/metadata"


def sso_url() -> str:
    return f"{settings.MASTHEAD_BASE_URL}/demo-idp/sso"


def idp_config_dict(
    idp_entity_id: str,
    idp_sso_url: str,
    key_file: str,
    cert_file: str,
    sp_metadata: list[str] | None = None,
) -> dict:
    """A pysaml2 IdP configuration (also used by the tests' identity provider)."""
    config = {
        "entityid": idp_entity_id,
        "xmlsec_binary": saml.xmlsec_binary(),
        "key_file": key_file,
        "cert_file": cert_file,
        "delete_tmpfiles": True,
        "service": {
            "idp": {
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "name": "Masthead demo university",
                "endpoints": {"single_sign_on_service": [(idp_sso_url, BINDING_HTTP_REDIRECT)]},
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "want_authn_requests_signed": False,
                "sign_response": True,
                "sign_assertion": True,
                "policy": {
                    "default": {
                        "lifetime": {"minutes": 5},
                        "attribute_restrictions": None,
                        "name_form": NAME_FORMAT_URI,
                    }
                },
            }
        },
    }
    if sp_metadata:
        config["metadata"] = {"inline": sp_metadata}
    return config


def build_server(
    idp_entity_id: str,
    idp_sso_url: str,
    key_file: str,
    cert_file: str,
    sp_metadata: list[str] | None = None,
) -> Server:
    conf = IdPConfig().load(
        idp_config_dict(idp_entity_id, idp_sso_url, key_file, cert_file, sp_metadata)
    )
    return Server(config=conf)


def _key_pair() -> tuple[str, str]:
    key_path, cert_path = saml.key_pair("demo-idp", "Masthead demo IdP")
    return str(key_path), str(cert_path)


def server() -> Server:
    key_file, cert_file = _key_pair()
    sp_metadata = saml.metadata_xml().decode("utf-8")
    return build_server(entity_id(), sso_url(), key_file, cert_file, [sp_metadata])


def metadata_xml() -> bytes:
    key_file, cert_file = _key_pair()
    conf = IdPConfig().load(idp_config_dict(entity_id(), sso_url(), key_file, cert_file))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + entity_descriptor(conf).to_string()


def metadata_file() -> Path:
    """The demo IdP's metadata as a file for the SP to load (rewritten if it changed)."""
    path = saml.saml_dir() / "demo-idp-metadata.xml"
    xml = metadata_xml()
    if not path.exists() or path.read_bytes() != xml:
        path.write_bytes(xml)
    return path


def ensure_demo_identity_provider(institution):
    """Register the demo IdP for `institution` (for the demo seed); returns the row."""
    from masthead.access.models import IdentityProvider

    idp, _ = IdentityProvider.objects.update_or_create(
        entity_id=entity_id(),
        defaults={
            "institution": institution,
            "display_name": f"{institution.name} (demo login)",
            "required_entitlement": COMMON_LIB_TERMS,
        },
    )
    return idp


def check_password(username: str, password: str) -> dict | None:
    """The demo user's attributes if the password is right, else None."""
    user = DEMO_USERS.get(username)
    expected = user["password"] if user else secrets.token_hex(8)
    if hmac.compare_digest(expected.encode(), password.encode()) and user:
        return user["attributes"]
    return None


def _demo_only() -> None:
    if not getattr(settings, "MASTHEAD_DEMO", False):
        raise Http404("The demo identity provider runs only in demo mode.")


@require_GET
def metadata_view(request: HttpRequest) -> HttpResponse:
    _demo_only()
    return HttpResponse(metadata_xml(), content_type="application/samlmetadata+xml")


@never_cache
@require_http_methods(["GET", "POST"])
def sso_view(request: HttpRequest) -> HttpResponse:
    _demo_only()
    data = request.POST if request.method == "POST" else request.GET
    saml_request = data.get("SAMLRequest", "")
    relay_state = data.get("RelayState", "")
    context = {
        "saml_request": saml_request,
        "relay_state": relay_state,
        "users": [(name, user["password"]) for name, user in DEMO_USERS.items()],
    }
    if not saml_request:
        return render(request, "access/demo_idp_error.html", context, status=400)
    idp = server()
    try:
        authn_request = idp.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
        args = idp.response_args(authn_request.message, [BINDING_HTTP_POST])
        args.pop("binding", None)
    except Exception:  # noqa: BLE001 - any parse failure: a bad request
        return render(request, "access/demo_idp_error.html", context, status=400)
    if request.method == "GET":
        return render(request, "access/demo_idp_login.html", context)
    username = request.POST.get("username", "").strip()
    attributes = check_password(username, request.POST.get("password", ""))
    if attributes is None:
        context.update(error="Unknown username or wrong password.", username=username)
        return render(request, "access/demo_idp_login.html", context, status=403)
    name_id = NameID(format=NAMEID_FORMAT_TRANSIENT, text=secrets.token_hex(16))
    response = idp.create_authn_response(
        identity=attributes,
        userid=username,
        name_id=name_id,
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
        sign_response=True,
        sign_assertion=True,
        **args,
    )
    context.update(
        destination=args["destination"],
        saml_response=base64.b64encode(str(response).encode("utf-8")).decode("ascii"),
    )
    return render(request, "access/demo_idp_post.html", context)
