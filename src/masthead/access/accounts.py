"""Personal reader accounts: every state change the account views make, as plain functions.

- The login is the e-mail: a reader's User has username = the lower-cased e-mail, so Django's
  ModelBackend finds them whatever case they type (`normalize_email`).
- E-mail verification is a signed, timestamped token (3 days) naming the user and the address;
  following it stamps `ReaderProfile.email_verified_at`. Readers may log in before verifying.
- Failed logins are counted in Django's cache per (IP, e-mail) and per IP; over the limit the
  view answers 429 without checking the password. With Redis (REDIS_URL) the counters are
  shared by every process; with the default per-process memory cache each worker counts for
  itself, so the real limit is N times the number of workers.
"""

import datetime
import hashlib
import ipaddress
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from masthead.access.models_accounts import ReaderProfile

log = logging.getLogger("masthead.access")

VERIFY_SALT = "masthead.access.verify-email"
VERIFY_MAX_AGE = datetime.timedelta(days=3)


# ---------------------------------------------------------------- who is asking


def normalize_email(email: str) -> str:
    """The login key: the address trimmed and lower-cased (the whole address, local part too)."""
    return email.strip().lower()


def counted_address(ip: str) -> str:
    """What a per-address counter counts: an IPv4 address, or an IPv6 address's /64 (one
    household or host gets a whole /64 and could otherwise walk through it)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


# ---------------------------------------------------------------- rate limits (cache counters)


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window: int  # seconds; the window starts at the first counted attempt

    @property
    def minutes(self) -> int:
        return self.window // 60


LOGIN_PER_ACCOUNT = Limit("login-account", attempts=5, window=15 * 60)
LOGIN_PER_IP = Limit("login-ip", attempts=30, window=15 * 60)
REGISTER_PER_IP = Limit("register-ip", attempts=20, window=60 * 60)
RESEND_PER_USER = Limit("verify-resend", attempts=3, window=60 * 60)
RESET_PER_IP = Limit("reset-ip", attempts=10, window=60 * 60)
RESET_PER_EMAIL = Limit("reset-email", attempts=3, window=60 * 60)


def _key(limit: Limit, parts: tuple[str, ...]) -> str:
    # Hashed: e-mail addresses may hold characters a cache key must not (memcached), and
    # readers' addresses should not sit in Redis in the clear.
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]
    return f"masthead:limit:{limit.name}:{digest}"


def limit_reached(limit: Limit, *parts: str) -> bool:
    return (cache.get(_key(limit, parts)) or 0) >= limit.attempts


def count_attempt(limit: Limit, *parts: str) -> int:
    """Count one attempt; return the count in the current window."""
    key = _key(limit, parts)
    cache.add(key, 0, timeout=limit.window)  # starts the window; no-op when already counting
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.window)
        return 1


def clear_attempts(limit: Limit, *parts: str) -> None:
    cache.delete(_key(limit, parts))


def login_refused(ip: str, email: str) -> bool:
    """True while this address, or this address for this account, has failed too often."""
    ip, email = counted_address(ip), normalize_email(email)
    return limit_reached(LOGIN_PER_ACCOUNT, ip, email) or limit_reached(LOGIN_PER_IP, ip)


def record_failed_login(ip: str, email: str) -> None:
    ip, email = counted_address(ip), normalize_email(email)
    account = count_attempt(LOGIN_PER_ACCOUNT, ip, email)
    per_ip = count_attempt(LOGIN_PER_IP, ip)
    if account == LOGIN_PER_ACCOUNT.attempts or per_ip == LOGIN_PER_IP.attempts:
        log.warning("login attempts limited for %s (account %d, address %d)", ip, account, per_ip)


def record_successful_login(ip: str, email: str) -> None:
    """A right password clears this account's counter at this address (not the address's)."""
    clear_attempts(LOGIN_PER_ACCOUNT, counted_address(ip), normalize_email(email))


def registration_allowed(ip: str) -> bool:
    """Count a registration attempt (any outcome: taken addresses too, against probing);
    False once this address has tried too often lately."""
    ip = counted_address(ip)
    if limit_reached(REGISTER_PER_IP, ip):
        return False
    count_attempt(REGISTER_PER_IP, ip)
    return True


# ---------------------------------------------------------------- accounts


class EmailTaken(Exception):
    """An account with this e-mail exists already."""


def email_taken(email: str) -> bool:
    email = normalize_email(email)
    users = get_user_model().objects
    return users.filter(username=email).exists() or users.filter(email__iexact=email).exists()


def create_reader(email: str, password: str) -> AbstractBaseUser:
    """A new active reader account (password hashed by Django) and its unverified profile.

    The password must have been validated already (the registration form does it).
    """
    email = normalize_email(email)
    if email_taken(email):
        raise EmailTaken(email)
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=email, email=email, password=password
            )
            ReaderProfile.objects.create(user=user)
    except IntegrityError:  # two registrations raced for one address
        raise EmailTaken(email) from None
    return user


def profile_for(user: AbstractBaseUser) -> ReaderProfile:
    """The reader's profile; accounts made elsewhere (admin, createsuperuser) get one now."""
    profile, _ = ReaderProfile.objects.get_or_create(user=user)
    return profile


def email_verified(user: AbstractBaseUser) -> bool:
    return ReaderProfile.objects.filter(user=user, email_verified_at__isnull=False).exists()


def mark_email_verified(user: AbstractBaseUser, now: datetime.datetime | None = None) -> None:
    """Stamp the address as proven (the first time only)."""
    profile = profile_for(user)
    if profile.email_verified_at is None:
        profile.email_verified_at = now or timezone.now()
        profile.save(update_fields=["email_verified_at"])


# ---------------------------------------------------------------- e-mail verification


class _Signer(signing.TimestampSigner):
    """TimestampSigner that can date a token in the past (tests of expiry need no clock)."""

    def __init__(self, issued_at: float | None = None):
        super().__init__(salt=VERIFY_SALT)
        self.issued_at = issued_at

    def timestamp(self) -> str:
        if self.issued_at is None:
            return super().timestamp()
        return signing.b62_encode(int(self.issued_at))


def verification_token(user: AbstractBaseUser, issued_at: float | None = None) -> str:
    """A token naming the user and their current address: changing the address voids it."""
    return _Signer(issued_at).sign_object({"u": user.pk, "e": normalize_email(user.email)})


def user_for_token(token: str) -> AbstractBaseUser | None:
    """The user a good, unexpired token names; None for anything else."""
    try:
        data = _Signer().unsign_object(token, max_age=VERIFY_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict):
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or normalize_email(user.email) != data.get("e"):
        return None
    return user


def verify_email(token: str, now: datetime.datetime | None = None) -> AbstractBaseUser | None:
    """Follow a verification link: the user whose address is now proven, or None."""
    user = user_for_token(token)
    if user is not None:
        mark_email_verified(user, now)
    return user


def verification_url(user: AbstractBaseUser) -> str:
    # Built on MASTHEAD_BASE_URL, never on the request's Host header (no link poisoning).
    path = reverse("access:verify_email", args=[verification_token(user)])
    return settings.MASTHEAD_BASE_URL + path


def send_verification_email(user: AbstractBaseUser) -> None:
    context = {
        "user": user,
        "url": verification_url(user),
        "days": VERIFY_MAX_AGE.days,
        "site_name": settings.MASTHEAD_SITE_NAME,
    }
    subject = render_to_string("access/email/verify_email_subject.txt", context)
    body = render_to_string("access/email/verify_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def resend_verification_email(user: AbstractBaseUser) -> bool:
    """Send a fresh link unless this reader asked too often lately; True when sent."""
    if limit_reached(RESEND_PER_USER, str(user.pk)):
        return False
    count_attempt(RESEND_PER_USER, str(user.pk))
    send_verification_email(user)
    return True


# ---------------------------------------------------------------- password reset


def password_reset_requested(ip: str, email: str) -> bool:
    """Count a reset request; False when this address or e-mail asked too often lately."""
    ip, email = counted_address(ip), normalize_email(email)
    if limit_reached(RESET_PER_IP, ip) or limit_reached(RESET_PER_EMAIL, email):
        return False
    count_attempt(RESET_PER_IP, ip)
    count_attempt(RESET_PER_EMAIL, email)
    return True


def password_reset_completed(user: AbstractBaseUser, ip: str) -> None:
    """The reader proved the mailbox and chose a new password: the address counts as verified
    and their failed logins from here are forgotten, so the new password works at once."""
    mark_email_verified(user)
    record_successful_login(ip, user.get_username())


# ---------------------------------------------------------------- time left on a grant


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def time_left(ends_at: datetime.datetime, now: datetime.datetime) -> str:
    """'1 day 23 hours left', '5 hours 10 minutes left', 'expires in 45 minutes' (rounded down)."""
    seconds = int((ends_at - now).total_seconds())
    if seconds <= 0:
        return "expired"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{_plural(days, 'day')}{' ' + _plural(hours, 'hour') if hours else ''} left"
    if hours:
        return f"{_plural(hours, 'hour')}{' ' + _plural(minutes, 'minute') if minutes else ''} left"
    if minutes:
        return f"expires in {_plural(minutes, 'minute')}"
    return "expires in less than a minute"


def starts_in(starts_at: datetime.datetime, now: datetime.datetime) -> str:
    """'starts in 2 days 3 hours' for a grant not yet begun."""
    text = time_left(starts_at, now)
    if text.endswith(" left"):
        return "starts in " + text.removesuffix(" left")
    return text.replace("expires", "starts")
