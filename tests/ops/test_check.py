"""`masthead check` before going live: insecure settings fail it, a sound production
configuration passes it (warnings are printed, errors fail)."""

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from masthead.ops.heartbeat import beat

pytestmark = pytest.mark.django_db
SOUND_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = SOUND_KEY
    settings.ALLOWED_HOSTS = ["journals.example.org"]
    settings.MASTHEAD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.MASTHEAD_BASE_URL = "https://journals.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    beat("process_usage")
    return settings


def run_check() -> str:
    from io import StringIO

    out = StringIO()
    call_command("check", stdout=out, stderr=out)
    return out.getvalue()


def test_insecure_settings_fail_the_check(production):
    production.DEBUG = True
    production.SECRET_KEY = "insecure-development-key-change-me"
    production.ALLOWED_HOSTS = []
    with pytest.raises(SystemCheckError) as failed:
        run_check()
    message = str(failed.value)
    for code in ("masthead.E001", "masthead.E002", "masthead.E003"):
        assert code in message
    assert "SECRET_KEY is the development default" in message


def test_a_sound_production_configuration_passes_with_its_warnings(production):
    output = run_check()
    assert "masthead.E" not in output
    assert "masthead.W011" in output  # the tests' cache is per process: said, not fatal


def test_each_finding_names_what_to_fix(production):
    production.MASTHEAD_TRUSTED_PROXIES = ["not-an-address"]
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    with pytest.raises(SystemCheckError) as failed:
        run_check()
    message = str(failed.value)
    assert "masthead.E005" in message and "not-an-address" in message
    assert "masthead.W020" in message and "never reach readers" in message


def test_the_command_exits_non_zero_on_the_development_defaults(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "MASTHEAD_DEBUG", "ALLOWED_HOSTS"}
    }
    env |= {"MASTHEAD_HOME": str(tmp_path), "MASTHEAD_DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "masthead", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "masthead.E001" in done.stderr and "masthead.E002" in done.stderr
