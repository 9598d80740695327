"""Institutional login by SAML 2.0: the service provider's configuration and its checks.

Thin on pysaml2 (no djangosaml2): institutional access creates no user account, the
session only learns which institution vouched for the reader (`sessions.py`). pysaml2
verifies signatures (xmlsec1, with the certificates from the federation's metadata only),
InResponseTo, audience, recipient and validity times; :func:`check_response_xml` adds
stricter structural checks before pysaml2 sees the message (no comments, no DTD, exactly
one assertion, our Destination and Audience present), and `models_saml` refuses replays.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import fcntl
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from lxml import etree
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_TRANSIENT
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from masthead.access.redirects import same_site_path

logger = logging.getLogger(__name__)

NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
WEAK_ALGORITHMS = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    "http://www.w3.org/2000/09/xmldsig#dsa-sha1",
    "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
    "http://www.w3.org/2000/09/xmldsig#sha1",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-md5",
    "http://www.w3.org/2001/04/xmldsig-more#md5",
}
ENTITLEMENT = "eduPersonEntitlement"
SCOPED_AFFILIATION = "eduPersonScopedAffiliation"
MAX_RESPONSE_BYTES = 512 * 1024
MAX_RESPONSE_AGE = datetime.timedelta(minutes=10)

__all__ = [
    "SamlError",
    "acs_url",
    "check_response_xml",
    "client",
    "decode_saml_response",
    "is_member",
    "key_pair",
    "metadata_xml",
    "registered_idp",
    "safe_target",
    "sp_config",
    "sp_entity_id",
]


class SamlError(Exception):
    """A SAML message we refuse; the text is safe to show the reader."""


# --- Names and addresses -------------------------------------------------------------


def sp_entity_id() -> str:
    return f"{settings.MASTHEAD_BASE_URL}/saml/metadata"


def acs_url() -> str:
    return f"{settings.MASTHEAD_BASE_URL}/saml/acs"


def saml_dir() -> Path:
    path = Path(settings.MASTHEAD_HOME) / "saml"
    path.mkdir(parents=True, exist_ok=True)
    return path


def xmlsec_binary() -> str:
    configured = getattr(settings, "MASTHEAD_SAML_XMLSEC1", "")
    found = configured or shutil.which("xmlsec1") or "/usr/bin/xmlsec1"
    return found


# --- Keys ------------------------------------------------------------------------------


def key_pair(name: str, common_name: str) -> tuple[Path, Path]:
    """(key file, certificate file) named `name` in $MASTHEAD_HOME/saml/, made once."""
    directory = saml_dir()
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    with open(directory / ".lock", "w") as lock:  # one process generates, the others wait
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (key_path.exists() and cert_path.exists()):
            key_pem, cert_pem = generate_self_signed(common_name)
            _write(cert_path, cert_pem, 0o644)
            _write(key_path, key_pem, 0o600)
    return key_path, cert_path


def generate_self_signed(common_name: str, years: int = 10) -> tuple[bytes, bytes]:
    """A new RSA-2048 key and a self-signed certificate for it, both PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def _write(path: Path, data: bytes, mode: int) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def sp_key_pair() -> tuple[str, str]:
    key_file = getattr(settings, "MASTHEAD_SAML_KEY_FILE", "")
    cert_file = getattr(settings, "MASTHEAD_SAML_CERT_FILE", "")
    if key_file and cert_file:
        return key_file, cert_file
    host = urlsplit(settings.MASTHEAD_BASE_URL).hostname or "masthead"
    key_path, cert_path = key_pair("sp", host)
    return str(key_path), str(cert_path)


# --- Configuration ---------------------------------------------------------------------


def metadata_sources() -> tuple[list[str], list[str]]:
    """(local files, URLs) of the identity providers' metadata the SP trusts."""
    files, urls = [], []
    for source in getattr(settings, "MASTHEAD_SAML_METADATA", []):
        (urls if source.startswith(("https://", "http://")) else files).append(source)
    return files, urls


def _verified_local_files(files: list[str], cert: str) -> list[str]:
    """The files whose metadata signature the federation's certificate verifies."""
    if not cert:
        return files
    from saml2.sigver import security_context

    conf = SPConfig().load({"entityid": sp_entity_id(), "xmlsec_binary": xmlsec_binary()})
    context = security_context(conf)
    verified = []
    for path in files:
        try:
            xml = Path(path).read_text("utf-8")
            node_name = "urn:oasis:names:tc:SAML:2.0:metadata:" + (
                "EntitiesDescriptor" if "EntitiesDescriptor" in xml[:2000] else "EntityDescriptor"
            )
            if context.verify_signature(xml, cert, node_name=node_name):
                verified.append(path)
                continue
        except Exception:  # noqa: BLE001 - any failure means: not verified
            logger.exception("SAML metadata %s: signature check failed", path)
        logger.error("SAML metadata %s is not signed by %s: not loaded", path, cert)
    return verified


def sp_config_dict(with_metadata: bool = True) -> dict:
    key_file, cert_file = sp_key_pair()
    config = {
        "entityid": sp_entity_id(),
        "xmlsec_binary": xmlsec_binary(),
        "key_file": key_file,
        "cert_file": cert_file,
        "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}],
        "accepted_time_diff": getattr(settings, "MASTHEAD_SAML_CLOCK_SKEW", 60),
        "allow_unknown_attributes": True,
        "delete_tmpfiles": True,
        "service": {
            "sp": {
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "name": settings.MASTHEAD_SITE_NAME,
                "endpoints": {"assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)]},
                "allow_unsolicited": False,
                "authn_requests_signed": False,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "requested_attributes": [],
            }
        },
    }
    if with_metadata:
        cert = getattr(settings, "MASTHEAD_SAML_METADATA_CERT", "")
        files, urls = metadata_sources()
        local = _verified_local_files(files, cert)
        if getattr(settings, "MASTHEAD_DEMO", False):
            from masthead.access import demo_idp

            local.append(str(demo_idp.metadata_file()))
        metadata: dict = {}
        if local:
            metadata["local"] = local
        for url in urls:
            if not cert and not url.startswith("https://"):
                logger.warning("SAML metadata %s: plain HTTP without a signature check", url)
        if urls:
            metadata["remote"] = [{"url": url, "cert": cert or None} for url in urls]
        config["metadata"] = metadata
    return config


_cache_lock = threading.Lock()
_cached: dict[tuple, tuple[float, SPConfig]] = {}


def _settings_key(with_metadata: bool) -> tuple:
    return (
        with_metadata,
        settings.MASTHEAD_BASE_URL,
        str(settings.MASTHEAD_HOME),
        bool(getattr(settings, "MASTHEAD_DEMO", False)),
        getattr(settings, "MASTHEAD_SAML_KEY_FILE", ""),
        getattr(settings, "MASTHEAD_SAML_CERT_FILE", ""),
        tuple(getattr(settings, "MASTHEAD_SAML_METADATA", [])),
        getattr(settings, "MASTHEAD_SAML_METADATA_CERT", ""),
        getattr(settings, "MASTHEAD_SAML_CLOCK_SKEW", 60),
    )


def sp_config(with_metadata: bool = True) -> SPConfig:
    """The SP's pysaml2 configuration, loaded again after MASTHEAD_SAML_METADATA_TTL."""
    key = _settings_key(with_metadata)
    ttl = getattr(settings, "MASTHEAD_SAML_METADATA_TTL", 3600)
    with _cache_lock:
        hit = _cached.get(key)
        if hit is not None and time.monotonic() - hit[0] < ttl:
            return hit[1]
        config = SPConfig().load(sp_config_dict(with_metadata))
        # Drop configurations of other settings (tests change them); keep the one with or
        # without metadata beside this one, so the two do not push each other out.
        for other in [k for k in _cached if k[1:] != key[1:]]:
            del _cached[other]
        _cached[key] = (time.monotonic(), config)
        return config


def client() -> Saml2Client:
    return Saml2Client(config=sp_config())


def metadata_xml() -> bytes:
    """The SP's own metadata (entityID, ACS, signing and encryption certificate)."""
    from saml2.metadata import entity_descriptor

    descriptor = entity_descriptor(sp_config(with_metadata=False))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + descriptor.to_string()


def authn_request_location(entity_id: str, relay_state: str) -> tuple[str, str]:
    """(request id, IdP URL to redirect to) of a new AuthnRequest, HTTP-Redirect binding."""
    request_id, info = client().prepare_for_authenticate(
        entityid=entity_id, relay_state=relay_state, binding=BINDING_HTTP_REDIRECT
    )
    location = dict(info["headers"])["Location"]
    return request_id, location


# --- Checks ----------------------------------------------------------------------------


def safe_target(request: HttpRequest, target: str | None) -> str:
    """`target` if it is a path on this site, else "/" (no open redirects)."""
    return same_site_path(request, target, "/")


def decode_saml_response(encoded: str) -> bytes:
    if not encoded or len(encoded) > MAX_RESPONSE_BYTES * 4 // 3 + 4:
        raise SamlError("The login response is missing or too large.")
    try:
        return base64.b64decode(encoded.encode("ascii"), validate=False)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise SamlError("The login response is not valid base64.") from None


@dataclass(frozen=True)
class ResponseFacts:
    response_id: str
    assertion_id: str
    in_response_to: str


def check_response_xml(xml: bytes, audience: str, destination: str) -> ResponseFacts:
    """Structural checks before (and beyond) pysaml2's: refuse what a sound IdP never sends.

    No DTD, comments or processing instructions (a comment inside a NameID or attribute
    value is the classic truncation attack), exactly one assertion, in the Response itself,
    our ACS as Destination and our entityID as Audience.
    """
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=False, huge_tree=False
    )
    try:
        root = etree.fromstring(xml, parser)  # noqa: S320 - no entities, no network
    except etree.XMLSyntaxError:
        raise SamlError("The login response is not well-formed XML.") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise SamlError("The login response contains a DTD.")
    for _node in root.iter(etree.Comment, etree.ProcessingInstruction, etree.Entity):
        raise SamlError("The login response contains XML comments or processing instructions.")
    if root.tag != f"{{{NS_SAMLP}}}Response":
        raise SamlError("The login response is not a SAML Response.")
    _check_algorithms(root)
    assertions = root.findall(f".//{{{NS_SAML}}}Assertion")
    encrypted = root.findall(f".//{{{NS_SAML}}}EncryptedAssertion")
    if len(assertions) + len(encrypted) != 1:
        raise SamlError("The login response must hold exactly one assertion.")
    (assertion,) = assertions or encrypted
    if assertion.getparent() is not root:
        raise SamlError("The assertion is not where it belongs in the login response.")
    if root.get("Destination") != destination:
        raise SamlError("The login response was not addressed to this site.")
    if assertions:
        check_assertion_xml(assertions[0], audience)
    return ResponseFacts(
        response_id=root.get("ID", ""),
        assertion_id=assertion.get("ID", ""),
        in_response_to=root.get("InResponseTo", ""),
    )


def _check_algorithms(root) -> None:
    for method in root.iter(f"{{{NS_DS}}}SignatureMethod", f"{{{NS_DS}}}DigestMethod"):
        if method.get("Algorithm") in WEAK_ALGORITHMS:
            raise SamlError("The login response is signed with SHA-1 or MD5, no longer accepted.")


def check_assertion_xml(assertion, audience: str) -> None:
    audiences = [
        (node.text or "").strip()
        for node in assertion.findall(
            f"{{{NS_SAML}}}Conditions/{{{NS_SAML}}}AudienceRestriction/{{{NS_SAML}}}Audience"
        )
    ]
    if audience not in audiences:
        raise SamlError("The assertion was not meant for this site.")


def check_decrypted_xml(xml: str | bytes, audience: str) -> None:
    """After pysaml2 decrypted an EncryptedAssertion: the same checks on what was inside."""
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=False)
    root = etree.fromstring(xml, parser)  # noqa: S320 - no entities, no network
    for _node in root.iter(etree.Comment, etree.ProcessingInstruction, etree.Entity):
        raise SamlError("The login response contains XML comments or processing instructions.")
    _check_algorithms(root)
    assertions = root.findall(f".//{{{NS_SAML}}}Assertion")
    if len(assertions) != 1:
        raise SamlError("The login response must hold exactly one assertion.")
    check_assertion_xml(assertions[0], audience)


def registered_idp(entity_id: str):
    """The IdentityProvider row of an active institution for this entityID, or None."""
    from masthead.access.models import IdentityProvider

    if not entity_id:
        return None
    return (
        IdentityProvider.objects.select_related("institution")
        .filter(entity_id=entity_id, institution__is_active=True)
        .first()
    )


def is_member(idp, attributes: dict[str, list[str]]) -> bool:
    """Do the released attributes make this user a member, by the IdP's rule?

    The required entitlement, or (if a scope is set) a member@scope affiliation; either
    suffices when both are set. Neither set: any user the IdP authenticates.
    """
    checks = []
    if idp.required_entitlement:
        wanted = idp.required_entitlement.strip()
        values = [str(v).strip() for v in attributes.get(ENTITLEMENT, [])]
        checks.append(wanted in values)
    if idp.allowed_scope:
        wanted = f"member@{idp.allowed_scope.strip().lower()}"
        values = [str(v).strip().lower() for v in attributes.get(SCOPED_AFFILIATION, [])]
        checks.append(wanted in values)
    return any(checks) if checks else True
