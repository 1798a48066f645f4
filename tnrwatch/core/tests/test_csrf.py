"""The site-wide CSRF check accepts the `Origin: null` of no-referrer browsers, and nothing else."""

import pytest
from django.test import Client


@pytest.fixture
def csrf_client(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/")  # sets the CSRF cookie
    return client


def _token(client):
    return client.cookies["csrftoken"].value


@pytest.mark.parametrize("origin,ok", [("null", True), ("http://testserver", True), ("http://evil.example", False)])
def test_language_switch_post_with_origin(csrf_client, origin, ok):
    response = csrf_client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/", "csrfmiddlewaretoken": _token(csrf_client)},
        HTTP_ORIGIN=origin,
    )
    assert (response.status_code == 302) is ok
    if not ok:
        assert response.status_code == 403


def test_null_origin_still_needs_the_token(csrf_client):
    response = csrf_client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, HTTP_ORIGIN="null")
    assert response.status_code == 403
