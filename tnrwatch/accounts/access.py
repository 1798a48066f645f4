"""Every permission check in one place.

Staff pages are locked by Django's LoginRequiredMiddleware; views additionally declare which roles
may use them with `@staff_view(...)`, which also requires a verified second factor (TOTP).
`access_*` functions return the object or raise one error that is the same for "missing" and
"forbidden", so an unauthorised user learns nothing about what exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode

from tnrwatch.core.errors import NotFoundOrForbiddenError, PermissionDeniedError

from .models import Role

ALL_STAFF = (Role.ADMIN, Role.ANALYST, Role.REVIEWER, Role.READ_ONLY)
EDITORS = (Role.ADMIN, Role.ANALYST)
REVIEWERS = (Role.ADMIN, Role.ANALYST, Role.REVIEWER)
ADMINS = (Role.ADMIN,)
# Who may make a record public (TLP:CLEAR): reviewers and admins. Analysts propose (docs/workspace.md).
PUBLISHERS = (Role.ADMIN, Role.REVIEWER)


def may_publish(user: Any) -> bool:
    """Whether `user` may publish: mark a claim (or any record) TLP:CLEAR."""
    return user_has_role(user, *PUBLISHERS)


def user_is_verified(user: Any) -> bool:
    """Logged in with password and second factor."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(settings, "TNR_REQUIRE_OTP", True) is False:
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def user_has_role(user: Any, *roles: str) -> bool:
    return user_is_verified(user) and user.role in roles


def may_see_intake_audit(user: Any) -> bool:
    """Whether the audit trail shown to `user` includes the intake's rows (who opened, answered or
    deleted which report): only for the roles that work the inbox. Read-only staff and reviewers
    see the registry's trail without them."""
    return user_has_role(user, *EDITORS)


def require_role(user: Any, *roles: str) -> None:
    if not user_has_role(user, *roles):
        raise PermissionDeniedError("Your role does not allow this.")


def staff_view(*roles: str) -> Callable:
    """Decorator for staff views: logged in, second factor verified, one of `roles`."""
    allowed = roles or ALL_STAFF

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user_is_verified(user):
                from django.shortcuts import redirect

                return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
            if user.role not in allowed:
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFoundOrForbiddenError as exc:
                raise Http404(exc.message) from exc

        wrapped.staff_roles = allowed  # type: ignore[attr-defined]  # read by the role-check tests
        return wrapped

    return decorator


def access_object(user: Any, model: type, pk: Any, *roles: str):
    """The object `pk` of `model` if `user` may see it; otherwise NotFoundOrForbiddenError."""
    if not user_has_role(user, *(roles or ALL_STAFF)):
        raise NotFoundOrForbiddenError()
    if isinstance(pk, int) and not 0 < pk < 2**63:  # out of any database's range: no such row
        raise NotFoundOrForbiddenError()
    try:
        return model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFoundOrForbiddenError() from exc
