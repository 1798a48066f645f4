"""Role checks of every staff page, found by walking the URL patterns.

A new workspace or accounts page without `@staff_view(...)` fails here, because every view is
expected to carry the `staff_roles` that the decorator sets (except the sign-in pages).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from tnrwatch.accounts import urls as accounts_urls
from tnrwatch.accounts.models import Role, User
from tnrwatch.registry import urls as workspace_urls
from tnrwatch.registry.views.kinds import KINDS

# The only pages a visitor without a verified second factor may reach.
SIGN_IN_PAGES = {"accounts:login", "accounts:logout", "accounts:otp"}

# Which record a pattern's `pk` refers to, by URL name. A new pattern with a `pk` must be added.
PK_SAMPLE = {
    "workspace:claim_detail": "claim", "workspace:claim_evidence_add": "claim",
    "workspace:claim_status": "claim", "workspace:claim_marking": "claim", "workspace:claim_publish": "claim",
    "workspace:claim_unpublish": "claim", "workspace:claim_publish_propose": "claim",
    "workspace:station_status": "stations", "workspace:source_reuse": "sources",
    "accounts:user_detail": "user", "accounts:user_role": "user", "accounts:user_active": "user",
    "accounts:user_reset_otp": "user", "accounts:user_reset_password": "user",
}


def _patterns():
    for namespace, module in (("workspace", workspace_urls), ("accounts", accounts_urls)):
        for pattern in module.urlpatterns:
            assert isinstance(pattern, URLPattern), "nested includes: extend the walker"
            yield f"{namespace}:{pattern.name}", pattern


def _urls(name: str, pattern: URLPattern, objects: dict) -> list[str]:
    params = set(pattern.pattern.converters)
    if not params:
        return [reverse(name)]
    # The kinds the pattern's converter accepts (a page for some kinds only, e.g. the right of reply).
    kinds = [k for k in KINDS if re.fullmatch(pattern.pattern.converters["kind"].regex, k)] if "kind" in params else []
    if params == {"kind"}:
        return [reverse(name, kwargs={"kind": k}) for k in kinds]
    if params == {"kind", "pk"}:
        return [reverse(name, kwargs={"kind": k, "pk": objects[k].pk}) for k in kinds]
    if params == {"pk", "evidence_pk"}:  # an evidence item of the sample claim
        claim = objects["claim"]
        return [reverse(name, kwargs={"pk": claim.pk, "evidence_pk": claim.evidence.first().pk})]
    assert params == {"pk"}, f"{name}: unknown URL parameters {params}"
    assert name in PK_SAMPLE, f"{name}: add a sample object to PK_SAMPLE"
    return [reverse(name, kwargs={"pk": objects[PK_SAMPLE[name]].pk})]


@pytest.fixture
def pages(record, make_staff):
    objects = dict(record)
    objects["user"] = make_staff("read_only", "target-user")
    out = []
    for name, pattern in _patterns():
        if name in SIGN_IN_PAGES:
            continue
        roles = getattr(pattern.callback, "staff_roles", None)
        assert roles, f"{name} has no @staff_view(...) role check"
        out += [(name, url, set(roles)) for url in _urls(name, pattern, objects)]
    return out


def test_every_page_is_a_staff_page_with_roles():
    for name, pattern in _patterns():
        if name in SIGN_IN_PAGES:
            continue
        roles = getattr(pattern.callback, "staff_roles", None)
        assert roles, f"{name} has no @staff_view(...) role check"
        assert set(roles) <= set(Role.values), name


def test_anonymous_visitors_are_sent_to_sign_in(pages):
    client = Client()
    for name, url, _roles in pages:
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


def test_password_without_second_factor_is_sent_to_otp(pages, make_staff):
    user = make_staff("admin", "half-signed-in")
    client = Client()
    client.force_login(user)  # password step only: no verified device in the session
    for name, url, _roles in pages:
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:otp")), name


@pytest.mark.parametrize("role", Role.values)
def test_each_role_gets_exactly_its_pages(pages, role_client, role):
    client = role_client(role)
    for name, url, roles in pages:
        response = client.get(url)
        if role in roles:
            # 405: a POST-only action (its forms live on the pages that pass here)
            assert response.status_code in (200, 405), f"{name} {url} as {role}: {response.status_code}"
        else:
            assert response.status_code == 403, f"{name} {url} as {role}: {response.status_code}"


def test_write_pages_are_closed_to_read_only(pages):
    read_only_pages = [name for name, _url, roles in pages if Role.READ_ONLY in roles]
    for name in read_only_pages:
        assert not name.endswith(("_create", "_edit", "_marking", "_status", "_add", "_role", "_active")), name


def test_deactivated_user_loses_access_at_once(role_client):
    client = role_client("analyst")
    assert client.get(reverse("workspace:home")).status_code == 200
    User.objects.filter(pk=client.user.pk).update(is_active=False)
    response = client.get(reverse("workspace:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_unknown_kinds_and_ids_are_404(role_client, record):
    client = role_client("admin")
    for url in ["/workspace/widgets/", "/workspace/stations/999999/", "/workspace/claims/999999/",
                "/workspace/stations/99999999999999999999999/", "/workspace/claims/99999999999999999999/status/",
                "/accounts/users/99999999999999999999/"]:
        assert client.get(url).status_code == 404, url
