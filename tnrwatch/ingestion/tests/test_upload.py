"""Capture from the web capture page with uploaded files, through the real HTTP stack (Django's test
client posting real files from disk as multipart), the real blob store and the real pipeline:
several files at once, the same limits and per-document errors as `tnrwatch ingest`, the same
progress, and nothing left on disk by a refused upload.

Fixture strategy: the smallest file of each kind (HTML, PDF, text) plus the broken ones the command
line is tested with; the limits are made small through settings so that "too large" costs kilobytes.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from tnrwatch.audit.models import AuditEntry
from tnrwatch.ingestion.models import Document, IngestJob
from tnrwatch.registry.models import Source

from .documents import make_pdf

HTML = (b"<html><head><title>Czech police look into the station</title></head><body><article><p>The Czech "
        b"police opened an investigation into the overseas police service station in Prague on 2 November "
        b"2022, the interior ministry said in a statement to journalists.</p></article></body></html>")
TEXT = b"The Irish government ordered the closure of the Fuzhou police service station in Dublin."
PDF = make_pdf("The Canadian police investigated the stations in Toronto.")


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "inside")
    return out.getvalue()


def _files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


def _post(client, paths: list[Path], urls: str = "", **extra):
    handles = [p.open("rb") for p in paths]
    try:
        return client.post("/ingestion/capture/", {"urls": urls, "files": handles}, **extra)
    finally:
        for handle in handles:
            handle.close()


def _on_disk() -> dict[str, list[str]]:
    """Every file under the blob store: the stored blobs and anything in its temporary folder."""
    root = Path(django_settings.DATA_DIR) / "blobs"
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return {"blobs": sorted(p.name for p in files if p.parent.name != "tmp"),
            "tmp": sorted(p.name for p in files if p.parent.name == "tmp")}


@pytest.fixture
def analyst(staff_client):
    return staff_client("analyst")


def test_several_files_and_a_url_in_one_batch_are_captured_like_the_command_line(
        analyst, tmp_path, http_server, django_capture_on_commit_callbacks):
    http_server.routes["/page"] = (200, {"Content-Type": "text/plain; charset=utf-8"}, b"The Dutch police investigated.")
    paths = _files(tmp_path / "up", {"prague.html": HTML, "dublin.txt": TEXT, "toronto.pdf": PDF})
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(analyst, paths, urls=f"{http_server.base}/page")
    assert response.status_code == 302
    job = IngestJob.objects.get()
    assert response["Location"] == f"/ingestion/documents/?job={job.pk}"
    assert job.total == 4
    documents = {d.filename if d.origin.startswith("upload://") else d.origin: d for d in Document.objects.filter(job=job)}
    for name, data, kind in (("prague.html", HTML, "html"), ("dublin.txt", TEXT, "text"), ("toronto.pdf", PDF, "pdf")):
        document = documents[name]
        assert document.status == "extracted", (name, document.error)
        assert document.origin.startswith("upload://") and document.format == kind
        source = document.source
        assert source.sha256 == hashlib.sha256(data).hexdigest()
        assert source.captured_at == document.captured_at  # when the server received the bytes
        blob = Path(django_settings.DATA_DIR) / "blobs" / source.sha256[:2] / source.sha256[2:4] / source.sha256
        assert blob.read_bytes() == data
    assert "Irish government ordered the closure" in documents["dublin.txt"].source.text
    assert "Canadian police" in documents["toronto.pdf"].source.text
    assert documents[f"{http_server.base}/page"].status == "extracted"
    assert _on_disk()["tmp"] == []
    entry = AuditEntry.objects.get(action="ingest.job_create", subject_id=str(job.pk))
    assert entry.actor == analyst.user
    assert sorted(u["name"] for u in entry.data["uploads"]) == ["dublin.txt", "prague.html", "toronto.pdf"]
    # The progress, as the command line shows it
    page = analyst.get(response["Location"]).content.decode()
    assert "[##############################] 4/4" in page
    assert f"Job {job.pk}: 4 documents, 4 captured (0 already known), 0 failed." in page
    assert 'http-equiv="refresh"' not in page  # done: no more reloading


def test_bad_files_get_the_command_lines_errors_and_leave_no_bytes(analyst, tmp_path, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.TNR_INGEST_MAX_BYTES = 4096
    bad = {"archive.zip": _zip(), "empty.txt": b"", "junk.bin": bytes(range(256)) * 8,
           "big.txt": b"stations " * 1000}
    # The command line's errors for the same files
    call_command("ingest", *map(str, _files(tmp_path / "cli", bad)), stdout=io.StringIO(), stderr=io.StringIO())
    cli = {Path(d.origin).name: d.error for d in Document.objects.all()}
    assert all(cli.values()) and len(cli) == 4
    Document.objects.all().delete()
    assert _on_disk() == {"blobs": [], "tmp": []}  # the command line keeps no refused bytes either
    # The same files uploaded, with a good one among them
    paths = _files(tmp_path / "web", {**bad, "dublin.txt": TEXT})
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(analyst, paths)
    assert response.status_code == 302
    web = {d.filename: d for d in Document.objects.all()}
    assert web["dublin.txt"].status == "extracted"
    for name, error in cli.items():
        assert (web[name].status, web[name].error) == ("failed", error), name
    assert cli["big.txt"] == "The file has 9,000 bytes, more than the limit of 4,096; it was not kept."
    assert _on_disk() == {"blobs": [hashlib.sha256(TEXT).hexdigest()], "tmp": []}
    page = analyst.get(response["Location"]).content.decode()
    assert "4 failed" in page and "1 captured" in page


@pytest.mark.parametrize("case", ["request too large", "too many files", "no CSRF token", "bad URL", "nothing given"])
def test_refused_submissions_keep_nothing(client, make_staff, tmp_path, settings, case):
    from django_otp import DEVICE_ID_SESSION_KEY

    user = make_staff("analyst")
    client = Client(enforce_csrf_checks=(case == "no CSRF token"))
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    files = {"a.txt": TEXT}
    urls = ""
    if case == "request too large":
        settings.TNR_INGEST_MAX_UPLOAD_BYTES = 1000
        files = {"a.txt": TEXT, "b.txt": b"x" * (1024 * 1024 + 2000)}
    elif case == "too many files":
        files = {f"{i:02d}.txt": TEXT + str(i).encode() for i in range(21)}
    elif case == "bad URL":
        urls = "file:///etc/passwd"
    elif case == "nothing given":
        files = {}
    response = _post(client, _files(tmp_path / "up", files), urls=urls)
    expected = {"request too large": 413, "too many files": 413, "no CSRF token": 403}.get(case, 400)
    assert response.status_code == expected, response.content[:300]
    if case != "no CSRF token":
        html = response.content.decode()
        assert {"request too large": "more than the limit", "too many files": "At most 20 files",
                "bad URL": "Not an http(s) URL", "nothing given": "at least one"}[case] in html
    assert not IngestJob.objects.exists() and not Document.objects.exists() and not Source.objects.exists()
    assert _on_disk() == {"blobs": [], "tmp": []}


def test_only_editors_may_upload_and_nothing_is_read_before_the_role_check(staff_client, tmp_path):
    response = _post(staff_client("reviewer"), _files(tmp_path / "up", {"a.txt": TEXT}))
    assert response.status_code == 403
    assert not Document.objects.exists() and _on_disk() == {"blobs": [], "tmp": []}


def test_the_same_file_twice_is_one_source_and_kept_once(analyst, tmp_path, django_capture_on_commit_callbacks):
    for folder in ("one", "two"):
        with django_capture_on_commit_callbacks(execute=True):
            assert _post(analyst, _files(tmp_path / folder, {"dublin.txt": TEXT})).status_code == 302
    assert Source.objects.count() == 1
    assert Document.objects.filter(duplicate=True).count() == 1
    assert _on_disk() == {"blobs": [hashlib.sha256(TEXT).hexdigest()], "tmp": []}


@pytest.mark.parametrize("cut", ["inside the only file", "inside the second file"])
def test_a_truncated_upload_is_refused_whole_and_keeps_nothing(analyst, cut):
    # Given a multipart body that ends inside a file (the client went away mid-upload)
    boundary = "tnrboundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="urls"\r\n\r\n\r\n'.encode()]
    if cut == "inside the second file":
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n'
                     f"Content-Type: text/plain\r\n\r\n".encode() + TEXT + b"\r\n")
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="b.txt"\r\n'
                 f"Content-Type: text/plain\r\n\r\n".encode() + b"The Italian police" * 5000)
    response = analyst.generic("POST", "/ingestion/capture/", b"".join(parts),
                               content_type=f"multipart/form-data; boundary={boundary}")
    # Then the whole submission is refused with a clear page, and nothing is kept
    assert response.status_code == 400
    assert "interrupted" in response.content.decode()
    assert not Document.objects.exists() and _on_disk() == {"blobs": [], "tmp": []}


@pytest.mark.django_db(transaction=True)
def test_a_large_upload_streams_to_disk_and_is_never_held_in_memory(live_server, make_staff, tmp_path, settings):
    # A real HTTP upload (http.client streaming the body from a file) to the live server, with
    # the server's Python allocations traced: a 24 MB file must not pass through memory whole.
    import http.client
    import re
    import tracemalloc
    from urllib.parse import urlsplit

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    settings.DATA_DIR = tmp_path / "data"
    user = make_staff("analyst")
    session = SessionStore()
    session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                    DEVICE_ID_SESSION_KEY: user.totpdevice_set.get().persistent_id})
    session.create()
    host = urlsplit(live_server.url)
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={session.session_key}"
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
    conn.request("GET", "/ingestion/capture/", headers={"Cookie": cookie})
    page = conn.getresponse()
    html = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    csrf_cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie")).group(1)
    line = bytes(range(256)) * 4  # binary junk: refused at once after the upload, so only the upload is measured
    boundary = "tnrbigboundary"
    body_path = tmp_path / "body"
    with body_path.open("wb") as body:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
                   f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.bin"\r\n'
                   "Content-Type: application/octet-stream\r\n\r\n".encode())
        for _ in range(24 * 1024 * 1024 // len(line)):
            body.write(line)
        body.write(f"\r\n--{boundary}--\r\n".encode())
    tracemalloc.start()
    with body_path.open("rb") as body:
        conn.request("POST", "/ingestion/capture/", body=body, headers={
            "Cookie": f"{cookie}; csrftoken={csrf_cookie}", "Origin": "null",
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(body_path.stat().st_size)})
        response = conn.getresponse()
        response.read()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status == 302, response.status
    document = Document.objects.get()
    assert (document.status, document.size) == ("failed", 24 * 1024 * 1024)
    assert peak < 8 * 1024 * 1024, f"peak {peak:,} bytes"
    assert _on_disk() == {"blobs": [], "tmp": []}  # refused: its bytes left the store
