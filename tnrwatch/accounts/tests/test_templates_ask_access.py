"""Templates ask `accounts.access` what a user may do (`may.edit`, via the context processor),
and never name a role: a role check copied into a template is the copy nobody updates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tnrwatch.accounts.context_processors import Permissions

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ROLE_CHECK = re.compile(r"\.role\s*(==|!=|\bin\b)|\bcan\.(edit|review)\b|\bmay_publish\b")


def test_no_template_checks_a_role_itself():
    bad = [f"{p.relative_to(TEMPLATES)}:{n}" for p in sorted(TEMPLATES.rglob("*.html"))
           for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if ROLE_CHECK.search(line)]
    assert bad == [], "templates checking roles themselves (use `may.*`):\n" + "\n".join(bad)


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "edit", "review", "publish", "admin"), [
    ("admin", True, True, True, True), ("analyst", True, True, False, False),
    ("reviewer", False, True, True, False), ("read_only", False, False, False, False),
])
def test_the_answers_are_the_access_checks(make_staff, role, edit, review, publish, admin):
    user = make_staff(role)
    user.is_verified = lambda: True  # as django-otp's middleware marks a session past the second factor
    may = Permissions(user)
    assert (may.staff, may.edit, may.review, may.publish, may.admin) == (True, edit, review, publish, admin)


def test_an_anonymous_visitor_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    may = Permissions(AnonymousUser())
    assert not any((may.staff, may.edit, may.review, may.publish, may.admin, may.see_intake_audit))
