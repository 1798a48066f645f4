"""The whole reporter flow in headless Chromium with JavaScript disabled (Tor Browser "Safest").

Submit with an attachment, get the receipt, come back, read an analyst's reply, answer it — and
no request goes to any host but the site's own. Skips with a clear message when Debian's chromium
and chromedriver are missing, but fails under CI (CI=true), where .ci/run installs them.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tnrwatch.intake import crypto, selectors, services
from tnrwatch.intake.models import Message, Report

from .conftest import PASSPHRASE

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def requested_hosts(driver) -> set[str]:
    hosts = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if not url.startswith(("data:", "about:", "chrome")):
                hosts.add(urlsplit(url).netloc)
    return hosts


def dom_resource_hosts(driver) -> set[str]:
    from selenium.webdriver.common.by import By

    hosts = set()
    for tag, attribute in (("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src"), ("form", "action")):
        for element in driver.find_elements(By.TAG_NAME, tag):
            value = element.get_attribute(attribute)
            if value:
                hosts.add(urlsplit(value).netloc)
    return hosts


@pytest.mark.django_db(transaction=True)
def test_reporter_flow_without_javascript(browser, submit_page, live_server, make_staff, tmp_path, smtp_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    analyst = make_staff("analyst", "browser-analyst")
    analyst.email = "browser-analyst@example.org"
    analyst.save()
    services.recipient_key_create(actor=analyst, passphrase=PASSPHRASE)
    identities = services.identities_unlock(user=analyst, passphrase=PASSPHRASE)
    own_host = urlsplit(live_server.url).netloc
    evidence = tmp_path / "evidence.txt"
    evidence.write_bytes(b"a photo of the letter they left\n" * 100)

    # The reporter opens the form (JavaScript is off) and sends a report with a file
    browser.get(live_server.url + "/report/")
    assert "Quick exit" in browser.page_source
    browser.find_element(By.ID, "id_what_happened").send_keys("A man from the association visited my parents.")
    browser.find_element(By.ID, "id_when").send_keys("May 2025")
    # (no country: a transactional test may run after another has flushed the migration-loaded countries)
    assert Select(browser.find_element(By.ID, "id_country")).first_selected_option.get_attribute("value") == ""
    browser.find_element(By.CSS_SELECTOR, 'input[name="tactics"][value="family_threats"]').click()
    browser.find_element(By.ID, "id_attachments").send_keys(str(evidence))
    receipt = submit_page(browser, "form.report-form button[type=submit]", "#receipt").text.strip()
    assert crypto.receipt_normalize(receipt)
    report = Report.objects.get()
    assert report.attachments.count() == 1

    # The analyst hears of it by email (a real SMTP server on loopback): news, and nothing of it
    assert services.notices_send() == 1
    assert b"new reports or replies" in smtp_server[0]
    assert not any(part in smtp_server[0] for part in (b"association", b"parents", b"May 2025", b"evidence"))

    # An analyst replies
    services.message_from_analyst(actor=analyst, report=report, body="We received your file. Are your parents safe?")

    # The reporter comes back with the receipt, reads the reply and answers
    browser.get(live_server.url + "/report/follow-up/")
    browser.find_element(By.ID, "id_receipt").send_keys(receipt)
    submit_page(browser, "main form button[type=submit].primary", "ol.thread")
    assert "Are your parents safe?" in browser.page_source
    assert browser.find_element(By.ID, "status").text == "Our team has replied"  # the true state
    # They ask to see what they sent (decrypted with the receipt), then answer with a second file
    copy = submit_page(browser, "#show-sent", "#copy")
    assert "A man from the association visited my parents." in copy.text
    assert browser.find_element(By.ID, "copy-files").text.startswith("evidence.txt")
    browser.find_element(By.ID, "id_body").send_keys("Yes, for now. Thank you.")
    second = tmp_path / "second letter.txt"
    second.write_bytes(b"the second letter\n" * 50)
    browser.find_element(By.ID, "id_attachments").send_keys(str(second))
    submit_page(browser, "main form.reply-form button[type=submit].primary", "p.ok")
    assert "What you added was encrypted and sent." in browser.page_source
    reply = Message.objects.get(author="reporter")
    assert crypto.decrypt(bytes(reply.body_ct), identities) == b"Yes, for now. Thank you."
    added = report.attachments.get(position=1)
    assert selectors.attachment_plaintext(added, identities) == second.read_bytes()

    # JavaScript really was off, and nothing was requested from another host
    browser.get(live_server.url + "/report/")
    assert browser.find_elements(By.TAG_NAME, "script") == []  # the reporting pages carry no script at all
    assert dom_resource_hosts(browser) <= {own_host, ""}
    hosts = requested_hosts(browser)
    assert hosts and hosts <= {own_host}, hosts
