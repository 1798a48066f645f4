"""The analyst loop in headless Chromium, JavaScript off (as Tor Browser at "Safest") and on: upload a
document in the capture page, review it, accept the candidate, publish it with its preview, see the
fact on the country page, in the API and the claims CSV with its quote and a working link to its
source page and captured text; then unpublish. Each state shows exactly what the rule allows.
Skips without Debian's chromium and chromedriver, fails under CI (CI=true)."""

from __future__ import annotations

import pytest

from tnrwatch.ingestion.models import Candidate, Document

pytestmark = [pytest.mark.browser, pytest.mark.slow]

def _extracted(pk: int, seconds: float = 120) -> Document:
    """The document once the capture queue has extracted it (the live server may still be at it)."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        document = Document.objects.get(pk=pk)
        if document.source_id is not None or time.monotonic() > deadline:
            return document
        time.sleep(0.5)


def text_now(browser) -> str:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    return browser.find_element(By.TAG_NAME, "main").text[:1500]


ARTICLE = ("Dublin, 2 March 2023. The Irish government ordered the closure of the Chinese police station in Dublin, "
           "the justice minister told parliament.")
QUOTE_WORDS = "ordered the closure"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [False, True], ids=["javascript-off", "javascript-on"])
def test_capture_review_accept_publish_unpublish_in_a_real_browser(javascript, request, submit_page, live_server,
                                                                  tmp_path, settings, make_staff, ingestion_settings):
    from selenium.webdriver.common.by import By

    from tnrwatch.accounts.tests.helpers import totp_code

    # (ingestion's conftest: a data folder of its own, tasks run at once)
    # The site's pages ship no script, so both runs must walk the same loop; the second proves no
    # page depends on JavaScript being off either (a noscript-only control, a blocked redirect).
    browser = request.getfixturevalue("browser_for_audits" if javascript else "browser")
    settings.TNR_DEFAULT_MARKING = "amber"
    (tmp_path / "dublin.txt").write_text(ARTICLE, encoding="utf-8")
    user = make_staff("admin", "loop-admin")
    site = live_server.url

    def text(url: str) -> str:
        browser.get(site + url)
        return browser.find_element(By.TAG_NAME, "body").text

    # An admin (who may capture, review and publish) signs in (password, then the authenticator's code) and uploads the article.
    browser.get(site + "/ingestion/capture/")
    browser.find_element(By.NAME, "username").send_keys("loop-admin")
    browser.find_element(By.NAME, "password").send_keys("correct horse battery staple")
    submit_page(browser, "form.ws-form button[type=submit]")
    browser.find_element(By.NAME, "token").send_keys(totp_code(user.totpdevice_set.get()))
    submit_page(browser, "form.ws-form button[type=submit]")
    assert browser.current_url.endswith("/ingestion/capture/"), (browser.current_url, text_now(browser))
    browser.find_element(By.CSS_SELECTOR, "input[type=file][name=files]").send_keys(str(tmp_path / "dublin.txt"))
    submit_page(browser, "form.capture button[type=submit]", "section.progress")
    source = _extracted(Document.objects.get(filename="dublin.txt").pk).source
    found = list(Candidate.objects.filter(source=source).values_list("kind", "status"))
    assert ("response", "pending") in found, (found, source.language, source.text[:200], text_now(browser))
    candidate = Candidate.objects.get(source=source, kind="response")

    # Review: the candidate is accepted (not published): nothing reaches the public.
    browser.get(f"{site}/ingestion/sources/{source.pk}/")
    submit_page(browser, f"#c{candidate.pk} form[action$='/accept/'] button:not([name])")
    assert "not public" in browser.find_element(By.TAG_NAME, "body").text
    claim_id = Candidate.objects.get(pk=candidate.pk).claim_id
    assert QUOTE_WORDS not in text("/countries/ie/")
    assert QUOTE_WORDS not in text("/api/v1/claims") and QUOTE_WORDS not in text(f"/claims/{claim_id}/")

    # Publish from the claim's page: the preview names the quote and the source, then one click.
    browser.get(f"{site}/workspace/claims/{claim_id}/")
    browser.find_element(By.CSS_SELECTOR, "a.ws-publish-link").click()
    preview = browser.find_element(By.TAG_NAME, "main").text
    assert QUOTE_WORDS in preview and "dublin" in preview.lower() and "country page" in preview.lower()
    browser.find_element(By.NAME, "confirm").click()
    submit_page(browser, "button[name=publish]", "dd.ws-publication")
    assert "Public" in browser.find_element(By.CSS_SELECTOR, "dd.ws-publication").text

    # The fact is on the country page with its quote and a working link to its source page.
    country = text("/countries/ie/")
    assert QUOTE_WORDS in country
    browser.find_element(By.CSS_SELECTOR, f"a[href='/sources/{source.pk}/']").click()
    assert source.sha256 in browser.find_element(By.TAG_NAME, "main").text
    assert QUOTE_WORDS in text("/api/v1/claims") and QUOTE_WORDS in text("/api/v1/export/claims.csv")
    assert QUOTE_WORDS in text(f"/claims/{claim_id}/")
    # Staff read the captured text (the public only where the source may be republished: not here).
    assert "justice minister told parliament" in text(f"/ingestion/sources/{source.pk}/")

    # Unpublish: the previous markings are back and the public sees nothing of it again.
    browser.get(f"{site}/workspace/claims/{claim_id}/")
    submit_page(browser, "button[name=unpublish]", "dd.ws-publication")
    assert "Not public" in browser.find_element(By.CSS_SELECTOR, "dd.ws-publication").text
    assert QUOTE_WORDS not in text("/countries/ie/") and QUOTE_WORDS not in text("/api/v1/claims")
    assert QUOTE_WORDS not in text(f"/claims/{claim_id}/")
