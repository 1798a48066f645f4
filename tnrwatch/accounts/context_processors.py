"""What the signed-in user may do, for templates: `{% if may.edit %}` instead of role names.

The answers are `accounts.access`'s own checks (role and verified second factor), so a page offers
exactly what its views will allow; the views check again, templates only decide what to show.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import access


class Permissions:
    """`may.edit`, `may.review`, `may.publish`, `may.admin`, `may.see_intake_audit`, `may.staff`."""

    def __init__(self, user: Any) -> None:
        self.staff = access.user_has_role(user, *access.ALL_STAFF)
        self.edit = access.user_has_role(user, *access.EDITORS)
        self.review = access.user_has_role(user, *access.REVIEWERS)
        self.publish = access.may_publish(user)
        self.admin = access.user_has_role(user, *access.ADMINS)
        self.see_intake_audit = access.may_see_intake_audit(user)


def permissions(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"may": SimpleLazyObject(lambda: Permissions(user))}
