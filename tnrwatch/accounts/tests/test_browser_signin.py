"""Sign-in and a workspace edit in headless Chromium with JavaScript disabled.

The Django test client sends no Origin header, so only a real browser shows whether the forms
pass the CSRF origin check under the site's referrer policy. Skips with a clear message when
Debian's chromium and chromedriver are missing, but fails under CI (CI=true).
"""

from __future__ import annotations

import pytest

from tnrwatch.audit.models import AuditEntry
from tnrwatch.registry.models import Source

from .helpers import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_sign_in_with_totp_and_edit_in_a_real_browser(browser, submit_page, live_server, make_staff):
    from selenium.webdriver.common.by import By

    user = make_staff("analyst", "browser-analyst")
    device = user.totpdevice_set.get()
    # An analyst opens the workspace and is sent to sign in
    browser.get(live_server.url + "/workspace/sources/new/")
    assert "/accounts/login/" in browser.current_url
    browser.find_element(By.NAME, "username").send_keys("browser-analyst")
    browser.find_element(By.NAME, "password").send_keys("correct horse battery staple")
    submit_page(browser, "form.ws-form button[type=submit]")
    # Second step: the code from the authenticator
    assert "/accounts/otp/" in browser.current_url, browser.page_source[:500]
    browser.find_element(By.NAME, "token").send_keys(totp_code(device))
    submit_page(browser, "form.ws-form button[type=submit]")
    # Back where they were going, they record a source
    assert browser.current_url.endswith("/workspace/sources/new/"), browser.current_url
    browser.find_element(By.NAME, "title").send_keys("International concern grows over Chinese police stations")
    browser.find_element(By.NAME, "publisher").send_keys("Radio Free Asia")
    submit_page(browser, "form.ws-form button[type=submit]")
    source = Source.objects.get(publisher="Radio Free Asia")
    assert f"/workspace/sources/{source.pk}/" in browser.current_url
    assert AuditEntry.objects.filter(action="source.create", actor=user, subject_id=str(source.pk)).exists()
    # And sign out
    submit_page(browser, "nav.ws-nav form button")
    browser.get(live_server.url + "/workspace/")
    assert "/accounts/login/" in browser.current_url
