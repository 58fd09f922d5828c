"""Sign up, log in and out, reset a password, delete the account (thin: services do the work)."""

from __future__ import annotations

from urllib.parse import urlsplit

from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from interdep.accounts import services, sessions
from interdep.accounts.forms import DeleteAccountForm, EmailLoginForm, SignupForm
from interdep.lib.errors import ServiceError


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(**form.cleaned_data)
        except ServiceError as exc:
            form.add_error("password" if exc.code == "weak_password" else "email", exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.display_name}.")
            return redirect(_next_or_home(request))
    return render(
        request, "accounts/signup.html", {"form": form, "next": _next_or_home(request, "")}
    )


def _next_or_home(request, default: str = "/") -> str:
    """Where to go after signing up: a same-site ``next`` (an invite link), else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # Django's login view names the site after the request's host; the page shows the
        # product's name instead.
        context = super().get_context_data(**kwargs)
        context["site_name"] = settings.SITE_NAME
        return context


class LogoutView(auth_views.LogoutView):
    pass


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not sessions.confirm_password(request, form.cleaned_data["password"]):
            form.add_error("password", "That password is not right.")
        else:
            services.user_delete(user=request.user)
            logout(request)
            messages.success(request, "Your account and everything in it are deleted.")
            return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


def _duration_words(seconds: int) -> str:
    hours, minutes = divmod(seconds // 60, 60)
    if hours and not minutes:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    if not hours:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{hours} h {minutes} min"


class PasswordResetView(auth_views.PasswordResetView):
    """The link is built from SITE_URL, never from the request's Host header (which anyone can
    set), and the email states how long it really lasts."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"

    def form_valid(self, form):
        site = urlsplit(settings.SITE_URL)
        self.domain_override = site.netloc
        self.extra_email_context = {
            "site_url": settings.SITE_URL,
            "valid_for": _duration_words(settings.PASSWORD_RESET_TIMEOUT),
        }
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A successful reset also lifts the login lock-out (the lock-out page suggests a reset)."""

    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        reset(username=form.user.email)
        return response
