"""Reader account pages: register, verify e-mail, log in and out, passwords, My access.

Thin: the state changes live in access/accounts.py. Every form posts with a CSRF token
(Django's middleware); none of these pages is in the anonymous page cache.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from masthead.access import accounts
from masthead.access.models import Grant, Institution
from masthead.access.redirects import same_site_path
from masthead.access.services import campus_institution, request_ip
from masthead.access.sessions import session_institutions

LOGIN_URL = reverse_lazy("access:login")


# ---------------------------------------------------------------- where to go next


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """A same-site path to go to after logging in, else My access."""
    return same_site_path(request, candidate, reverse("access:my_access"))


def _next_from(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _too_many(request: HttpRequest, what: str, minutes: int) -> HttpResponse:
    context = {"what": what, "minutes": minutes}
    response = render(request, "access/account_rate_limited.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


# ---------------------------------------------------------------- forms


class LoginForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RegistrationForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=150,  # the username column holds it
        help_text="You log in with this address; we send a link to confirm it.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        help_text="Type the same password again, to be sure of it.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = " ".join(password_validators_help_texts())

    def clean_email(self) -> str:
        email = accounts.normalize_email(self.cleaned_data["email"])
        if accounts.email_taken(email):
            raise ValidationError(
                "An account with this e-mail address exists already. Log in, or reset its "
                "password if you have forgotten it.",
                code="email_taken",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords differ.")
        elif password1:
            email = cleaned.get("email", "")
            # An unsaved user lets UserAttributeSimilarityValidator compare with the e-mail.
            candidate = get_user_model()(username=email, email=email)
            try:
                validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


# ---------------------------------------------------------------- log in, log out, register


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_from(request)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = accounts.normalize_email(form.cleaned_data["email"])
        ip = request_ip(request)
        if accounts.login_refused(ip, email):
            # No password check at all while limited: not even the right one gets in.
            return _too_many(request, "failed log-in attempts", accounts.LOGIN_PER_ACCOUNT.minutes)
        user = authenticate(request, username=email, password=form.cleaned_data["password"])
        if user is None:
            accounts.record_failed_login(ip, email)
            form.add_error(None, "That e-mail address and password do not match an account.")
        else:
            accounts.record_successful_login(ip, email)
            login(request, user)
            return HttpResponseRedirect(next_url)
    return render(request, "access/account_login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    next_url = safe_next(request, request.POST.get("next"))
    if next_url == reverse("access:my_access"):
        next_url = reverse("reader:home")
    return HttpResponseRedirect(next_url)


@sensitive_post_parameters("password1", "password2")
@never_cache
def register_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_from(request)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if not accounts.registration_allowed(request_ip(request)):
            return _too_many(request, "attempts to register", accounts.REGISTER_PER_IP.minutes)
        if form.is_valid():
            try:
                user = accounts.create_reader(
                    form.cleaned_data["email"], form.cleaned_data["password1"]
                )
            except accounts.EmailTaken:
                form.add_error("email", "An account with this e-mail address exists already.")
            else:
                accounts.send_verification_email(user)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return HttpResponseRedirect(next_url)
    return render(request, "access/account_register.html", {"form": form, "next": next_url})


# ---------------------------------------------------------------- e-mail verification


@never_cache
def verify_email_view(request: HttpRequest, token: str) -> HttpResponse:
    user = accounts.verify_email(token)
    return render(
        request,
        "access/account_verify_email.html",
        {"verified_user": user, "days": accounts.VERIFY_MAX_AGE.days},
        status=200 if user is not None else 400,
    )


@require_POST
@login_required(login_url=LOGIN_URL)
def resend_verification_view(request: HttpRequest) -> HttpResponse:
    if accounts.email_verified(request.user):
        return redirect("access:my_access")
    if not accounts.resend_verification_email(request.user):
        return _too_many(request, "verification e-mails", accounts.RESEND_PER_USER.minutes)
    return redirect(reverse("access:my_access") + "?sent=1")


# ---------------------------------------------------------------- My access


def _grant_target(grant: Grant) -> tuple[str, str, str]:
    """(kind, label, link) of what a grant opens."""
    if grant.article_id:
        return "Article", grant.article.title, grant.article.get_absolute_url()
    if grant.issue_id:
        issue = grant.issue
        return "Issue", f"{issue.journal.title}, {issue.label}", issue.get_absolute_url()
    return "Journal", grant.journal.title, grant.journal.get_absolute_url()


@never_cache
@login_required(login_url=LOGIN_URL)
def my_access_view(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    grants = (
        Grant.objects.filter(user=request.user)
        .select_related("article", "issue__journal", "journal")
        .order_by("ends_at")
    )
    active, upcoming, expired = [], [], []
    for grant in grants:
        kind, label, url = _grant_target(grant)
        row = {"grant": grant, "kind": kind, "label": label, "url": url}
        if grant.ends_at <= now:
            expired.append(row)
        elif grant.starts_at > now:
            row["when"] = accounts.starts_in(grant.starts_at, now)
            upcoming.append(row)
        else:
            row["when"] = accounts.time_left(grant.ends_at, now)
            active.append(row)
    expired.reverse()  # most recently ended first
    institution_ids = session_institutions(request)
    institutions = (
        list(Institution.objects.filter(pk__in=institution_ids).values_list("name", flat=True))
        if institution_ids
        else []
    )
    context = {
        "active": active,
        "upcoming": upcoming,
        "expired": expired[:50],
        "expired_more": max(0, len(expired) - 50),
        "institutions": institutions,
        "on_campus": _campus_name(request),
        "email_verified": accounts.email_verified(request.user),
        "verification_sent": request.GET.get("sent") == "1",
    }
    return render(request, "access/account_my_access.html", context)


def _campus_name(request: HttpRequest) -> str:
    """The institution whose network the reader is on now, if any."""
    campus = campus_institution(request)
    if campus is None:
        return ""
    return Institution.objects.filter(pk=campus).values_list("name", flat=True).first() or ""


# ---------------------------------------------------------------- passwords (Django's views)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "access/account_password_reset.html"
    email_template_name = "access/email/password_reset.txt"
    subject_template_name = "access/email/password_reset_subject.txt"
    success_url = reverse_lazy("access:password_reset_done")

    @property
    def extra_email_context(self):
        # Links built on MASTHEAD_BASE_URL, never on the request's Host header.
        return {"base_url": settings.MASTHEAD_BASE_URL, "site_name": settings.MASTHEAD_SITE_NAME}

    def form_valid(self, form):
        ip = request_ip(self.request)
        if not accounts.password_reset_requested(ip, form.cleaned_data["email"]):
            return _too_many(self.request, "password reset e-mails", accounts.RESET_PER_IP.minutes)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "access/account_password_reset_confirm.html"
    success_url = reverse_lazy("access:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_reset_completed(form.user, request_ip(self.request))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "access/account_password_change.html"
    success_url = reverse_lazy("access:password_change_done")


password_reset_view = PasswordResetView.as_view()
password_reset_done_view = auth_views.PasswordResetDoneView.as_view(
    template_name="access/account_password_reset_done.html"
)
password_reset_confirm_view = PasswordResetConfirmView.as_view()
password_reset_complete_view = auth_views.PasswordResetCompleteView.as_view(
    template_name="access/account_password_reset_complete.html"
)
# Django's own login_required inside would send readers to settings.LOGIN_URL: ours first.
password_change_view = login_required(PasswordChangeView.as_view(), login_url=LOGIN_URL)
password_change_done_view = login_required(
    auth_views.PasswordChangeDoneView.as_view(
        template_name="access/account_password_change_done.html"
    ),
    login_url=LOGIN_URL,
)
