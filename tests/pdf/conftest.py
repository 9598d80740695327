"""PDF test fixtures: generated files go to a temporary MEDIA_ROOT."""

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: renders many real articles (tens of seconds)")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
