"""Keeping an analyst's identity unlocked for one logged-in session, without storing it.

When an analyst enters their passphrase, their identities are unwrapped in memory and re-encrypted
to a fresh random key K. The ciphertext goes into the (server-side) session; K goes only into an
HttpOnly, SameSite=Strict cookie scoped to /inbox/. Neither half alone opens anything: a seized
session table holds ciphertext, a stolen cookie is useless without the session row, and logging
out (or locking) deletes both. This works with several gunicorn workers, unlike a per-process
in-memory cache, and survives no restart of the browser session.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from . import crypto

SESSION_KEY = "intake_unlocked"
COOKIE_NAME = "tnr_inbox_key"
COOKIE_PATH = "/inbox/"


def unlock(request: HttpRequest, response: HttpResponse, identities: list) -> None:
    key = secrets.token_bytes(32)
    wrapping = crypto.identity_from_seed(key)
    payload = "\n".join(str(identity) for identity in identities).encode()
    request.session[SESSION_KEY] = base64.b64encode(crypto.encrypt(payload, [str(wrapping.to_public())])).decode()
    response.set_cookie(
        COOKIE_NAME, base64.urlsafe_b64encode(key).decode(), path=COOKIE_PATH, httponly=True,
        samesite="Strict", secure=settings.SESSION_COOKIE_SECURE,
    )


def lock(request: HttpRequest, response: HttpResponse) -> None:
    request.session.pop(SESSION_KEY, None)
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Strict")


def unlocked_identities(request: HttpRequest) -> list:
    """The analyst's identities if this session is unlocked, else []."""
    blob, cookie = request.session.get(SESSION_KEY), request.COOKIES.get(COOKIE_NAME)
    if not blob or not cookie:
        return []
    try:
        key = base64.urlsafe_b64decode(cookie.encode())
        plaintext = crypto.decrypt(base64.b64decode(blob), [crypto.identity_from_seed(key)])
        return [crypto.identity_parse(line) for line in plaintext.decode().splitlines()]
    except (binascii.Error, ValueError, crypto.EnvelopeError):
        return []
