"""A real SAML identity provider for the tests (pysaml2's Server, signing with xmlsec1)."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.saml import NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server

from masthead.access import demo_idp, saml
from masthead.access.models import IdentityProvider, Institution
from masthead.access.sessions import SESSION_KEY

URLS = "tests.access.saml_test_urls"
BASE_URL = "http://testserver"
IDP_ID = "https://idp.uni.edu/idp/shibboleth"
IDP_SSO = "https://idp.uni.edu/idp/profile/SAML2/Redirect/SSO"
OTHER_IDP_ID = "https://idp.other.example/idp/shibboleth"
OTHER_IDP_SSO = "https://idp.other.example/sso"
COMMON_LIB_TERMS = "urn:mace:dir:entitlement:common-lib-terms"
MEMBER = {
    "eduPersonEntitlement": [COMMON_LIB_TERMS],
    "eduPersonScopedAffiliation": ["member@uni.edu"],
}
TARGET = "/doi/abs/10.5555/test.1"


@dataclass(frozen=True)
class Keys:
    directory: Path

    def pair(self, name: str) -> tuple[str, str]:
        return str(self.directory / f"{name}.key"), str(self.directory / f"{name}.crt")


@pytest.fixture(scope="session")
def saml_keys(tmp_path_factory) -> Keys:
    """Keys made once per test session: the SP's, two IdPs', and a rogue one."""
    directory = tmp_path_factory.mktemp("saml-keys")
    for name in ("sp", "idp", "other", "rogue"):
        key_pem, cert_pem = saml.generate_self_signed(name)
        (directory / f"{name}.key").write_bytes(key_pem)
        (directory / f"{name}.crt").write_bytes(cert_pem)
    keys = Keys(directory)
    for name, entity_id, sso in (("idp", IDP_ID, IDP_SSO), ("other", OTHER_IDP_ID, OTHER_IDP_SSO)):
        key_file, cert_file = keys.pair(name)
        conf = demo_idp.idp_config_dict(entity_id, sso, key_file, cert_file)
        from saml2.config import IdPConfig
        from saml2.metadata import entity_descriptor

        xml = entity_descriptor(IdPConfig().load(conf)).to_string()
        (directory / f"{name}-metadata.xml").write_bytes(xml)
    return keys


@pytest.fixture
def saml_settings(settings, saml_keys, tmp_path):
    settings.MASTHEAD_BASE_URL = BASE_URL
    settings.MASTHEAD_HOME = saml_keys.directory  # nothing is generated: keys are given
    settings.MASTHEAD_DEMO = False
    settings.MASTHEAD_SAML_KEY_FILE, settings.MASTHEAD_SAML_CERT_FILE = saml_keys.pair("sp")
    settings.MASTHEAD_SAML_METADATA = [
        str(saml_keys.directory / "idp-metadata.xml"),
        str(saml_keys.directory / "other-metadata.xml"),
    ]
    settings.MASTHEAD_SAML_METADATA_CERT = ""
    settings.MASTHEAD_SAML_CLOCK_SKEW = 60
    return settings


def make_idp(keys: Keys, name="idp", entity_id=IDP_ID, sso=IDP_SSO, lifetime_minutes=5) -> Server:
    key_file, cert_file = keys.pair(name)
    sp_metadata = saml.metadata_xml().decode("utf-8")
    config = demo_idp.idp_config_dict(entity_id, sso, key_file, cert_file, [sp_metadata])
    config["service"]["idp"]["policy"]["default"]["lifetime"] = {"minutes": lifetime_minutes}
    from saml2.config import IdPConfig

    return Server(config=IdPConfig().load(config))


@pytest.fixture
def idp(saml_settings, saml_keys) -> Server:
    return make_idp(saml_keys)


@pytest.fixture
def institution(db) -> Institution:
    uni = Institution.objects.create(name="University of Testing")
    IdentityProvider.objects.create(institution=uni, entity_id=IDP_ID, display_name="Uni Login")
    return uni


def start_login(client, entity_id=IDP_ID, target=TARGET) -> tuple[str, str]:
    """(SAMLRequest, RelayState) the SP sends the reader's browser to the IdP with."""
    response = client.get("/login/sso", {"entityID": entity_id, "target": target})
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    return query["SAMLRequest"][0], query.get("RelayState", [""])[0]


def issue(
    idp: Server,
    saml_request: str,
    identity: dict | None = None,
    name_id: str | None = None,
    sign_assertion: bool = True,
    sign_response: bool = False,
    **overrides,
) -> str:
    """The IdP's Response (XML) to the AuthnRequest."""
    request = idp.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
    args = idp.response_args(request.message, [BINDING_HTTP_POST])
    args.pop("binding", None)
    args.update(overrides)
    response = idp.create_authn_response(
        identity=dict(MEMBER if identity is None else identity),
        userid="reader",
        name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text=name_id or secrets.token_hex(8)),
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
        sign_assertion=sign_assertion,
        sign_response=sign_response,
        **args,
    )
    return str(response)


def post_response(client, xml: str | bytes, relay_state: str = TARGET):
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    return client.post(
        "/saml/acs",
        {"SAMLResponse": base64.b64encode(xml).decode("ascii"), "RelayState": relay_state},
    )


def session_institutions(client) -> list[int]:
    return list(client.session.get(SESSION_KEY, []))
