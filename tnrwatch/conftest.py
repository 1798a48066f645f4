"""Shared test fixtures.

Fixture strategy: each test builds the smallest record it needs through the services layer
(the same path the app uses), on the real database (SQLite, or PostgreSQL when DATABASE_URL says
so). Countries come from the data migration, so they exist in every test database.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection


def pytest_report_header(config):
    return f"tnrwatch database: {os.environ.get('DATABASE_URL', 'sqlite (default)').split('@')[-1]}"


@pytest.fixture(autouse=True, scope="session")
def _check_backend(django_db_setup, django_db_blocker):
    # Under `make test-postgres` the suite must really talk to PostgreSQL, never fall back silently.
    if os.environ.get("TNR_REQUIRE_POSTGRES"):
        assert connection.vendor == "postgresql", "expected PostgreSQL, got " + connection.vendor


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
