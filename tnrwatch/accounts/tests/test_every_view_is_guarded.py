"""Every view of the project is either public on purpose or a staff view with roles.

After the password step a user is "logged in" for Django but has no verified second factor, so
LoginRequiredMiddleware alone would let them through. Every non-public view must therefore carry
`@staff_view(...)` (which checks the second factor and the role); this test walks the whole
URLconf so a new view without it fails here.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

# Login-required but deliberately not a staff view: the second step of signing in itself.
SECOND_STEP = {"accounts:otp"}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (pattern.namespace or namespace)
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}:{pattern.name}" if namespace else str(pattern.name)), pattern.callback


def test_every_view_is_public_on_purpose_or_checks_second_factor_and_role():
    unguarded = []
    for name, view in _walk(get_resolver().url_patterns):
        public = getattr(view, "login_required", True) is False
        if not public and not getattr(view, "staff_roles", None) and name not in SECOND_STEP:
            unguarded.append(f"{name} ({view.__module__}.{getattr(view, '__name__', view)})")
    assert not unguarded, "views neither @login_not_required nor @staff_view(...): " + ", ".join(unguarded)
