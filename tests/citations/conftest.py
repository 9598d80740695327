"""Crossref on loopback: the replay server with recorded answers, and a client for it."""

import pytest

from masthead.citations.crossref import CrossrefClient
from masthead.citations.models import CrossrefMember
from tests.citations.replay import ReplayServer

EMPTY_FORWARD_LINKS = b"""<?xml version="1.0" encoding="UTF-8"?>
<crossref_result version="3.0" xmlns="http://www.crossref.org/qrschema/3.0">
  <query_result><head><doi_batch_id>none</doi_batch_id></head><body/></query_result>
</crossref_result>"""


@pytest.fixture
def crossref():
    with ReplayServer() as server:
        yield server


@pytest.fixture
def crossref_api(crossref, settings) -> CrossrefClient:
    settings.CROSSREF_SERVICE_BASE = crossref.url
    settings.CROSSREF_API_BASE = crossref.url
    return CrossrefClient(
        api_base=crossref.url, service_base=crossref.url, min_interval=0, sleep=lambda s: None
    )


@pytest.fixture
def member(journal) -> CrossrefMember:
    return CrossrefMember.objects.create(
        publisher=journal.publisher,
        username="testpress/role",
        password="s3cret-password",
        depositor_name="Test Press production",
        depositor_email="production@example.org",
    )
