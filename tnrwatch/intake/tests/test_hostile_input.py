"""Hostile input gets a clear 4xx, never a 5xx, and nothing is stored; strict headers on every answer."""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tnrwatch.intake import services, upload
from tnrwatch.intake.models import Attachment, Message, Report
from tnrwatch.intake.storage import CiphertextStore

from .conftest import multipart_form

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def nothing_stored():
    store = services.blob_store()
    return Report.objects.count() == 0 and Attachment.objects.count() == 0 and not store.all_ids() and not store.stale_parts()


def raw_multipart(parts: list[tuple[str, bytes]], boundary: str = "XyZbOuNdArY") -> tuple[bytes, str]:
    body = b""
    for header, payload in parts:
        body += f"--{boundary}\r\n".encode() + header.encode("latin-1") + b"\r\n\r\n" + payload + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def csrf_client():
    return Client(enforce_csrf_checks=False)


@pytest.mark.parametrize("case", ["long_text", "huge_field", "nul_byte", "nul_in_city", "bad_choice", "many_fields"])
def test_hostile_fields_get_4xx_and_store_nothing(client, analyst, case):
    data = multipart_form()
    if case == "long_text":
        data["what_happened"] = "x" * MB
    elif case == "huge_field":
        data["city"] = "y" * (3 * MB)  # beyond DATA_UPLOAD_MAX_MEMORY_SIZE
    elif case == "nul_byte":
        data["what_happened"] = "before\x00after"
    elif case == "nul_in_city":
        data["city"] = "\x00"
    elif case == "bad_choice":
        data["tactics"] = ["'; DROP TABLE intake_report; --"]
    elif case == "many_fields":
        data.update({f"f{i}": "v" for i in range(5000)})
    response = client.post(reverse("intake:form"), data)
    assert 400 <= response.status_code < 500
    assert nothing_stored()


def test_invalid_utf8_is_refused(client, analyst):
    client.get(reverse("intake:form"))
    parts = [
        ('Content-Disposition: form-data; name="what_happened"', b"caf\xc3 \xff\xfe broken"),
        ('Content-Disposition: form-data; name="wants_reply"', b"yes"),
    ]
    body, content_type = raw_multipart(parts)
    response = client.generic("POST", reverse("intake:form"), body, content_type=content_type)
    assert response.status_code == 400
    assert nothing_stored()


@pytest.mark.parametrize("case", ["many_files", "broken_boundary", "truncated", "bad_base64", "header_flood"])
def test_multipart_bombs_get_4xx(client, analyst, case):
    file_header = 'Content-Disposition: form-data; name="attachments"; filename="f{}.txt"\r\nContent-Type: text/plain'
    if case == "many_files":
        parts = [('Content-Disposition: form-data; name="what_happened"', b"x")]
        parts += [(file_header.format(i), b"a" * 10) for i in range(3000)]
        body, content_type = raw_multipart(parts)
    elif case == "broken_boundary":
        body, content_type = b"--nope\r\n\r\n", "multipart/form-data; boundary="
    elif case == "truncated":
        body, content_type = raw_multipart([(file_header.format(0), b"z" * 100000)])
        body = body[: len(body) // 2]
    elif case == "bad_base64":
        body, content_type = raw_multipart([(file_header.format(0) + "\r\nContent-Transfer-Encoding: base64", b"@@@@not base64@@@")])
    else:
        flood = ("X-Junk: " + "h" * 100 + "\r\n") * 2000 + 'Content-Disposition: form-data; name="city"'
        body, content_type = raw_multipart([(flood, b"c")] * 50)
    response = client.generic("POST", reverse("intake:form"), body, content_type=content_type)
    assert 400 <= response.status_code < 500, response.status_code
    assert nothing_stored()


@pytest.mark.parametrize("name", ["../../../../tmp/owned.txt", "..\\..\\windows\\x.dll", "/etc/passwd", "..", ".",
                                  "a/../../b.jpg", "%2e%2e%2fx", "ok.txt\x00.exe"])
def test_path_traversal_file_names_are_refused_and_nothing_is_kept(client, analyst, name):
    client.get(reverse("intake:form"))
    parts = [('Content-Disposition: form-data; name="what_happened"', b"text"),
             ('Content-Disposition: form-data; name="wants_reply"', b"no"),
             ('Content-Disposition: form-data; name="attachments"; filename="fine.txt"\r\nContent-Type: text/plain', b"a"),
             (f'Content-Disposition: form-data; name="attachments"; filename="{name}"\r\nContent-Type: text/plain', b"c")]
    body, content_type = raw_multipart(parts)
    response = client.generic("POST", reverse("intake:form"), body, content_type=content_type)
    assert response.status_code == 400
    assert "Nothing was kept" in response.content.decode()
    assert not os.path.exists("/tmp/owned.txt")  # noqa: S108 - checking that nothing was written there
    assert nothing_stored()


def test_a_plain_file_name_with_dots_is_accepted(client, analyst):
    client.get(reverse("intake:form"))
    parts = [('Content-Disposition: form-data; name="what_happened"', b"text"),
             ('Content-Disposition: form-data; name="wants_reply"', b"no"),
             ('Content-Disposition: form-data; name="attachments"; filename="photo.2024..jpg"\r\nContent-Type: image/jpeg', b"c")]
    body, content_type = raw_multipart(parts)
    response = client.generic("POST", reverse("intake:form"), body, content_type=content_type)
    assert response.status_code == 200
    assert Report.objects.count() == 1


class MeteredStore(CiphertextStore):
    """A real blob store that remembers the most bytes ever written to one blob."""

    peak = 0

    def create(self):
        blob_id, handle = super().create()
        store = self
        write = handle.write

        def metered(data):
            written = write(data)
            metered.total += len(data)
            MeteredStore.peak = max(MeteredStore.peak, metered.total)
            return written

        metered.total = 0
        handle.write = metered
        del store
        return blob_id, handle


@pytest.fixture
def metered_store(monkeypatch):
    MeteredStore.peak = 0
    monkeypatch.setattr(upload, "blob_store", lambda: MeteredStore(services.blob_store().root))
    return MeteredStore


@pytest.mark.parametrize("size_over_limit", [MB // 2, 3 * MB])
def test_upload_over_the_limit_is_refused_before_1mb_beyond_it_touches_disk(client, analyst, metered_store, settings, size_over_limit):
    limit = settings.TNR_INTAKE["max_upload_bytes"]
    big = SimpleUploadedFile("big.bin", os.urandom(limit + size_over_limit), "application/octet-stream")
    response = client.post(reverse("intake:form"), multipart_form(attachments=[big]))
    assert response.status_code == 413
    # age adds 16 bytes per 64 KiB chunk plus a small header: compare with generous headroom
    assert metered_store.peak <= limit + MB
    if size_over_limit > MB:
        assert metered_store.peak == 0  # refused on the announced length, body never read
    assert nothing_stored()


def test_too_many_attachments_are_refused(client, analyst, settings):
    settings.TNR_INTAKE = {**settings.TNR_INTAKE, "max_attachments": 2}
    files = [SimpleUploadedFile(f"f{i}.txt", b"x", "text/plain") for i in range(3)]
    response = client.post(reverse("intake:form"), multipart_form(attachments=files))
    assert response.status_code == 400
    assert nothing_stored()


def test_follow_up_hostile_input(client, analyst):
    url = reverse("intake:follow_up")
    for data in ({"receipt": "\x00" * 10}, {"receipt": "A" * 100000}, {"action": "reply", "receipt": "x", "body": "\x00"}, {}):
        assert 400 <= client.post(url, data).status_code < 500
    assert Message.objects.count() == 0


REQUIRED_CSP = ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]


def check_headers(response, *, no_store=True):
    csp = response["Content-Security-Policy"]
    for directive in REQUIRED_CSP:
        assert directive in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Server" not in response and "X-Powered-By" not in response
    if no_store:
        assert "no-store" in response["Cache-Control"]
    for cookie in response.cookies.values():
        assert cookie["httponly"] and cookie["samesite"] == "Strict"


def test_strict_headers_on_every_intake_response_including_errors(client, analyst, settings):
    settings.TNR_INTAKE = {**settings.TNR_INTAKE, "max_attachments": 1}
    responses = [
        client.get(reverse("intake:form")),
        client.get(reverse("intake:follow_up")),
        client.get(reverse("intake:help")),
        client.get(reverse("intake:safety")),
        client.post(reverse("intake:form"), multipart_form(what_happened="")),  # 400
        client.post(reverse("intake:form"), multipart_form()),  # 200 receipt
        client.post(reverse("intake:form"), multipart_form(attachments=[SimpleUploadedFile("a", b"1"), SimpleUploadedFile("b", b"2")])),
        client.post(reverse("intake:form"), multipart_form(attachments=[SimpleUploadedFile("a", os.urandom(6 * MB))])),  # 413
        client.post(reverse("intake:follow_up"), {"receipt": "WRONG"}),
        client.get("/report/no-such-page/"),  # 404
        client.put(reverse("intake:form")),  # 405
        client.get("/inbox/"),  # redirect to login
    ]
    statuses = {r.status_code for r in responses}
    assert {200, 400, 413, 404, 405}.issubset(statuses)
    for response in responses:
        check_headers(response)
    # and the enforcing client: a POST without the CSRF token is refused with the same headers
    forged = Client(enforce_csrf_checks=True).post(reverse("intake:form"), multipart_form())
    assert forged.status_code == 403
    check_headers(forged)


def test_csrf_accepts_the_null_origin_of_no_referrer_browsers_but_still_checks_the_token(analyst):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("intake:form"))
    token = page.context["csrf_token"]
    ok = client.post(reverse("intake:form"), {**multipart_form(), "csrfmiddlewaretoken": str(token)}, HTTP_ORIGIN="null")
    assert ok.status_code == 200
    assert client.post(reverse("intake:form"), multipart_form(), HTTP_ORIGIN="null").status_code == 403  # no token
    forged = client.post(reverse("intake:form"), {**multipart_form(), "csrfmiddlewaretoken": str(token)}, HTTP_ORIGIN="https://evil.example")
    assert forged.status_code == 403
    assert Report.objects.count() == 1
