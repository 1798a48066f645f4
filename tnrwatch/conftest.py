"""Shared test fixtures.

Fixture strategy: each test builds the smallest record it needs through the services layer
(the same path the app uses), on the real database (SQLite, or PostgreSQL when DATABASE_URL says
so). Countries come from the data migration, so they exist in every test database.
"""

from __future__ import annotations

import importlib
import os
import shutil

import pytest
from django.db import connection


def pytest_report_header(config):
    return f"tnrwatch database: {os.environ.get('DATABASE_URL', 'sqlite (default)').split('@')[-1]}"


@pytest.fixture(autouse=True, scope="session")
def _check_backend(django_db_setup, django_db_blocker):
    # Under `make test-postgres` the suite must really talk to PostgreSQL, never fall back silently.
    if os.environ.get("TNR_REQUIRE_POSTGRES"):
        assert connection.vendor == "postgresql", "expected PostgreSQL, got " + connection.vendor


_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


def _on_postgres_half(item) -> bool:
    """Whether `make test-postgres` runs this test (see `pytest_collection_modifyitems`)."""
    if item.get_closest_marker("postgres"):
        return True
    if item.get_closest_marker("browser"):
        return False
    return bool(item.get_closest_marker("django_db") or _DB_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL half (`TNR_PG_SUBSET=1`, set by scripts/pg_test.py) runs the tests that open
    a database connection, not the whole suite again: a test with no database gives the same
    answer on both engines (pure domain code, the extractor, parsers), and a browser test drives
    the same pages whose every read and write the HTTP tests already run on PostgreSQL. Running
    everything twice took the suite past CI's 90 minutes. `TNR_PG_ALL=1` runs all of it."""
    if not os.environ.get("TNR_PG_SUBSET") or os.environ.get("TNR_PG_ALL"):
        return
    keep = [item for item in items if _on_postgres_half(item)]
    dropped = [item for item in items if not _on_postgres_half(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


# Rows that data migrations create, and so every test database has: (migration module, function).
_DATA_MIGRATIONS = [
    ("tnrwatch.registry.migrations.0002_countries", "load_countries"),
    ("tnrwatch.sharing.migrations.0002_defaults", "create_defaults"),
    ("tnrwatch.sharing.migrations.0006_campaign_kind", "add_campaigns"),
]


@pytest.fixture(autouse=True)
def _migrated_rows_present(request):
    """A transactional test (live server, browser) flushes every table when it ends, so the next
    test would find no countries. Re-run the data migrations' functions (idempotent) when the
    countries are missing, rather than using serialized_rollback, which collides with the content
    types that the flush re-creates."""
    if request.node.get_closest_marker("django_db") is None and not (_DB_FIXTURES & set(request.fixturenames)):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    from tnrwatch.registry.models import Country

    if not Country.objects.exists():
        for module, function in _DATA_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)
    yield


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    """Keep crypto real but cheap in tests: Argon2id with small cost parameters."""
    settings.PASSWORD_HASHERS = ["tnrwatch.accounts.tests.cheap_hasher.CheapArgon2PasswordHasher"]


@pytest.fixture
def make_staff(db):
    """make_staff(role) -> a user with that role and a confirmed TOTP device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tnrwatch.accounts.models import User

    def _make(role: str = "analyst", username: str | None = None):
        username = username or f"{role}-user"
        user = User.objects.create_user(username=username, password="correct horse battery staple", role=role)
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        return user

    return _make


@pytest.fixture
def staff_client(client, make_staff):
    """staff_client(role) -> a Django test client logged in as that role, second factor verified."""
    from django_otp import DEVICE_ID_SESSION_KEY

    def _login(role: str = "analyst", username: str | None = None):
        user = make_staff(role, username)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
        session.save()
        client.user = user
        return client

    return _login


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def chromium_driver(*extra_args: str, javascript: bool = False):
    """Debian's headless Chromium with JavaScript disabled (like Tor Browser at "Safest"),
    driven by Selenium, with its performance log on so tests can list every request it made.
    `extra_args` are more command-line switches (e.g. a host-resolver rule); `javascript=True`
    is for tools a test injects (axe-core), the site's pages ship no script. Skips with a clear
    message when chromium or chromedriver is missing; fails under CI, where .ci/run installs them."""
    if not (CHROMIUM and CHROMEDRIVER):
        message = "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + " — required under CI")
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-default-apps", "--disable-extensions", "--no-first-run",
                     "--disable-domain-reliability", "--metrics-recording-only", "--no-pings", *extra_args):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture
def browser():
    """A `chromium_driver()` for the test, closed after it."""
    driver = chromium_driver()
    yield driver
    driver.quit()


@pytest.fixture
def browser_for_audits():
    """Headless Chromium with JavaScript on, for tools the test injects (axe-core): with the
    site's pages JavaScript changes nothing, since they ship none."""
    driver = chromium_driver(javascript=True)
    yield driver
    driver.quit()


@pytest.fixture
def submit_page():
    """`submit_page(driver, button_selector, expect_selector=None)`: click a submit button and wait
    for the next page (no JavaScript: a full page load), then for `expect_selector` if given.

    The old page counts as gone when its root element is stale. chromedriver sometimes reports a
    node of the unloaded page as "does not belong to the document" (a generic WebDriverException)
    instead of a stale reference; that means the same thing here."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    def gone(element):
        def check(_driver) -> bool:
            try:
                element.is_enabled()
            except StaleElementReferenceException:
                return True
            except WebDriverException as exc:
                if "does not belong to the document" in str(exc):
                    return True
                raise
            return False
        return check

    def submit(driver, button_selector: str, expect_selector: str | None = None):
        old_page = driver.find_element(By.TAG_NAME, "html")
        driver.find_element(By.CSS_SELECTOR, button_selector).click()
        WebDriverWait(driver, 60).until(gone(old_page))
        if expect_selector:
            return WebDriverWait(driver, 60).until(ec.presence_of_element_located((By.CSS_SELECTOR, expect_selector)))
        return None

    return submit
