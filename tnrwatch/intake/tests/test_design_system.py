"""The reporting pages are built on GOV.UK Frontend, vendored from its package (docs/design.md):
compiled with our settings, mirrored for right-to-left languages, shipped with its licence, and
fetching nothing (no fonts, no images, no other host)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "govuk-frontend"
MAKEFILE = Path(__file__).resolve().parents[3] / "Makefile"


def test_the_design_system_is_vendored_pinned_with_its_licence():
    pinned = re.search(r"^GOVUK_FRONTEND_VERSION := (\S+)$", MAKEFILE.read_text(), re.M).group(1)
    assert (VENDOR / "VERSION").read_text().startswith(f"govuk-frontend {pinned},")
    licence = (VENDOR / "LICENSE.txt").read_text()
    assert "MIT License" in licence and "Crown Copyright" in licence
    for name in ("govuk.min.css", "govuk.rtl.min.css"):
        css = (VENDOR / name).read_text()
        assert ".govuk-checkboxes__input" in css and ".govuk-error-summary" in css
        # nothing to download: no web font (GDS Transport is not ours), no image, no other host
        assert "@font-face" not in css and "url(" not in css and "GDS Transport" not in css


def test_the_mirrored_build_puts_the_checkbox_on_the_right():
    ltr = (VENDOR / "govuk.min.css").read_text()
    rtl = (VENDOR / "govuk.rtl.min.css").read_text()
    rule = re.compile(r"\.govuk-checkboxes__label::before\{[^}]*\}")
    assert "left:2px" in rule.search(ltr).group(0) and "right:2px" in rule.search(rtl).group(0)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "sheet"), [("en", "govuk.min.css"), ("zh-hans", "govuk.min.css"),
                                                 ("ug", "govuk.rtl.min.css")])
def test_the_reporting_pages_use_it(language, sheet):
    client = Client()
    client.cookies["django_language"] = language
    for name in ("form", "follow_up", "safety", "help"):
        page = client.get(reverse(f"intake:{name}")).content.decode()
        assert f"/static/vendor/govuk-frontend/{sheet}" in page, (language, name)
    form = client.get(reverse("intake:form")).content.decode()
    assert 'class="govuk-checkboxes__input" type="checkbox" name="involved"' in form
    assert 'class="govuk-radios__input" type="radio" name="wants_reply"' in form
    assert 'aria-describedby="id_what_happened_helptext"' in form and 'id="id_what_happened_helptext"' in form


@pytest.mark.django_db
def test_errors_are_summarised_and_linked_to_their_field(analyst):
    # (an analyst with a key, so the channel is open)
    page = Client().post(reverse("intake:form"), {"what_happened": "", "wants_reply": "yes"}).content.decode()
    assert "govuk-error-summary" in page and 'href="#id_what_happened"' in page
    assert "govuk-form-group--error" in page and 'id="id_what_happened_error"' in page



@pytest.mark.django_db
@pytest.mark.parametrize(("language", "sheet"), [("en", "govuk.min.css"), ("ug", "govuk.rtl.min.css")])
def test_the_workspace_and_the_inbox_use_it(staff_client, language, sheet):
    client = staff_client("analyst")
    client.cookies["django_language"] = language
    for name in ("workspace:home", "workspace:audit", "workspace:claim_list", "workspace:claim_create",
                 "inbox:list", "inbox:key", "ingestion:capture", "ingestion:queue"):
        page = client.get(reverse(name)).content.decode()
        assert f"/static/vendor/govuk-frontend/{sheet}" in page, (language, name)
        assert 'class="ws-main tnr-prose"' in page, name
    # a Django form through templates/govuk/_form.html: GOV.UK form groups, labels and widgets
    audit = client.get(reverse("workspace:audit")).content.decode()
    assert 'class="govuk-form-group"' in audit and 'class="govuk-label govuk-label--s"' in audit
    assert re.search(r'<(input|select)[^>]+class="govuk-(input|select)"', audit)


@pytest.mark.django_db
def test_a_workspace_form_error_is_summarised_and_marked_on_its_field(staff_client):
    page = staff_client("analyst").post(reverse("workspace:entity_create", args=["stations"]), {}).content.decode()
    assert "govuk-error-summary" in page and "govuk-form-group--error" in page
    field = re.search(r'<input[^>]*class="govuk-input govuk-input--error"[^>]*>', page).group(0)
    assert re.search(r'aria-describedby="[^"]*_error"', field)
