"""The public source page and its captured text in headless Chromium (JavaScript off), with a
screenshot: what a reader sees, and that the captured page's scripts and remote images never load.
Skips without Debian's chromium and chromedriver, fails under CI (CI=true)."""

from __future__ import annotations

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
