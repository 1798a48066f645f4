"""A stranger who knows a staff username cannot lock its owner out (OWASP's device-cookie pattern).

A browser that completed a sign-in (password and second factor) holds a signed device cookie; its
attempts are counted on their own, so however many wrong passwords come from unknown browsers, the
owner's known browser signs in at once. Argon2id is cheap in tests, and the throttled attempts of
unknown browsers never reach it.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tnrwatch.accounts import services
from tnrwatch.accounts.models import FailedLogin

from .helpers import totp_code
from .test_login import LOGIN, OTP, _password_step

pytestmark = pytest.mark.django_db
USERNAME = "analyst-user"


def signed_in_before(user) -> Client:
    """A browser that signed in fully once (so it holds the device cookie), then signed out."""
    browser = Client()
    assert _password_step(browser).status_code == 302
    assert browser.post(OTP, {"token": totp_code(user.totpdevice_set.get())}).status_code == 302
    cookie = browser.cookies[services.DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == LOGIN
    browser.post("/accounts/logout/")
    return browser


def test_5000_wrong_passwords_from_strangers_do_not_slow_the_owners_known_browser(make_staff):
    user = make_staff("analyst")
    known = signed_in_before(user)
    # Given 5,000 wrong passwords for the username from unknown browsers (no device cookie)
    outcomes = {"invalid": 0, "throttled": 0}
    for attempt in range(5000):
        try:
            services.password_login_check(request=None, username=USERNAME, password=f"guess {attempt}")
        except services.InvalidCredentialsError:
            outcomes["invalid"] += 1
        except services.LoginThrottledError:
            outcomes["throttled"] += 1
    assert outcomes == {"invalid": services.FREE_PASSWORD_ATTEMPTS, "throttled": 5000 - services.FREE_PASSWORD_ATTEMPTS}
    # an unknown browser with the right password waits, like the strangers
    assert _password_step(Client()).status_code == 429
    # When the owner's known browser signs in, it goes through at once
    response = _password_step(known)
    assert response.status_code == 302 and response["Location"].startswith(OTP)
    # and the strangers' counter was not reset for them by the owner's success
    assert FailedLogin.objects.filter(key=services._throttle_key(USERNAME)).exists()


def test_a_known_browser_that_fails_often_is_trusted_no_more(make_staff):
    user = make_staff("analyst")
    known = signed_in_before(user)
    for _ in range(services.DEVICE_FREE_ATTEMPTS):
        assert _password_step(known, password="wrong password attempt").status_code == 400
    # now it counts with the unknown browsers, whose counter it starts filling
    for _ in range(services.FREE_PASSWORD_ATTEMPTS):
        assert _password_step(known, password="wrong password attempt").status_code == 400
    assert _password_step(known).status_code == 429


def test_a_device_cookie_is_good_only_for_its_own_account_and_cannot_be_forged(make_staff):
    user = make_staff("analyst")
    make_staff("analyst", "colleague")
    known = signed_in_before(user)
    token = known.cookies[services.DEVICE_COOKIE].value
    for _ in range(services.FREE_PASSWORD_ATTEMPTS):
        with pytest.raises(services.InvalidCredentialsError):
            services.password_login_check(request=None, username="colleague", password="wrong")
    # the analyst's cookie does not speed up the colleague's account
    with pytest.raises(services.LoginThrottledError):
        services.password_login_check(request=None, username="colleague", password="wrong", device_token=token)
    # a forged or altered cookie counts as an unknown browser
    for forged in (token[:-2] + "xx", "e30:1abc:xyz", "x" * 600):
        with pytest.raises(services.LoginThrottledError):
            services.password_login_check(request=None, username="colleague", password="wrong", device_token=forged)
