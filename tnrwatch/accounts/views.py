"""Sign-in (password, then TOTP), enrolment, sign-out, password change, and user management.

Views parse forms, check access and call one service; they never write to the ORM themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from tnrwatch.core.errors import ApplicationError

from . import services
from .access import ADMINS, ALL_STAFF, access_object, staff_view, user_is_verified
from .forms import (
    LoginForm,
    PasswordChangeLimitedForm,
    TokenForm,
    UserActiveForm,
    UserCreateForm,
    UserRoleForm,
)
from .models import User
from .qr import qr_svg
from .selectors import user_list


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and "\x00" not in candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("workspace:home")


def _posted(request: HttpRequest):
    """The submitted data for a bound form, or None for a fresh one (an empty POST is bound)."""
    return request.POST if request.method == "POST" else None


def _otp_url(next_url: str) -> str:
    return f"{reverse('accounts:otp')}?{urlencode({'next': next_url})}"


def _with_device_cookie(response: HttpResponse, user: User) -> HttpResponse:
    """A browser that completed the sign-in keeps signing in at full speed (services.password_login_check)."""
    response.set_cookie(
        services.DEVICE_COOKIE, services.device_token_issue(user=user), max_age=services.DEVICE_COOKIE_MAX_AGE_SECONDS,
        path=reverse("accounts:login"), secure=settings.SECURE_COOKIES, httponly=True, samesite="Strict",
    )
    return response


@login_not_required
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url if user_is_verified(request.user) else _otp_url(next_url))
    form = LoginForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = services.password_login_check(
                    request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"],
                    device_token=request.COOKIES.get(services.DEVICE_COOKIE),
                )
            except services.LoginThrottledError:
                form.add_error(None, _("Too many failed attempts. Wait a few minutes, then try again."))
                status = 429
            except services.InvalidCredentialsError:
                form.add_error(None, _("The username or password is not correct."))
            else:
                auth.login(request, user)  # a new session; not yet verified
                return redirect(_otp_url(next_url))
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


def otp_view(request: HttpRequest) -> HttpResponse:
    """Second step: a code from the user's authenticator, or enrolment of one on first sign-in."""
    next_url = _next_url(request)
    user = request.user
    if user_is_verified(user):
        return redirect(next_url)
    if not user.is_active:
        auth.logout(request)
        return redirect("accounts:login")
    enrolling = not services.user_has_confirmed_device(user)
    enrolment = services.totp_enrolment_start(user=user) if enrolling else None
    form = TokenForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            device = services.totp_device_of(user)
            if device is not None and services.totp_throttled(device):
                form.add_error(None, _("Too many wrong codes. Wait a little, then enter a new code."))
                status = 429
            else:
                token = form.cleaned_data["token"]
                if enrolling:
                    device = services.totp_enrolment_confirm(user=user, token=token)
                else:
                    device = services.totp_login_check(user=user, token=token)
                if device is not None:
                    request.session.cycle_key()
                    otp_login(request, device)
                    return _with_device_cookie(redirect(next_url), user)
                form.add_error("token", _("That code is not correct. Check your device's clock and try the next code."))
    context = {"form": form, "next": next_url, "enrolment": enrolment,
               "qr": mark_safe(qr_svg(enrolment.uri)) if enrolment else ""}  # noqa: S308 - segno output from our own data
    return render(request, "accounts/otp.html", context, status=status)


@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    return redirect("atlas:home")


@staff_view(*ALL_STAFF)
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeLimitedForm(request.user, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_set(actor=request.user, user=request.user,
                                       password=form.cleaned_data["new_password1"])
        except ApplicationError as exc:
            form.add_error("new_password1", exc.message)
        else:
            auth.update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("workspace:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


@staff_view(*ADMINS)
def users(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/users.html", {"users": user_list(), "form": UserCreateForm()})


@staff_view(*ADMINS)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            # Shown once, on this response only (staff pages are never cached).
            return render(request, "accounts/user_created.html", {"new_user": user, "password": password})
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/user_form.html", {"form": form}, status=status)


@staff_view(*ADMINS)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = access_object(request.user, User, pk, *ADMINS)
    return render(request, "accounts/user_detail.html", {
        "target": target, "role_form": UserRoleForm(initial={"role": target.role}),
        "has_device": services.user_has_confirmed_device(target),
    })


def _user_action(request: HttpRequest, pk: int, action) -> HttpResponse:
    target = access_object(request.user, User, pk, *ADMINS)
    try:
        message = action(target)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect("accounts:user_detail", pk=target.pk)


@staff_view(*ADMINS)
@require_POST
def user_role(request: HttpRequest, pk: int) -> HttpResponse:
    form = UserRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed roles."))
        return redirect("accounts:user_detail", pk=pk)

    def act(target):
        services.user_set_role(actor=request.user, user=target, role=form.cleaned_data["role"])
        return _("Role changed.")

    return _user_action(request, pk, act)


@staff_view(*ADMINS)
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    form = UserActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Invalid request."))
        return redirect("accounts:user_detail", pk=pk)

    def act(target):
        services.user_set_active(actor=request.user, user=target, active=form.cleaned_data["active"])
        return _("Account activated.") if form.cleaned_data["active"] else _("Account deactivated.")

    return _user_action(request, pk, act)


@staff_view(*ADMINS)
@require_POST
def user_reset_otp(request: HttpRequest, pk: int) -> HttpResponse:
    def act(target):
        services.user_second_factor_reset(actor=request.user, user=target)
        return _("Second factor removed: the user enrols a new one at their next sign-in.")

    return _user_action(request, pk, act)


@staff_view(*ADMINS)
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    target = access_object(request.user, User, pk, *ADMINS)
    password = services.user_password_reset(actor=request.user, user=target)
    return render(request, "accounts/user_created.html", {"new_user": target, "password": password, "reset": True})
