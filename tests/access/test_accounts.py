"""Reader accounts: registration and e-mail verification, log-in by e-mail with rate limits,
safe redirects, CSRF, password reset and change."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, RequestFactory

from masthead.access import account_views, accounts
from masthead.access.models import ReaderProfile
from masthead.access.services import request_ip

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.access.account_test_urls")]

PASSWORD = "correct horse battery staple 9"
READER_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


@pytest.fixture(autouse=True)
def _reader_settings(settings):
    # What the project's settings must say (test_project_settings_require_12_characters);
    # set here too so these tests do not depend on it.
    settings.AUTH_PASSWORD_VALIDATORS = READER_VALIDATORS
    settings.MASTHEAD_BASE_URL = "https://journals.example.org"


@pytest.fixture
def reader(db):
    return accounts.create_reader("Reader@Example.org", PASSWORD)


def link_in(message) -> str:
    """The path of the one https link in an e-mail."""
    urls = re.findall(r"https://journals\.example\.org(/\S+)", message.body)
    assert len(urls) == 1, message.body
    return urls[0]


def register(client, email="New.Reader@Example.org", password=PASSWORD, **extra):
    data = {"email": email, "password1": password, "password2": password, **extra}
    return client.post("/register/", data)


def log_in(client, email, password=PASSWORD, ip="198.51.100.7", **extra):
    return client.post("/login/", {"email": email, "password": password, **extra}, REMOTE_ADDR=ip)


# ---------------------------------------------------------------- registration, verification


def test_registration_sends_a_link_that_verifies_the_address(client):
    response = register(client)
    assert response.status_code == 302 and response["Location"] == "/my-access"
    user = get_user_model().objects.get()
    assert user.username == user.email == "new.reader@example.org"
    assert user.check_password(PASSWORD) and user.password.startswith(("pbkdf2", "argon2"))
    assert ReaderProfile.objects.get(user=user).email_verified_at is None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.reader@example.org"]
    assert "Confirm your e-mail" in message.subject

    # Logged in at once, with a banner until the address is confirmed.
    page = client.get("/my-access").content.decode()
    assert "Verify your e-mail address" in page

    response = Client().get(link_in(message))  # another device, not logged in: still works
    assert response.status_code == 200
    assert "E-mail address confirmed" in response.content.decode()
    assert ReaderProfile.objects.get(user=user).email_verified_at is not None
    assert "Verify your e-mail address" not in client.get("/my-access").content.decode()
    assert "e-mail verified" in client.get("/my-access").content.decode()


def test_registration_keeps_a_safe_next(client):
    response = register(client, next="/doi/abs/10.5555/test.1")
    assert response["Location"] == "/doi/abs/10.5555/test.1"


def test_an_address_registers_once_whatever_its_case(client, reader):
    response = register(client, email="READER@example.ORG")
    assert response.status_code == 200
    assert "exists already" in response.content.decode()
    assert get_user_model().objects.count() == 1
    assert not mail.outbox
    with pytest.raises(accounts.EmailTaken):
        accounts.create_reader("reader@EXAMPLE.org", PASSWORD)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Sh0rt-but-ok", None),  # 12 characters: accepted
        ("Eleven-char", "too short"),  # 11
        ("password1234", "too common"),
        ("738291046572", "entirely numeric"),
        ("new.reader@example.org", "too similar"),
    ],
)
def test_passwords_are_checked(client, password, why):
    response = register(client, password=password)
    if why is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert why in response.content.decode()
    assert not get_user_model().objects.exists()


def test_the_two_passwords_must_match(client):
    data = {"email": "a@example.org", "password1": PASSWORD, "password2": PASSWORD + "x"}
    response = client.post("/register/", data)
    assert "The two passwords differ" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_project_settings_require_12_characters():
    """The lead's settings line: Django's validators, at least 12 characters."""
    import masthead.settings as project

    names = {v["NAME"].rsplit(".", 1)[1]: v for v in project.AUTH_PASSWORD_VALIDATORS}
    assert set(names) >= {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
    assert names["MinimumLengthValidator"].get("OPTIONS", {}).get("min_length", 8) >= 12


def test_bad_tokens_are_refused(client, reader):
    good = accounts.verification_token(reader)
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    for token in ["nonsense", tampered, good.replace(":", ":x", 1)]:
        response = client.get(f"/verify-email/{token}/")
        assert response.status_code == 400
        assert "Link not valid" in response.content.decode()
    assert not accounts.email_verified(reader)


def test_tokens_expire_after_three_days(client, reader):
    three_days = 3 * 86400
    old = accounts.verification_token(reader, issued_at=time.time() - three_days - 60)
    assert client.get(f"/verify-email/{old}/").status_code == 400
    assert not accounts.email_verified(reader)

    recent = accounts.verification_token(reader, issued_at=time.time() - three_days + 3600)
    assert client.get(f"/verify-email/{recent}/").status_code == 200
    assert accounts.email_verified(reader)


def test_a_token_is_void_once_the_address_changes(client, reader):
    token = accounts.verification_token(reader)
    reader.email = "someone.else@example.org"
    reader.save()
    assert client.get(f"/verify-email/{token}/").status_code == 400


def test_a_token_for_another_purpose_is_refused(client, reader):
    from django.core import signing

    other = signing.TimestampSigner(salt="something-else").sign_object(
        {"u": reader.pk, "e": "reader@example.org"}
    )
    assert client.get(f"/verify-email/{other}/").status_code == 400


def test_resending_the_link_is_rate_limited(client, reader):
    client.force_login(reader)
    for _ in range(accounts.RESEND_PER_USER.attempts):
        response = client.post("/my-access/resend-verification")
        assert response.status_code == 302
    assert len(mail.outbox) == accounts.RESEND_PER_USER.attempts
    assert "We have sent a new link" in client.get(response["Location"]).content.decode()
    response = client.post("/my-access/resend-verification")
    assert response.status_code == 429
    assert len(mail.outbox) == accounts.RESEND_PER_USER.attempts
    assert client.get("/my-access/resend-verification").status_code == 405
    # The newest link works.
    assert client.get(link_in(mail.outbox[-1])).status_code == 200


# ---------------------------------------------------------------- log in, log out


def test_log_in_by_email_in_any_case(client, reader):
    response = log_in(client, "  READER@example.ORG ")
    assert response.status_code == 302 and response["Location"] == "/my-access"
    assert client.get("/my-access").status_code == 200


def test_wrong_password_says_so(client, reader):
    response = log_in(client, "reader@example.org", "not the password at all")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert client.get("/my-access").status_code == 302


def test_log_out_is_a_post(client, reader):
    client.force_login(reader)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/my-access").status_code == 302


def test_my_access_needs_a_login(client):
    response = client.get("/my-access")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/my-access"


def test_failed_logins_are_limited_per_account_and_address(client, reader, monkeypatch):
    for _ in range(accounts.LOGIN_PER_ACCOUNT.attempts):
        assert log_in(client, "reader@example.org", "wrong password!!").status_code == 200

    def no_password_check(*args, **kwargs):
        raise AssertionError("the password was checked while limited")

    monkeypatch.setattr(account_views, "authenticate", no_password_check)
    response = log_in(client, "Reader@Example.org")  # the right password, any case
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert response["Retry-After"] == str(accounts.LOGIN_PER_ACCOUNT.window)
    assert client.get("/my-access").status_code == 302
    monkeypatch.undo()

    # Another address is not limited for this account.
    assert log_in(Client(), "reader@example.org", ip="198.51.100.8").status_code == 302


def test_failed_logins_are_limited_per_address(client, reader):
    for n in range(accounts.LOGIN_PER_IP.attempts):
        log_in(client, f"nobody{n}@example.org", "wrong password!!")
    response = log_in(client, "reader@example.org")
    assert response.status_code == 429
    assert log_in(Client(), "reader@example.org", ip="198.51.100.9").status_code == 302


def test_a_successful_login_clears_the_account_counter(client, reader):
    limit = accounts.LOGIN_PER_ACCOUNT.attempts
    for _ in range(limit - 1):
        log_in(client, "reader@example.org", "wrong password!!")
    assert log_in(client, "reader@example.org").status_code == 302
    client.post("/logout/")
    for _ in range(limit - 1):
        log_in(client, "reader@example.org", "wrong password!!")
    assert log_in(client, "reader@example.org").status_code == 302


def test_rate_limit_uses_the_forwarded_address_only_from_a_trusted_proxy(client, reader, settings):
    settings.MASTHEAD_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.5")
    assert request_ip(request) == "192.0.2.5"
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR="192.0.2.5")
    assert request_ip(request) == "192.0.2.9"


# ---------------------------------------------------------------- CSRF and redirects


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/login/", {"email": "reader@example.org", "password": PASSWORD}),
        ("/register/", {"email": "x@example.org", "password1": PASSWORD, "password2": PASSWORD}),
        ("/password-reset/", {"email": "reader@example.org"}),
        ("/logout/", {}),
    ],
)
def test_posts_without_a_csrf_token_are_refused(reader, url, data):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url, data, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 403
    assert get_user_model().objects.count() == 1
    assert not mail.outbox


def test_posts_with_the_token_pass(reader):
    client = Client(enforce_csrf_checks=True)
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/login/",
        {"email": "reader@example.org", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "next_url",
    [
        "//evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "@evil.com",
        "javascript:alert(1)",
        "https://evil.com/",
        "http://testserver/my-access",  # absolute, even to us: only paths
        "/\t/evil.com",
        " //evil.com",
        "",
    ],
)
def test_next_never_leaves_the_site(client, reader, next_url):
    response = log_in(client, "reader@example.org", next=next_url)
    assert response.status_code == 302
    assert response["Location"] == "/my-access"


def test_next_keeps_a_local_path(client, reader):
    response = log_in(client, "reader@example.org", next="/doi/abs/10.5555/x.1?from=toc")
    assert response["Location"] == "/doi/abs/10.5555/x.1?from=toc"


def test_the_login_form_carries_next_from_the_query(client):
    page = client.get("/login/?next=/journals/tj").content.decode()
    assert 'name="next" value="/journals/tj"' in page
    page = client.get("/login/?next=//evil.com").content.decode()
    assert 'name="next" value="/my-access"' in page


# ---------------------------------------------------------------- passwords


def test_password_reset_end_to_end(client, reader):
    log_in(client, "reader@example.org", "wrong password!!")
    response = client.post("/password-reset/", {"email": "READER@example.org"})
    assert response.status_code == 302 and response["Location"] == "/password-reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    link = link_in(message)  # built on MASTHEAD_BASE_URL, not the Host header

    response = client.get(link)  # Django moves the token into the session
    assert response.status_code == 302
    form_url = response["Location"]
    assert "Choose a new password" in client.get(form_url).content.decode()
    new = "a brand new passphrase 42"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert response["Location"] == "/password-reset/complete/"
    assert client.get(response["Location"]).status_code == 200

    assert log_in(Client(), "reader@example.org").status_code == 200  # old password gone
    assert log_in(client, "reader@example.org", new).status_code == 302
    assert accounts.email_verified(reader)  # the mailbox is proven
    # The link works once.
    assert "Link not valid" in Client().get(link, follow=True).content.decode()


def test_password_reset_checks_the_new_password(client, reader):
    client.post("/password-reset/", {"email": "reader@example.org"})
    form_url = client.get(link_in(mail.outbox[0]))["Location"]
    response = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "too short" in response.content.decode()


def test_password_reset_for_an_unknown_address_looks_the_same(client):
    response = client.post("/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == "/password-reset/done/"
    assert not mail.outbox


def test_password_reset_requests_are_limited(client, reader):
    for _ in range(accounts.RESET_PER_EMAIL.attempts):
        client.post("/password-reset/", {"email": "reader@example.org"})
    response = client.post("/password-reset/", {"email": "reader@example.org"})
    assert response.status_code == 429
    assert len(mail.outbox) == accounts.RESET_PER_EMAIL.attempts


def test_password_change(client, reader):
    assert client.get("/password-change/")["Location"] == "/login/?next=/password-change/"
    client.force_login(reader)
    new = "another long passphrase 7"
    response = client.post(
        "/password-change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302 and response["Location"] == "/password-change/done/"
    assert client.get("/my-access").status_code == 200  # this session stays logged in
    assert log_in(Client(), "reader@example.org", new).status_code == 302


def test_password_change_needs_the_old_password(client, reader):
    client.force_login(reader)
    new = "another long passphrase 7"
    response = client.post(
        "/password-change/",
        {"old_password": "guess guess guess", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)


def test_an_ipv6_reader_cannot_walk_their_64_past_the_limit(client, reader):
    for n in range(accounts.LOGIN_PER_ACCOUNT.attempts):
        log_in(client, "reader@example.org", "wrong password!!", ip=f"2001:db8:1:2::{n + 1}")
    assert log_in(client, "reader@example.org", ip="2001:db8:1:2:ffff::9").status_code == 429
    assert log_in(Client(), "reader@example.org", ip="2001:db8:1:3::1").status_code == 302


def test_registration_attempts_are_limited_per_address(client, reader):
    for _ in range(accounts.REGISTER_PER_IP.attempts):
        response = register(client, email="reader@example.org")  # probing for accounts
        assert response.status_code == 200
    assert register(client, email="fresh@example.org").status_code == 429
    assert get_user_model().objects.count() == 1
