"""Responses an attacker could forge or replay: every one leaves the session without access."""

# ruff: noqa: F811 - pytest fixtures imported from saml_fixtures are parameters here

import copy

import pytest
from lxml import etree

from masthead.access.models import IdentityProvider, Institution
from tests.access.saml_fixtures import (  # noqa: F401 - fixtures
    IDP_ID,
    IDP_SSO,
    OTHER_IDP_ID,
    TARGET,
    idp,
    institution,
    issue,
    make_idp,
    post_response,
    saml_keys,
    saml_settings,
    session_institutions,
    start_login,
)

pytestmark = [pytest.mark.urls("tests.access.saml_test_urls"), pytest.mark.django_db]

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"


def refused(response, client, status=400):
    assert response.status_code == status, response.content[:500]
    assert b"Institutional login failed" in response.content
    assert session_institutions(client) == []


def test_unsigned_response_refused(client, idp, institution):
    saml_request, relay_state = start_login(client)
    xml = issue(idp, saml_request, sign_assertion=False, sign_response=False)
    refused(post_response(client, xml, relay_state), client)


def test_only_response_signed_refused(client, idp, institution):
    """Assertions must be signed themselves (a signed envelope is not enough)."""
    saml_request, relay_state = start_login(client)
    xml = issue(idp, saml_request, sign_assertion=False, sign_response=True)
    refused(post_response(client, xml, relay_state), client)


def test_signed_with_unknown_key_refused(client, saml_keys, saml_settings, institution):
    rogue = make_idp(saml_keys, name="rogue")  # same entityID, a key the metadata lacks
    saml_request, relay_state = start_login(client)
    xml = issue(rogue, saml_request, sign_response=True)
    refused(post_response(client, xml, relay_state), client)


def _wrapped(xml: str, where: str) -> bytes:
    """Signature wrapping: a forged unsigned assertion beside the signed one."""
    root = etree.fromstring(xml.encode())
    signed = root.find(f"{{{SAML}}}Assertion")
    forged = copy.deepcopy(signed)
    forged.set("ID", "_forged")
    forged.remove(forged.find(f"{{{DS}}}Signature"))
    forged.find(f"{{{SAML}}}Subject/{{{SAML}}}NameID").text = "admin@uni.edu"
    if where == "before":
        signed.addprevious(forged)
    elif where == "advice":  # the signed assertion hidden in the forged one's Advice
        root.replace(signed, forged)
        advice = etree.SubElement(forged, f"{{{SAML}}}Advice")
        advice.append(signed)
    return etree.tostring(root)


@pytest.mark.parametrize("where", ["before", "advice"])
def test_signature_wrapping_refused(client, idp, institution, where):
    saml_request, relay_state = start_login(client)
    xml = issue(idp, saml_request)
    refused(post_response(client, _wrapped(xml, where), relay_state), client)


def test_replayed_response_refused(client, idp, institution):
    saml_request, relay_state = start_login(client)
    xml = issue(idp, saml_request)
    assert post_response(client, xml, relay_state).status_code == 302
    client.session.flush()
    client.cookies.clear()
    start_login(client)  # a fresh session
    refused(post_response(client, xml, relay_state), client)


def test_replay_into_a_session_expecting_it_refused(client, idp, institution):
    """Even with the InResponseTo outstanding, the consumed IDs (in the database) refuse it."""
    from masthead.access.saml_views import OUTSTANDING_KEY

    saml_request, relay_state = start_login(client)
    outstanding = dict(client.session[OUTSTANDING_KEY])
    xml = issue(idp, saml_request)
    assert post_response(client, xml, relay_state).status_code == 302
    client.cookies.clear()
    start_login(client)
    session = client.session
    session[OUTSTANDING_KEY] = {**session[OUTSTANDING_KEY], **outstanding}
    session.save()
    response = post_response(client, xml, relay_state)
    refused(response, client)
    assert b"already been used" in response.content


def test_wrong_audience_refused(client, idp, institution):
    saml_request, relay_state = start_login(client)
    xml = issue(idp, saml_request, sp_entity_id="https://other-sp.example/shibboleth")
    assert "https://other-sp.example/shibboleth" in xml
    refused(post_response(client, xml, relay_state), client)


def test_wrong_destination_refused(client, idp, institution):
    saml_request, relay_state = start_login(client)
    xml = issue(idp, saml_request, destination="https://other-sp.example/acs")
    refused(post_response(client, xml, relay_state), client)


def test_expired_assertion_refused(client, saml_keys, saml_settings, institution):
    stale = make_idp(saml_keys, lifetime_minutes=-5)
    saml_request, relay_state = start_login(client)
    xml = issue(stale, saml_request)
    refused(post_response(client, xml, relay_state), client)


def test_response_without_request_refused(client, idp, institution):
    """Unsolicited (IdP-initiated) or answering another session's request."""
    other = client.__class__()
    saml_request, relay_state = start_login(other)
    start_login(client)
    xml = issue(idp, saml_request)
    refused(post_response(client, xml, relay_state), client)


def test_comment_in_name_id_refused(client, idp, institution):
    saml_request, relay_state = start_login(client)
    xml = issue(idp, saml_request, name_id="a@uni.edu.evil.com")
    # Exclusive canonicalisation drops comments: the signature stays valid.
    tampered = xml.replace("a@uni.edu.evil.com", "a@uni.edu<!---->.evil.com")
    assert tampered != xml
    refused(post_response(client, tampered, relay_state), client)


def test_comment_in_attribute_value_refused(client, idp, institution):
    IdentityProvider.objects.filter(entity_id=IDP_ID).update(
        required_entitlement="", allowed_scope="uni.edu"
    )
    saml_request, relay_state = start_login(client)
    identity = {"eduPersonScopedAffiliation": ["member@uni.edu.evil.com"]}
    xml = issue(idp, saml_request, identity=identity)
    tampered = xml.replace("member@uni.edu.evil.com", "member@uni.edu<!---->.evil.com")
    assert tampered != xml
    refused(post_response(client, tampered, relay_state), client)


def test_idp_of_no_institution_cannot_start(client, idp, institution):
    response = client.get("/login/sso", {"entityID": OTHER_IDP_ID, "target": TARGET})
    assert response.status_code == 404
    assert session_institutions(client) == []


def test_answer_from_another_idp_refused(client, saml_keys, saml_settings, institution):
    """An IdP in the federation but no institution's answers our request to the university's."""
    other = make_idp(saml_keys, name="other", entity_id=OTHER_IDP_ID, sso=IDP_SSO)
    saml_request, relay_state = start_login(client)
    xml = issue(other, saml_request)
    refused(post_response(client, xml, relay_state), client)


def test_idp_no_longer_registered_refused(client, idp, institution):
    saml_request, relay_state = start_login(client)
    IdentityProvider.objects.filter(entity_id=IDP_ID).delete()
    refused(post_response(client, issue(idp, saml_request), relay_state), client, status=403)


def test_inactive_institution_refused(client, idp, institution):
    saml_request, relay_state = start_login(client)
    Institution.objects.filter(pk=institution.pk).update(is_active=False)
    refused(post_response(client, issue(idp, saml_request), relay_state), client, status=403)


def test_missing_entitlement_refused(client, idp, institution):
    saml_request, relay_state = start_login(client)
    identity = {"eduPersonScopedAffiliation": ["member@uni.edu"], "displayName": ["A. Reader"]}
    response = post_response(client, issue(idp, saml_request, identity=identity), relay_state)
    refused(response, client, status=403)
    assert b"University of Testing did not confirm" in response.content


def test_wrong_scope_refused(client, idp, institution):
    IdentityProvider.objects.filter(entity_id=IDP_ID).update(
        required_entitlement="", allowed_scope="uni.edu"
    )
    saml_request, relay_state = start_login(client)
    for identity in (
        {"eduPersonScopedAffiliation": ["member@evil.com"]},
        {"eduPersonScopedAffiliation": ["student@uni.edu"]},
        {"eduPersonScopedAffiliation": ["member@sub.uni.edu.evil.com"]},
    ):
        response = post_response(client, issue(idp, saml_request, identity=identity), relay_state)
        refused(response, client, status=403)
        saml_request, relay_state = start_login(client)


@pytest.mark.parametrize("body", [b"not xml", b"<a/>", b""])
def test_garbage_refused(client, idp, institution, body):
    start_login(client)
    refused(post_response(client, body), client)


def test_doctype_refused(client, idp, institution):
    saml_request, relay_state = start_login(client)
    xml = issue(idp, saml_request)
    body = xml.replace("<ns0:Response", '<!DOCTYPE r [<!ENTITY x "y">]><ns0:Response', 1)
    if body.startswith("<?xml"):
        head, rest = body.split("?>", 1)
        body = head + "?>" + rest
    refused(post_response(client, body, relay_state), client)


def test_sha1_signature_refused(client, idp, institution):
    from saml2.xmldsig import DIGEST_SHA1, SIG_RSA_SHA1

    saml_request, relay_state = start_login(client)
    xml = issue(idp, saml_request, sign_alg=SIG_RSA_SHA1, digest_alg=DIGEST_SHA1)
    assert "rsa-sha1" in xml
    response = post_response(client, xml, relay_state)
    refused(response, client)
    assert b"SHA-1" in response.content


def test_signatures_are_sha256(client, idp, institution):
    saml_request, _ = start_login(client)
    xml = issue(idp, saml_request, sign_response=True)
    assert "rsa-sha256" in xml and "rsa-sha1" not in xml
