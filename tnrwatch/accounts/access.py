"""Every permission check in one place.

Staff pages are locked by Django's LoginRequiredMiddleware; views additionally declare which roles
may use them with `@staff_view(...)`, which also requires a verified second factor (TOTP).
`access_<thing>_by_<key>(user, key)` functions return the object or raise one error that is the
same for "missing" and "forbidden" (`NotFoundOrForbiddenError`), so an unauthorised user learns
nothing about what exists. Templates get the same answers from `context_processors.permissions`
(`{% if may.edit %}`).

Partners (TAXII, partner reads of evidence copies) are not users: they hold a token, and
`access_partner_by_request` / `access_collection_by_partner` answer for them. Threat model: those
endpoints are reachable without a staff session; a request without a valid token, or for a
collection not granted, gets the same answer as for one that does not exist, so a caller learns
nothing about which collections or partners exist.

Models of other apps are looked up by name (`apps.get_model`), so this app imports none of them.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps
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
    """PermissionDeniedError unless `user` is verified staff with one of `roles` (for selectors
    that serve staff and the public alike: search, the network view)."""
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


def access_report_by_id(user: Any, report_id: Any):  # noqa: ANN201 - an intake Report
    """A report of the case inbox, for the roles that work it (admins and analysts)."""
    return access_object(user, apps.get_model("intake", "Report"), _int_or_none(report_id), *EDITORS)


def access_partner_by_id(user: Any, partner_id: Any):  # noqa: ANN201 - a sharing Partner
    """A partner, for admins (who manage partners)."""
    return access_object(user, apps.get_model("sharing", "Partner"), _int_or_none(partner_id), *ADMINS)


def access_csv_upload_by_id(user: Any, upload_id: Any):  # noqa: ANN201 - a sharing CsvUpload
    """A staged CSV import, for editors."""
    return access_object(user, apps.get_model("sharing", "CsvUpload"), _int_or_none(upload_id), *EDITORS)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


# -- partners (by token) -------------------------------------------------------------------------


def token_from_request(request: HttpRequest) -> str:
    """The partner token: `Authorization: Bearer T`, `Token T` (taxii2-client's TokenAuth), or HTTP
    Basic with the token as password (taxii2-client's user/password)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, value = header.partition(" ")
    scheme = scheme.lower()
    if scheme in ("bearer", "token"):
        return value.strip()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return ""
        return decoded.partition(":")[2]
    return ""


def access_partner_by_request(request: HttpRequest):  # noqa: ANN201 - a sharing Partner or None
    """The active partner whose token the request carries, or None."""
    from tnrwatch.sharing.services import partner_by_token

    return partner_by_token(token_from_request(request))


def access_collection_by_partner(partner: Any, collection_id: str, *, write: bool = False) -> tuple[Any, Any]:
    """The collection and the partner's grant on it, or NotFoundOrForbiddenError."""
    if partner is None:
        raise NotFoundOrForbiddenError()
    grant_model = apps.get_model("sharing", "PartnerGrant")
    grant = grant_model.objects.select_related("collection").filter(
        partner=partner, collection_id=_uuid_or_none(collection_id)).first()
    if grant is None or not (grant.can_write if write else grant.can_read):
        raise NotFoundOrForbiddenError()
    return grant.collection, grant


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
