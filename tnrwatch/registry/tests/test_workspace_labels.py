"""The workspace and the inbox show coded values as words: no controlled-vocabulary slug, claim
property name or subject type is visible text on any of their pages, in English or Chinese.

Fixture strategy: the demo dataset (the real `load_demo` command) plus one report sent through the
real form, read by an analyst with an unlocked key; every workspace list page, every record and
claim page of the demo and the inbox pages are rendered and their visible text nodes checked.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tnrwatch.accounts.tests.helpers import unlocked_analyst_session
from tnrwatch.atlas.templatetags.atlas_tags import PROP_LABELS
from tnrwatch.intake.forms import INVOLVED, TACTICS
from tnrwatch.registry import subjects
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import Claim
from tnrwatch.registry.views.kinds import KINDS


def _slugs() -> set[str]:
    """Every slug of the registry's vocabularies and the report form's choices, the claim
    properties with a label and the subject types."""
    slugs = {
        s
        for name in dir(v)
        if name.isupper() and isinstance(getattr(v, name), dict)
        for s in getattr(v, name)
    }
    slugs |= {code for code, _label in (*INVOLVED, *TACTICS)}
    slugs |= set(PROP_LABELS) | {k.subject_type for k in subjects.SUBJECTS}
    slugs |= set(Claim.objects.values_list("prop", flat=True))
    return slugs


class _VisibleText(HTMLParser):
    """The text nodes a reader sees: not scripts, styles or the head; not the content of a
    textarea (the record's own data to edit) nor of `code` (an audit row's details, shown on
    purpose as the machine record they are)."""

    HIDDEN = {"script", "style", "head", "textarea", "code"}

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.nodes.append(data.strip())


# Pieces of a text node: "station #3 · status = reported" -> "station", "status", "reported"
# (not inside parentheses: "(alleged)" in a quote or a role is the record's own words).
_SEPARATORS = re.compile(r"\s*(?:#\d+|[=·:,;→—])\s*|\s{2,}")
_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # snake_case: never a word of prose


def raw_codes(html: str, slugs: set[str]) -> set[str]:
    parser = _VisibleText()
    parser.feed(html)
    found = set()
    for node in parser.nodes:
        found |= {piece.strip() for piece in _SEPARATORS.split(node) if piece.strip() in slugs}
        found |= {code for code in _CODE.findall(node) if code in slugs}
    return found


def _workspace_urls() -> list[str]:
    urls = [reverse("workspace:home"), reverse("workspace:audit"), reverse("ingestion:queue")]
    claims = reverse("workspace:claim_list")
    pages = -(-Claim.objects.count() // 50)
    urls += [f"{claims}?page={n}" for n in range(1, pages + 1)]
    for slug, kind in KINDS.items():
        urls.append(reverse("workspace:entity_list", args=[slug]))
        urls += [
            reverse("workspace:entity_detail", args=[slug, pk])
            for pk in kind.model.objects.values_list("pk", flat=True)
        ]
    for claim in Claim.objects.all():
        urls.append(reverse("workspace:claim_detail", args=[claim.pk]))
    coded = Claim.objects.filter(prop__in=["action", "status", "kind", "tactic", "target_category"])
    for claim in coded[:5]:
        urls += [
            reverse("workspace:claim_publish", args=[claim.pk]),
            reverse("workspace:claim_status", args=[claim.pk]),
        ]
    return urls


@pytest.mark.django_db
def test_workspace_and_inbox_show_labels_not_codes(make_staff, settings, tmp_path):
    from tnrwatch.intake.models import Report
    from tnrwatch.intake.tests.conftest import multipart_form

    settings.TNR_INTAKE = {
        "kdf_time_cost": 1,
        "kdf_memory_kib": 8,
        "blob_dir": str(tmp_path / "blobs"),
    }
    settings.TNR_RECEIPT_KEY = "receipt-key-for-tests"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 - quiet
    client = Client()
    for name, value in unlocked_analyst_session(make_staff, "labels-analyst").items():
        client.cookies[name] = value
    Client().post(reverse("intake:form"), multipart_form(involved=["station", "association"],
                                                         tactics=["family_threats", "return_demands"]))
    report = Report.objects.get()
    assert "Rotterdam" in client.get(reverse("inbox:report", args=[report.pk])).content.decode()  # unlocked
    slugs = _slugs()
    urls = [*_workspace_urls(), reverse("inbox:list"), reverse("inbox:report", args=[report.pk])]
    shown = {}
    with translation.override("en"):  # the pages activate the cookie's language: leave none behind
        for language in ("en", "zh-hans"):
            client.cookies["django_language"] = language
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                codes = raw_codes(response.content.decode(), slugs)
                if codes:
                    shown[(language, url)] = sorted(codes)
    assert not shown, "\n".join(f"{k}: {v}" for k, v in shown.items())


def test_the_check_sees_a_raw_code():
    slugs = {"closure_ordered", "status", "station"}
    assert raw_codes("<td>station #3</td><td>status</td><td>closure_ordered</td>", slugs) == slugs
    assert (
        raw_codes(
            '<td title="status">Status</td><td>Closure ordered</td><textarea>status</textarea>',
            slugs,
        )
        == set()
    )
