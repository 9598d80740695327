"""Settings for institutional login by SAML 2.0, all from the environment.

settings.py imports these with ``from masthead.access.saml_settings import *``.

- ``MASTHEAD_SAML_KEY_FILE`` / ``MASTHEAD_SAML_CERT_FILE``: the service provider's signing
  (and decryption) key and certificate, PEM. Unset: a self-signed pair is generated once
  into ``$MASTHEAD_HOME/saml/`` on first use.
- ``MASTHEAD_SAML_METADATA``: the federation's identity providers, comma-separated local
  paths and/or http(s) URLs of SAML metadata.
- ``MASTHEAD_SAML_METADATA_CERT``: a PEM certificate; when given, every metadata source
  must be signed with its key (files and URLs alike) or it is not loaded.
- ``MASTHEAD_SAML_METADATA_TTL``: seconds before metadata is loaded again (default 3600).
- ``MASTHEAD_SAML_XMLSEC1``: path of the xmlsec1 binary (default: found on PATH).
- ``MASTHEAD_SAML_CLOCK_SKEW``: seconds of clock difference tolerated (default 60).
"""

import os

__all__ = [
    "MASTHEAD_SAML_KEY_FILE",
    "MASTHEAD_SAML_CERT_FILE",
    "MASTHEAD_SAML_METADATA",
    "MASTHEAD_SAML_METADATA_CERT",
    "MASTHEAD_SAML_METADATA_TTL",
    "MASTHEAD_SAML_XMLSEC1",
    "MASTHEAD_SAML_CLOCK_SKEW",
]

MASTHEAD_SAML_KEY_FILE = os.environ.get("MASTHEAD_SAML_KEY_FILE", "")
MASTHEAD_SAML_CERT_FILE = os.environ.get("MASTHEAD_SAML_CERT_FILE", "")
MASTHEAD_SAML_METADATA = [
    source.strip()
    for source in os.environ.get("MASTHEAD_SAML_METADATA", "").split(",")
    if source.strip()
]
MASTHEAD_SAML_METADATA_CERT = os.environ.get("MASTHEAD_SAML_METADATA_CERT", "")
MASTHEAD_SAML_METADATA_TTL = int(os.environ.get("MASTHEAD_SAML_METADATA_TTL", "3600"))
MASTHEAD_SAML_XMLSEC1 = os.environ.get("MASTHEAD_SAML_XMLSEC1", "")
MASTHEAD_SAML_CLOCK_SKEW = int(os.environ.get("MASTHEAD_SAML_CLOCK_SKEW", "60"))
