# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments
"""axe-core in Debian's headless Chromium: WCAG 2.2 AA on the public pages, the reporting flow,
the workspace and the inbox, in English, both Chinese scripts and Uyghur (right to left), at
1280 px and 390 px. One browser for every page, to keep it fast. The browser has JavaScript on
only so the injected axe-core can run: the pages ship no script, so they render the same.

axe-core is vendored in `vendor/axe-core/` by `make vendor` (pinned; MPL-2.0, its licence beside
it). It is injected by the test driver only: no page of the site ever serves or loads it, and the
pages themselves still run with JavaScript disabled.

With TNR_SCREENSHOTS=<folder> (what `make screenshots` sets) the test also saves the home page, a
country page, the report form and an inbox report at both widths.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tnrwatch.intake.tests.test_browser import requested_hosts  # the browser's own request log

from .atlas_fixtures import atlas_record  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).resolve().parents[3] / "vendor" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
LANGUAGES = ["en", "zh-hans", "zh-hant", "ug"]
WIDTHS = {"wide": (1280, 900), "narrow": (390, 844)}
SCREENSHOTS = {"home", "country", "report", "inbox_report"}


def axe_violations(driver) -> list[dict]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
        WCAG_22_AA,
    )


def _staff_cookie(live_server, make_staff):
    """A signed-in analyst with an unlocked inbox key: the session cookie for the browser."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from tnrwatch.intake import services as intake_services
    from tnrwatch.intake.tests.conftest import PASSPHRASE

    user = make_staff("analyst", "axe-analyst")
    intake_services.recipient_key_create(actor=user, passphrase=PASSPHRASE)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    client.post(reverse("inbox:unlock"), {"passphrase": PASSPHRASE})
    return client.cookies["sessionid"].value


def _public_person_and_address(record: dict):
    """A person named by a court record, with a published tie to the record's station, and the
    station's published address: the people and address pages, and their ties in the network view."""
    from tnrwatch.registry import services
    from tnrwatch.registry.models import Claim

    court = services.source_create(actor_label="t", kind="court", title="Indictment", publisher="District Court")
    person = services.person_create(actor_label="t", name_en="Publicly Named", name_zh="公开名", public_basis="court_record")
    services.claim_publish(actor=None, actor_label="t", claim=services.claim_assert(
        actor_label="t", subject=person, prop="position", value="association president", source=court,
        quote="the president of the association"))
    address = services.address_create(actor_label="t", full="1 Example Street, Rotterdam", city="Rotterdam",
                                      country=record["station"].country)
    for kind, a, b, quote in (("directorship", person, record["station"], "he ran the station"),
                              ("located_at", record["station"], address, "the station at 1 Example Street")):
        tie = services.tie_create(actor_label="t", kind=kind, from_end=a, to_end=b, source=court, quote=quote)
        services.claim_publish(actor=None, actor_label="t", claim=Claim.objects.get(subject_type="tie", subject_id=tie.pk))
    services.marking_set(actor=None, actor_label="t", obj=address, marking="clear")
    return person, address


@pytest.mark.django_db(transaction=True)
def test_pages_have_no_wcag_22_aa_violations(browser_for_audits, live_server, atlas_record, make_staff, settings, tmp_path):
    from tnrwatch.intake.tests.conftest import multipart_form

    browser = browser_for_audits
    settings.TNR_INTAKE = {"kdf_time_cost": 1, "kdf_memory_kib": 8, "blob_dir": str(tmp_path / "blobs")}
    settings.TNR_RECEIPT_KEY = "receipt-key-for-tests"
    session = _staff_cookie(live_server, make_staff)
    from django.test import Client

    from tnrwatch.intake.models import Report

    Client().post(reverse("intake:form"), multipart_form())
    report = Report.objects.latest("id")
    record = atlas_record
    person, address = _public_person_and_address(record)
    public = {
        "home": reverse("atlas:home"),
        "home_europe": reverse("atlas:home") + "?region=europe",
        "compare": reverse("atlas:compare"),
        "country": reverse("atlas:country", args=["nl"]),
        "stations": reverse("atlas:stations"),
        "station": reverse("atlas:station", args=[record["station"].pk]),
        "incidents": reverse("atlas:incidents"),
        "sources": reverse("atlas:sources"),
        "source": reverse("atlas:source", args=[record["source"].pk]),
        "claim": reverse("atlas:claim", args=[record["closure"].pk]),
        "response": reverse("atlas:response", args=[record["response"].pk]),
        "organization": reverse("atlas:organization", args=[record["bureau"].pk]),
        "network": reverse("atlas:network", args=["stations", record["station"].pk]) + "?hops=2",
        "person": reverse("atlas:person", args=[person.pk]),
        "address": reverse("atlas:address", args=[address.pk]),
        "home_as_of": reverse("atlas:home") + "?as_of=2022-10-15",
        "search": reverse("atlas:search") + "?q=Rotterdam",
        "report": reverse("intake:form"),
        "follow_up": reverse("intake:follow_up"),
        "safety": reverse("intake:safety"),
        "help": reverse("intake:help"),
        "login": reverse("accounts:login"),
    }
    staff = {
        "workspace": reverse("workspace:home"),
        "inbox": reverse("inbox:list"),
        "inbox_report": reverse("inbox:report", args=[report.pk]),
        "xref": reverse("xref:runs"),
        "workspace_person": reverse("workspace:entity_detail", args=["people", person.pk]),
        "workspace_network": reverse("workspace:network", args=["stations", record["station"].pk]) + "?hops=2",
        "workspace_claims": reverse("workspace:claim_list"),
        "workspace_claim": reverse("workspace:claim_detail", args=[record["closure"].pk]),
        "workspace_audit": reverse("workspace:audit"),
        "workspace_station_edit": reverse("workspace:entity_edit", args=["stations", record["station"].pk]),
        "review_queue": reverse("ingestion:queue"),
        "capture": reverse("ingestion:capture"),
    }
    host = urlsplit(live_server.url).hostname
    own_host = urlsplit(live_server.url).netloc
    shots = os.environ.get("TNR_SCREENSHOTS")
    failures = {}
    browser.get(live_server.url + "/static/css/tnrwatch.css")  # a page on the host, to set cookies on
    for language in LANGUAGES:
        browser.add_cookie({"name": "django_language", "value": language, "path": "/", "domain": host})
        for staff_pages in (False, True):
            if staff_pages:
                browser.add_cookie({"name": "sessionid", "value": session, "path": "/", "domain": host})
            else:
                browser.delete_cookie("sessionid")
            for width_name, (width, height) in WIDTHS.items():
                browser.set_window_size(width, height)
                for name, url in (staff if staff_pages else public).items():
                    browser.get(live_server.url + url)
                    assert f'lang="{language}"' in browser.page_source, (name, language)
                    # nothing fetched from another host: the browser's own request log
                    hosts = requested_hosts(browser)
                    assert hosts <= {own_host}, (name, language, hosts)
                    violations = axe_violations(browser)
                    if violations:
                        failures[(language, width_name, name)] = violations
                    if shots and language == "en" and name in SCREENSHOTS:
                        Path(shots).mkdir(parents=True, exist_ok=True)
                        browser.save_screenshot(str(Path(shots) / f"{name}-{width}.png"))
    summary = {k: [(v["id"], v["help"], v["nodes"]) for v in vs] for k, vs in failures.items()}
    assert not failures, "\n".join(f"{k}: {v}" for k, v in summary.items())


def test_axe_is_vendored_with_its_licence():
    folder = AXE.parent
    assert AXE.is_file() and (folder / "LICENSE").is_file()
    assert re.fullmatch(r"\d+\.\d+\.\d+\n", (folder / "VERSION").read_text())
    assert (folder / "VERSION").read_text().strip() in AXE.read_text(encoding="utf-8")[:400]
