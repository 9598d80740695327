"""Discovery, SP metadata, redirects, the cookie-less repost, key generation, the demo IdP."""

# ruff: noqa: F811 - pytest fixtures imported from saml_fixtures are parameters here

import base64
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client, RequestFactory
from lxml import etree

from masthead.access import demo_idp, saml
from masthead.access.models import IdentityProvider, Institution
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

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"


# --- Open redirects -------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/doi/abs/10.5555/x?tab=refs#r1", "/doi/abs/10.5555/x?tab=refs#r1"),
        ("/", "/"),
        ("//evil.com", "/"),
        ("//evil.com/doi", "/"),
        ("/\\evil.com", "/"),
        ("\\\\evil.com", "/"),
        ("@evil.com", "/"),
        ("javascript:alert(1)", "/"),
        ("https://evil.com/", "/"),
        ("http://testserver/doi", "/"),
        ("/\t/evil.com", "/"),
        ("/%2F/evil.com", "/%2F/evil.com"),  # a path on this site, not another host
        ("", "/"),
        (None, "/"),
    ],
)
def test_safe_target(target, expected):
    request = RequestFactory().get("/")
    assert saml.safe_target(request, target) == expected


@pytest.mark.parametrize("target", ["//evil.com", "/\\evil.com", "@evil.com", "javascript:x"])
def test_login_never_redirects_off_site(client, idp, institution, target):
    saml_request, relay_state = start_login(client, target=target)
    assert relay_state == "/"
    response = post_response(client, issue(idp, saml_request), relay_state=target)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert session_institutions(client) == [institution.id]


def test_relay_state_cannot_change_the_target(client, idp, institution):
    saml_request, _ = start_login(client, target=TARGET)
    response = post_response(client, issue(idp, saml_request), relay_state="//evil.com")
    assert response["Location"] == TARGET


# --- Discovery ------------------------------------------------------------------------


@pytest.fixture
def several_idps(institution):
    other = Institution.objects.create(name="Ecole Polytechnique d'Exemple")
    IdentityProvider.objects.create(institution=other, entity_id="https://idp.epe.example/idp")
    gone = Institution.objects.create(name="Closed College", is_active=False)
    IdentityProvider.objects.create(institution=gone, entity_id="https://idp.closed.example/idp")


def test_discovery_lists_active_institutions(client, saml_settings, several_idps):
    response = client.get("/login/sso", {"target": TARGET})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Uni Login" in html and "Ecole Polytechnique" in html
    assert "Closed College" not in html
    hrefs = [unescape(h) for h in re.findall(r'<a href="(\?entityID=[^"]+)"', html)]
    assert len(hrefs) == 2
    query = parse_qs(urlsplit(hrefs[0]).query)
    assert query["target"] == [TARGET]
    assert query["entityID"][0] in {IDP_ID, "https://idp.epe.example/idp"}
    assert f'name="target" value="{TARGET}"' in html  # the search keeps the target


def test_discovery_search(client, saml_settings, several_idps):
    html = client.get("/login/sso", {"q": "polytech", "target": TARGET}).content.decode()
    assert "Ecole Polytechnique" in html and "Uni Login" not in html
    html = client.get("/login/sso", {"q": "testing"}).content.decode()  # institution name
    assert "Uni Login" in html and "Ecole" not in html
    html = client.get("/login/sso", {"q": "closed"}).content.decode()
    assert "Closed College" not in html and "No institution matches" in html


def test_discovery_alias_and_unsafe_target(client, saml_settings, several_idps):
    html = client.get("/login/institution", {"target": "//evil.com"}).content.decode()
    assert "evil.com" not in html
    assert "target=%2F" in html


def test_article_link_reverses(saml_settings):
    from django.urls import reverse

    assert reverse("access:sso") == "/login/sso"
    assert reverse("access:saml_acs") == "/saml/acs"
    assert reverse("access:saml_metadata") == "/saml/metadata"


# --- Metadata -------------------------------------------------------------------------


def test_sp_metadata(client, saml_settings, saml_keys):
    response = client.get("/saml/metadata")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/samlmetadata+xml"
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{MD}}}EntityDescriptor"
    assert root.get("entityID") == "http://testserver/saml/metadata"
    sp = root.find(f"{{{MD}}}SPSSODescriptor")
    assert sp.get("WantAssertionsSigned") == "true"
    (acs,) = sp.findall(f"{{{MD}}}AssertionConsumerService")
    assert acs.get("Location") == "http://testserver/saml/acs"
    assert acs.get("Binding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    certs = ["".join(c.text.split()) for c in sp.iter(f"{{{DS}}}X509Certificate")]
    _, cert_file = saml_keys.pair("sp")
    pem = open(cert_file).read()
    body = "".join(pem.split("-----")[2].split())
    assert body in certs
    uses = {k.get("use") for k in sp.findall(f"{{{MD}}}KeyDescriptor")}
    assert "signing" in uses or None in uses


def test_sp_keys_generated_once_when_unset(settings, tmp_path):
    settings.MASTHEAD_HOME = tmp_path
    settings.MASTHEAD_SAML_KEY_FILE = settings.MASTHEAD_SAML_CERT_FILE = ""
    key_file, cert_file = saml.sp_key_pair()
    assert key_file == str(tmp_path / "saml" / "sp.key")
    first = open(cert_file).read()
    assert "BEGIN CERTIFICATE" in first and "PRIVATE KEY" in open(key_file).read()
    assert saml.sp_key_pair() == (key_file, cert_file)
    assert open(cert_file).read() == first
    assert (tmp_path / "saml" / "sp.key").stat().st_mode & 0o077 == 0


def test_signed_federation_metadata(settings, saml_settings, saml_keys, tmp_path):
    """With MASTHEAD_SAML_METADATA_CERT, a local file must carry the federation's signature."""
    from saml2.sigver import pre_signature_part, security_context

    key_file, cert_file = saml_keys.pair("other")  # the federation's signing key
    unsigned = (saml_keys.directory / "idp-metadata.xml").read_text()
    unsigned = unsigned.replace("<ns0:EntityDescriptor", '<ns0:EntityDescriptor ID="fed"', 1)
    conf = saml.SPConfig().load(
        {
            "entityid": "https://federation.example",
            "xmlsec_binary": saml.xmlsec_binary(),
            "key_file": key_file,
            "cert_file": cert_file,
        }
    )
    root = etree.fromstring(unsigned.encode())
    signature = etree.fromstring(pre_signature_part("fed", None, 1).to_string())
    root.insert(0, signature)
    signed = security_context(conf).sign_statement(
        etree.tostring(root).decode(),
        "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor",
        node_id="fed",
    )
    signed_file = tmp_path / "signed.xml"
    signed_file.write_text(signed)
    tampered_file = tmp_path / "tampered.xml"
    tampered_file.write_text(signed.replace("idp.uni.edu/idp/profile", "idp.evil.example/x"))
    settings.MASTHEAD_SAML_METADATA = [str(signed_file), str(tampered_file)]
    settings.MASTHEAD_SAML_METADATA_CERT = cert_file
    assert saml._verified_local_files(settings.MASTHEAD_SAML_METADATA, cert_file) == [
        str(signed_file)
    ]
    config = saml.sp_config()
    assert IDP_ID in config.metadata.identity_providers()


# --- Cross-site POST without the session cookie ----------------------------------------


def test_cookieless_post_is_reposted_from_this_site(client, idp, institution):
    saml_request, relay_state = start_login(client)
    xml = issue(idp, saml_request)
    cookies = client.cookies
    bare = Client()  # the IdP's cross-site POST: SameSite=Lax cookies stay home
    encoded = base64.b64encode(xml.encode()).decode()
    page = bare.post("/saml/acs", {"SAMLResponse": encoded, "RelayState": relay_state})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'action="/saml/acs"' in html and 'name="masthead_repost" value="1"' in html
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))
    assert fields["SAMLResponse"] == encoded
    assert session_institutions(client) == []
    client.cookies = cookies
    response = client.post("/saml/acs", fields)  # the repost carries the cookie
    assert response.status_code == 302 and response["Location"] == TARGET
    assert session_institutions(client) == [institution.id]


def test_cookieless_repost_gives_up(saml_settings):
    response = Client().post("/saml/acs", {"SAMLResponse": "eA==", "masthead_repost": "1"})
    assert response.status_code == 400
    assert b"accept cookies" in response.content


# --- The demo IdP ---------------------------------------------------------------------


@pytest.fixture
def demo(saml_settings, tmp_path, institution):
    saml_settings.MASTHEAD_DEMO = True
    saml_settings.MASTHEAD_HOME = tmp_path
    saml_settings.MASTHEAD_SAML_METADATA = []
    return demo_idp.ensure_demo_identity_provider(institution)


def _demo_login(client, username, password, target=TARGET):
    response = client.get("/login/sso", {"entityID": demo_idp.entity_id(), "target": target})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/demo-idp/sso"
    form = client.get(location.path + "?" + location.query)
    assert form.status_code == 200
    html = form.content.decode()
    assert "student" in html and "student-demo" in html
    fields = dict(re.findall(r'name="(SAMLRequest|RelayState)" value="([^"]*)"', html))
    posted = client.post(
        "/demo-idp/sso",
        {**{k: unescape(v) for k, v in fields.items()}, "username": username, "password": password},
    )
    return posted


def test_demo_idp_end_to_end(client, demo, institution):
    page = _demo_login(client, "student", "student-demo")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'action="http://testserver/saml/acs"' in html
    fields = {k: unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', html)}
    response = client.post("/saml/acs", fields)
    assert response.status_code == 302 and response["Location"] == TARGET
    assert session_institutions(client) == [institution.id]


def test_demo_idp_wrong_password_and_visitor(client, demo):
    assert _demo_login(client, "student", "nope").status_code == 403
    page = _demo_login(client, "visitor", "visitor-demo")
    fields = {
        k: unescape(v)
        for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', page.content.decode())
    }
    response = client.post("/saml/acs", fields)
    assert response.status_code == 403
    assert session_institutions(client) == []


def test_demo_idp_metadata_and_off_outside_demo(client, demo, settings):
    response = client.get("/demo-idp/metadata")
    assert response.status_code == 200
    assert b"http://testserver/demo-idp/sso" in response.content
    settings.MASTHEAD_DEMO = False
    assert client.get("/demo-idp/metadata").status_code == 404
    assert client.get("/demo-idp/sso").status_code == 404
