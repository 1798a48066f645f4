"""Intake fixtures: real age crypto and real files, with a cheap Argon2id cost (like SecureDrop's
`insecure_scrypt`) and a blob store in the test's own temporary folder.

Fixture strategy: the smallest setup a test needs — one analyst with a key (the only recipient),
made through the services layer, the same path the inbox uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

PASSPHRASE = "a long enough test passphrase"


@pytest.fixture(autouse=True)
def intake_settings(settings, tmp_path):
    settings.TNR_INTAKE = {
        "kdf_time_cost": 1, "kdf_memory_kib": 8, "blob_dir": str(tmp_path / "blobs"),
        "max_upload_bytes": 4 * 1024 * 1024,
    }
    settings.TNR_RECEIPT_KEY = "receipt-key-for-tests"
    return settings


@dataclass
class Analyst:
    user: object
    key: object
    identity: object


@pytest.fixture
def make_analyst(make_staff):
    from tnrwatch.intake import services

    def _make(username: str = "analyst-user", role: str = "analyst") -> Analyst:
        user = make_staff(role, username)
        key = services.recipient_key_create(actor=user, passphrase=PASSPHRASE)
        identity = services.identities_unlock(user=user, passphrase=PASSPHRASE)[0]
        return Analyst(user=user, key=key, identity=identity)

    return _make


@pytest.fixture
def analyst(make_analyst):
    return make_analyst()


def multipart_form(**overrides):
    """A valid report form body for the Django test client."""
    data = {
        "what_happened": "Two men from the association came to my flat and asked me to go back.",
        "when": "March 2025", "country": "NL", "city": "Rotterdam",
        "involved": ["association"], "tactics": ["return_demands", "home_visits"], "wants_reply": "yes",
    }
    data.update(overrides)
    return data


def reporter_identity(receipt: str):
    """The reporter's identity for a receipt, as the follow-up page derives it (needs the server key)."""
    from tnrwatch.intake import crypto
    from tnrwatch.intake.config import receipt_key

    return crypto.reporter_identity(crypto.receipt_normalize(receipt), receipt_key())


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on loopback, with the settings pointing at it; yields the list
    of messages it received (as bytes)."""
    from aiosmtpd.controller import Controller

    from .live import free_port

    received: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802 - aiosmtpd's hook
            received.append(envelope.original_content or envelope.content)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.TNR_SMTP_URL = f"smtp://127.0.0.1:{port}"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield received
    finally:
        controller.stop()
