# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments
"""axe-core in Debian's headless Chromium: WCAG 2.2 AA on the public pages, the reporting flow,
the workspace and the inbox, in English, both Chinese scripts and Uyghur (right to left), at
1280 px and 390 px. One browser for every page, to keep it fast. The browser has JavaScript on
only so the injected axe-core can run: the pages ship no script, so they render the same.

axe-core is vendored in `vendor/axe-core/` by `make vendor` (pinned; MPL-2.0, its licence beside
it). It is injected by the test driver only: no page of the site ever serves or loads it, and the
pages themselves still run with JavaScript disabled.

With TNR_SCREENSHOTS=<folder> (what `make screenshots` sets) the test also saves the home page, a
country page, the report form and an inbox report at both widths, each the whole page long.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tnrwatch.accounts.tests.helpers import unlocked_analyst_session
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


def full_page_screenshot(driver, path: Path) -> None:
    """The whole page, not only the window's first screen: Chromium's own capture beyond the
    viewport, at the window's width and the document's full height."""
    import base64

    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    width = driver.execute_script("return document.documentElement.clientWidth")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True, "fromSurface": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1},
    })
    path.write_bytes(base64.b64decode(shot["data"]))


def _reporting_flow(browser, live_server) -> dict[str, list[dict]]:
    """Send a report through the form, audit the receipt page, come back with the receipt and
    audit the case page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    found = {}
    browser.get(live_server.url + reverse("intake:form"))
    browser.find_element(By.ID, "id_what_happened").send_keys("Two men from the association came to my flat.")
    browser.find_element(By.CSS_SELECTOR, "form.report-form button[type=submit]").click()
    receipt = WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.ID, "receipt"))).text.strip()
    found["receipt"] = axe_violations(browser)
    browser.get(live_server.url + reverse("intake:follow_up"))
    browser.find_element(By.ID, "id_receipt").send_keys(receipt)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit].primary").click()
    WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.ID, "status")))
    found["case"] = axe_violations(browser)
    return found


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
    session = unlocked_analyst_session(make_staff, "axe-analyst")
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
        "country_claims": reverse("atlas:country_claims", args=["nl"]),
        "country_sources": reverse("atlas:country_sources", args=["nl"]),
        "campaigns": reverse("atlas:campaigns"),
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
            if staff_pages:  # signed in, with the inbox unlocked (its cookie lives under /inbox/)
                for name, value in session.items():
                    browser.add_cookie({"name": name, "value": value, "domain": host,
                                        "path": "/inbox/" if name == "tnr_inbox_key" else "/"})
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
                        full_page_screenshot(browser, Path(shots) / f"{name}-{width}.png")
                if not staff_pages:  # the reporting flow past its form: the receipt, then the case page
                    for name, violations in _reporting_flow(browser, live_server).items():
                        if violations:
                            failures[(language, width_name, name)] = violations
    summary = {k: [(v["id"], v["help"], v["nodes"]) for v in vs] for k, vs in failures.items()}
    assert not failures, "\n".join(f"{k}: {v}" for k, v in summary.items())


def test_axe_is_vendored_with_its_licence():
    folder = AXE.parent
    assert AXE.is_file() and (folder / "LICENSE").is_file()
    assert re.fullmatch(r"\d+\.\d+\.\d+\n", (folder / "VERSION").read_text())
    assert (folder / "VERSION").read_text().strip() in AXE.read_text(encoding="utf-8")[:400]
