"""Institutional login by SAML end to end, against a real pysaml2 IdP signing with xmlsec1."""

# ruff: noqa: F811 - pytest fixtures imported from saml_fixtures are parameters here

import pytest

from masthead.access.models import IdentityProvider
from tests.access.saml_fixtures import (  # noqa: F401 - fixtures
    IDP_ID,
    TARGET,
    idp,
    institution,
    issue,
    post_response,
    saml_keys,
    saml_settings,
    session_institutions,
    start_login,
)

pytestmark = [pytest.mark.urls("tests.access.saml_test_urls"), pytest.mark.django_db]


def test_login_end_to_end(client, idp, institution):
    saml_request, relay_state = start_login(client)
    assert relay_state == TARGET
    response = post_response(client, issue(idp, saml_request), relay_state)
    assert response.status_code == 302
    assert response["Location"] == TARGET
    assert session_institutions(client) == [institution.id]


def test_signed_response_and_assertion_accepted(client, idp, institution):
    saml_request, relay_state = start_login(client)
    xml = issue(idp, saml_request, sign_response=True)
    response = post_response(client, xml, relay_state)
    assert response.status_code == 302
    assert session_institutions(client) == [institution.id]


def test_scoped_affiliation_rule(client, idp, institution):
    IdentityProvider.objects.filter(entity_id=IDP_ID).update(
        required_entitlement="", allowed_scope="uni.edu"
    )
    saml_request, relay_state = start_login(client)
    identity = {"eduPersonScopedAffiliation": ["member@uni.edu"]}
    response = post_response(client, issue(idp, saml_request, identity=identity), relay_state)
    assert response.status_code == 302
    assert session_institutions(client) == [institution.id]


def test_encrypted_assertion_accepted(client, idp, institution, saml_keys, monkeypatch):
    """Shibboleth encrypts assertions for SPs whose metadata has a key: we decrypt them."""
    from masthead.access import saml

    checked = []
    original = saml.check_decrypted_xml
    monkeypatch.setattr(
        saml, "check_decrypted_xml", lambda xml, audience: checked.append(original(xml, audience))
    )
    _, cert_file = saml_keys.pair("sp")
    saml_request, relay_state = start_login(client)
    xml = issue(
        idp,
        saml_request,
        encrypt_assertion=True,
        encrypt_cert_assertion=open(cert_file).read(),
    )
    assert "EncryptedAssertion" in xml and "AttributeStatement" not in xml
    response = post_response(client, xml, relay_state)
    assert response.status_code == 302, response.content[:300]
    assert session_institutions(client) == [institution.id]
    assert checked == [None]  # the decrypted assertion had the same structural checks
