"""Sign-in through the real HTTP stack: password (Argon2id), then a real TOTP code."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tnrwatch.accounts.models import FailedLogin, User
from tnrwatch.accounts.services import FREE_PASSWORD_ATTEMPTS
from tnrwatch.audit.models import AuditEntry

from .helpers import totp_code, wrong_code

PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"
OTP = "/accounts/otp/"
WORKSPACE = "/workspace/"


def _password_step(client, username="analyst-user", password=PASSWORD, next_url=None):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def test_login_with_password_and_real_totp_code(client, make_staff):
    # Given an analyst with a confirmed authenticator
    user = make_staff("analyst")
    device = user.totpdevice_set.get()
    assert identify_hasher(user.password).algorithm == "argon2"
    # When they give the right password
    response = _password_step(client)
    # Then they are sent to the second step, and the workspace still asks for it
    assert response.status_code == 302 and response["Location"].startswith(OTP)
    assert client.get(WORKSPACE)["Location"].startswith(OTP)
    # When they enter the code their app shows
    response = client.post(OTP, {"token": totp_code(device), "next": WORKSPACE})
    # Then they are in, and the sign-in is audited with them as actor
    assert response.status_code == 302 and response["Location"] == WORKSPACE
    assert client.get(WORKSPACE).status_code == 200
    entry = AuditEntry.objects.get(action="account.login")
    assert entry.actor == user and entry.subject_id == str(user.pk)


def test_wrong_password_and_unknown_user_look_the_same(client, make_staff):
    make_staff("analyst")
    wrong = _password_step(client, password="not the password at all")
    unknown = _password_step(client, username="nobody-here")
    assert wrong.status_code == unknown.status_code == 400
    assert b"not correct" in wrong.content and b"not correct" in unknown.content
    assert "_auth_user_id" not in client.session


def test_wrong_code_is_rejected_and_the_same_code_never_works_twice(client, make_staff):
    user = make_staff("analyst")
    device = user.totpdevice_set.get()
    _password_step(client)
    response = client.post(OTP, {"token": wrong_code(device)})
    assert response.status_code == 400
    assert b"not correct" in response.content
    assert client.get(WORKSPACE)["Location"].startswith(OTP)
    assert not AuditEntry.objects.filter(action="account.login").exists()


def test_malformed_codes_are_form_errors(client, make_staff):
    make_staff("analyst")
    _password_step(client)
    for token in ["", "abc", "12345", "1" * 17, "\x00" * 6, "１２３４５６", "x" * 1_000_000]:
        response = client.post(OTP, {"token": token})
        assert response.status_code == 400, token[:20]


def test_failed_codes_are_throttled_even_for_the_right_code(client, make_staff, settings):
    # A large factor makes the back-off window long, so the test does not depend on timing.
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600
    user = make_staff("analyst")
    device = user.totpdevice_set.get()
    _password_step(client)
    assert client.post(OTP, {"token": wrong_code(device)}).status_code == 400
    # When the right code comes during the back-off
    response = client.post(OTP, {"token": totp_code(device)})
    # Then it is refused too, with a clear message
    assert response.status_code == 429
    assert b"Too many wrong codes" in response.content
    assert client.get(WORKSPACE)["Location"].startswith(OTP)


def test_failed_passwords_back_off_even_for_the_right_password(client, make_staff):
    make_staff("analyst")
    for _attempt in range(FREE_PASSWORD_ATTEMPTS):
        assert _password_step(client, password="wrong password attempt").status_code == 400
    response = _password_step(client)
    assert response.status_code == 429
    assert b"Too many failed attempts" in response.content
    assert "_auth_user_id" not in client.session
    # The counter is keyed by a hash: the typed username is not stored
    assert not FailedLogin.objects.filter(key__icontains="analyst").exists()


def test_success_resets_the_password_counter(client, make_staff):
    make_staff("analyst")
    _password_step(client, password="wrong password attempt")
    assert FailedLogin.objects.count() == 1
    assert _password_step(client).status_code == 302
    assert FailedLogin.objects.count() == 0


def test_inactive_user_cannot_sign_in(client, make_staff):
    user = make_staff("analyst")
    user.is_active = False
    user.save()
    assert _password_step(client).status_code == 400


def test_first_login_enrols_an_authenticator(client, db, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong try below must not delay the right one
    # Given a new account without any second factor
    user = User.objects.create_user(username="newcomer", password=PASSWORD, role="reviewer")
    _password_step(client, username="newcomer")
    # When they open the second step
    page = client.get(OTP)
    # Then they see an inline SVG QR code and the secret, and nothing is loaded from elsewhere
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "otpauth" not in html.split("<svg")[0][-200:]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    from tnrwatch.accounts.services import totp_secret

    assert totp_secret(device) in html
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    # A second visit shows the same secret
    assert totp_secret(device) in client.get(OTP).content.decode()
    # A wrong code does not confirm the device
    assert client.post(OTP, {"token": wrong_code(device)}).status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    # When they confirm with the code their app now shows (next step: the wrong try moved nothing)
    response = client.post(OTP, {"token": totp_code(device, steps_ahead=1), "next": WORKSPACE})
    # Then the device is confirmed, they are signed in, and both steps are audited
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(WORKSPACE).status_code == 200
    actions = set(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
    assert {"account.otp_enrolment_start", "account.otp_enrolled"} <= actions


def test_enrolment_wrong_code_is_throttled(client, db, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600
    User.objects.create_user(username="newcomer", password=PASSWORD, role="analyst")
    _password_step(client, username="newcomer")
    client.get(OTP)
    device = TOTPDevice.objects.get(user__username="newcomer")
    client.post(OTP, {"token": wrong_code(device)})
    assert client.post(OTP, {"token": totp_code(device)}).status_code == 429


def test_next_is_kept_but_never_points_elsewhere(client, make_staff):
    user = make_staff("analyst")
    device = user.totpdevice_set.get()
    response = _password_step(client, next_url="https://evil.example/steal")
    assert "evil.example" not in response["Location"]
    response = client.post(OTP, {"token": totp_code(device), "next": "//evil.example/"})
    assert response["Location"] == reverse("workspace:home")


def test_logout_is_post_only(client, make_staff):
    user = make_staff("analyst")
    _password_step(client)
    client.post(OTP, {"token": totp_code(user.totpdevice_set.get())})
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get(WORKSPACE)["Location"].startswith(LOGIN)


def test_password_change(staff_client):
    client = staff_client("reviewer")
    new = "a much longer new passphrase 42"
    bad = client.post("/accounts/password/", {"old_password": "wrong", "new_password1": new, "new_password2": new})
    assert bad.status_code == 400
    short = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"})
    assert short.status_code == 400
    huge = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "x" * 1_000_000,
                                               "new_password2": "x" * 1_000_000})
    assert huge.status_code == 400
    ok = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert ok.status_code == 302
    client.user.refresh_from_db()
    assert client.user.check_password(new)
    # Still signed in (session hash updated), and the change is audited
    assert client.get(WORKSPACE).status_code == 200
    assert AuditEntry.objects.filter(action="account.password_change", actor=client.user).exists()


@pytest.mark.parametrize("path", [LOGIN, OTP])
def test_sign_in_pages_are_not_cached(client, path, make_staff):
    make_staff("analyst")
    if path == OTP:
        _password_step(client)
    assert client.get(path)["Cache-Control"] == "no-store"
