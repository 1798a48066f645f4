"""The public source page and its captured text in headless Chromium (JavaScript off), with a
screenshot: what a reader sees, and that the captured page's scripts and remote images never load.
Skips without Debian's chromium and chromedriver, fails under CI (CI=true)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tnrwatch.ingestion.models import Document
from tnrwatch.ingestion.services import document_process, job_create
from tnrwatch.intake.tests.test_browser import requested_hosts  # the browser's own request log
from tnrwatch.registry import services

from .test_source_copies import PAGE

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go: TNR_SCREENSHOT_DIR when set (to look at them), else the test's tmp folder."""
    folder = Path(os.environ.get("TNR_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.django_db(transaction=True)
def test_public_source_page_and_captured_text_in_a_real_browser(browser, live_server, tmp_path, settings):
    from selenium.webdriver.common.by import By

    settings.DATA_DIR = tmp_path / "data"
    path = tmp_path / "closure.html"
    path.write_bytes(PAGE)
    job = job_create(actor_label="t", origins=[str(path)], enqueue=False)
    source = document_process(document_id=Document.objects.get(job=job).pk).source
    services.marking_set(actor=None, actor_label="t", obj=source, marking="clear")
    services.source_reuse_set(actor=None, actor_label="t", source=source, republish_allowed=True,
                              reuse_terms="Official notice of a public body")

    browser.set_window_size(1100, 1400)
    browser.get(f"{live_server.url}/sources/{source.pk}/")
    facts = browser.find_element(By.CSS_SELECTOR, "dl.source-facts").text
    for fact in ("Het Dagblad", "Jan de Vries", "2022-11-01", source.sha256, "UTC"):
        assert fact in facts, fact
    shot = screenshot_dir(tmp_path) / "source-page.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000

    browser.find_element(By.LINK_TEXT, "Read the captured text").click()
    text = browser.find_element(By.CSS_SELECTOR, "pre.source-text").text
    assert "Ministry of Justice ordered the closure" in text
    assert "<script>alert(1)</script>" in text  # shown as the words it is, not run
    assert browser.title != "pwned"
    assert browser.find_elements(By.CSS_SELECTOR, "main img") == []
    assert browser.save_screenshot(str(screenshot_dir(tmp_path) / "source-text.png"))
    assert requested_hosts(browser) <= {urlsplit(live_server.url).netloc}  # never tracker.invalid


@pytest.mark.django_db(transaction=True)
def test_upload_several_files_in_the_capture_page_without_javascript(browser, submit_page, live_server, tmp_path,
                                                                    settings, make_staff):
    from selenium.webdriver.common.by import By

    from tnrwatch.accounts.tests.helpers import totp_code

    from .documents import make_pdf

    settings.DATA_DIR = tmp_path / "data"
    files = {"closure.html": PAGE, "toronto.pdf": make_pdf("The Canadian police investigated the stations."),
             "dublin.txt": b"The Irish government ordered the closure of the station in Dublin.",
             "archive.zip": b"PK\x03\x04" + b"\x00" * 40}
    folder = tmp_path / "upload"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    user = make_staff("analyst", "upload-analyst")
    # An analyst signs in (password, then the code from the authenticator)
    browser.get(live_server.url + "/ingestion/capture/")
    browser.find_element(By.NAME, "username").send_keys("upload-analyst")
    browser.find_element(By.NAME, "password").send_keys("correct horse battery staple")
    submit_page(browser, "form.ws-form button[type=submit]")
    browser.find_element(By.NAME, "token").send_keys(totp_code(user.totpdevice_set.get()))
    submit_page(browser, "form.ws-form button[type=submit]")
    assert browser.current_url.endswith("/ingestion/capture/"), browser.current_url
    # They choose four files at once and capture them
    picker = browser.find_element(By.CSS_SELECTOR, "input[type=file][name=files]")
    assert picker.get_attribute("multiple") is not None
    picker.send_keys("\n".join(str(folder / name) for name in files))
    submit_page(browser, "form.capture button[type=submit]", "section.progress")
    assert "/ingestion/documents/?job=" in browser.current_url
    progress = browser.find_element(By.CSS_SELECTOR, "section.progress").text
    assert "4/4" in progress and "3 captured" in progress and "1 failed" in progress, progress
    rows = browser.find_element(By.CSS_SELECTOR, "table").text
    assert "archive.zip" in rows and "archive" in rows.lower()
    assert browser.save_screenshot(str(screenshot_dir(tmp_path) / "capture-progress.png"))
    documents = {d.filename: d for d in Document.objects.all()}
    assert {name: d.status for name, d in documents.items()} == {
        "closure.html": "extracted", "toronto.pdf": "extracted", "dublin.txt": "extracted", "archive.zip": "failed"}
    assert documents["closure.html"].source.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert requested_hosts(browser) <= {urlsplit(live_server.url).netloc}
