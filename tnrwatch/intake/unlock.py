"""Keeping an analyst's identity unlocked for one logged-in session, without storing it.

When an analyst enters their passphrase, their identities are unwrapped in memory and re-encrypted
to a fresh random key K. The ciphertext goes into the (server-side) session; K goes only into an
HttpOnly, SameSite=Strict cookie scoped to /inbox/. Neither half alone opens anything: a seized
session table holds ciphertext, a stolen cookie is useless without the session row, and logging
out (or locking) deletes both. This works with several gunicorn workers, unlike a per-process
in-memory cache, and survives no restart of the browser session.

Pages that only need to say whether the key is unlocked call `is_unlocked`, which decrypts nothing:
it compares a SHA-256 digest of the cookie's K with the digest stored next to the ciphertext. The
digest of a 256-bit random key gives a seized session table nothing to work with; K itself still
never leaves the cookie. An unlock lives as long as its session (SESSION_COOKIE_AGE): an expired
session loads empty, so both checks then answer "locked".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from . import crypto

SESSION_KEY = "intake_unlocked"
SESSION_CHECK_KEY = "intake_unlocked_check"
COOKIE_NAME = "tnr_inbox_key"
COOKIE_PATH = "/inbox/"


def unlock(request: HttpRequest, response: HttpResponse, identities: list) -> None:
    key = secrets.token_bytes(32)
    wrapping = crypto.identity_from_seed(key)
    payload = "\n".join(str(identity) for identity in identities).encode()
    request.session[SESSION_KEY] = base64.b64encode(crypto.encrypt(payload, [str(wrapping.to_public())])).decode()
    request.session[SESSION_CHECK_KEY] = _check(key)
    response.set_cookie(
        COOKIE_NAME, base64.urlsafe_b64encode(key).decode(), path=COOKIE_PATH, httponly=True,
        samesite="Strict", secure=settings.SESSION_COOKIE_SECURE,
    )


def lock(request: HttpRequest, response: HttpResponse) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(SESSION_CHECK_KEY, None)
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Strict")


def _check(key: bytes) -> str:
    return hashlib.sha256(b"tnrwatch inbox unlock check/v1\0" + key).hexdigest()


def is_unlocked(request: HttpRequest) -> bool:
    """Whether this session holds an unlock that this request's cookie opens, without decrypting it."""
    check, cookie = request.session.get(SESSION_CHECK_KEY), request.COOKIES.get(COOKIE_NAME)
    if not check or not cookie or not request.session.get(SESSION_KEY):
        return False
    try:
        key = base64.urlsafe_b64decode(cookie.encode())
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(_check(key), check)


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
