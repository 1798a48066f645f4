"""Capture: files, folders and URLs become Sources with their evidence copy and capture record."""

from __future__ import annotations

import hashlib
import io
import stat
from pathlib import Path

import pytest
from django.core.management import call_command

from tnrwatch.audit.models import AuditEntry
from tnrwatch.ingestion.blobs import DocumentStore
from tnrwatch.ingestion.capture import CaptureError, HttpFetcher
from tnrwatch.ingestion.limits import CaptureLimits
from tnrwatch.ingestion.models import Document
from tnrwatch.registry.models import Source

from .documents import make_pdf

ARTICLE = (
    "<!doctype html><html><head><title>Dutch order closure of Chinese police stations</title>"
    '<meta name="date" content="2022-11-01"></head><body><article><h1>Dutch order closure</h1>'
    "<p>The Dutch government has ordered the closure of two Chinese overseas police stations in "
    "Amsterdam and Rotterdam, Foreign Minister Wopke Hoekstra said on Tuesday.</p>"
    "<p>The stations were reportedly run by the Lishui and Fuzhou public security bureaus.</p>"
    "</article></body></html>"
)


def ingest(*origins, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *[str(o) for o in origins], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_folder_of_html_text_and_pdf_becomes_sources(tmp_path, settings):
    # Given a folder (with a subfolder) holding an article, a Chinese notice and a PDF
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "article.html").write_text(ARTICLE)
    (folder / "sub" / "notice.txt").write_text("青田县公安局海外华侨服务站在意大利米兰设立。\n第二段。", encoding="utf-8")
    (folder / "report.pdf").write_bytes(make_pdf("Safeguard Defenders counted 54 stations in 30 countries."))
    # When they are ingested
    out, err = ingest(folder)
    # Then each is a Source with text, language, hash and capture time, and its bytes are kept
    assert "3 documents, 3 captured" in out
    assert "[" in err and "3/3" in err
    assert Source.objects.count() == 3
    html = Source.objects.get(title__icontains="closure")
    assert "Amsterdam and Rotterdam" in html.text
    assert html.language == "en"
    assert html.captured_at is not None
    notice = Source.objects.get(language="zh")
    assert notice.text.startswith("青田县公安局")
    pdf = Source.objects.get(kind="official")
    assert "54 stations" in pdf.text
    store = DocumentStore(Path(settings.DATA_DIR) / "blobs")
    for source in Source.objects.all():
        blob = store.path_for(source.sha256)
        assert blob.exists()
        assert not blob.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)  # read-only evidence copy
    assert store.path_for(html.sha256).read_bytes() == ARTICLE.encode()
    assert set(Document.objects.values_list("status", flat=True)) == {"extracted"}
    # and every write left its audit row
    assert AuditEntry.objects.filter(action="source.create").count() == 3
    assert AuditEntry.objects.filter(action="document.extract").count() == 3
    assert AuditEntry.objects.filter(action="ingest.job_create").count() == 1


@pytest.mark.django_db
def test_same_document_twice_is_one_source(tmp_path):
    first = tmp_path / "a.txt"
    first.write_text("The Irish government ordered the Fuzhou station in Dublin to close.")
    second = tmp_path / "copy-of-a.txt"
    second.write_bytes(first.read_bytes())
    ingest(first)
    out, _err = ingest(second, first)
    assert Source.objects.count() == 1
    assert "2 captured (2 already known)" in out
    assert Document.objects.filter(duplicate=True).count() == 2


@pytest.mark.django_db
def test_url_capture_keeps_headers_redirects_and_final_url(http_server):
    http_server.routes["/old"] = (301, {"Location": "/article"}, b"")
    http_server.routes["/article"] = (200, {"Content-Type": "text/html; charset=utf-8", "X-Test": "kept"}, ARTICLE.encode())
    out, _err = ingest(f"{http_server.base}/old")
    assert "1 captured" in out
    document = Document.objects.get()
    assert document.status == "extracted"
    assert document.url == f"{http_server.base}/article"
    assert document.redirects == [f"{http_server.base}/article"]
    assert document.http_status == 200
    assert document.http_headers["X-Test"] == "kept"
    source = document.source
    assert source.url == f"{http_server.base}/article"
    assert source.publisher  # site name or host
    assert "Rotterdam" in source.text


@pytest.mark.django_db
def test_redirect_to_another_scheme_is_refused(http_server):
    http_server.routes["/sneaky"] = (302, {"Location": "file:///etc/passwd"}, b"")
    http_server.routes["/ftp"] = (302, {"Location": "ftp://127.0.0.1/x"}, b"")
    ingest(f"{http_server.base}/sneaky", f"{http_server.base}/ftp", f"{http_server.base}/missing")
    errors = dict(Document.objects.values_list("origin", "error"))
    assert "only http(s) is followed" in errors[f"{http_server.base}/sneaky"]
    assert "only http(s) is followed" in errors[f"{http_server.base}/ftp"]
    assert "HTTP 404" in errors[f"{http_server.base}/missing"]
    assert not Source.objects.exists()


def test_private_hosts_are_refused_unless_allowed(tmp_path, http_server):
    http_server.routes["/a"] = (200, {"Content-Type": "text/plain"}, b"hello")
    store = DocumentStore(tmp_path / "blobs")
    with pytest.raises(CaptureError, match="private or local network"):
        HttpFetcher().fetch(f"{http_server.base}/a", store=store, limits=CaptureLimits())
    capture = HttpFetcher().fetch(f"{http_server.base}/a", store=store, limits=CaptureLimits(allow_private_hosts=True))
    assert capture.blob.size == 5


@pytest.mark.django_db
def test_size_limit_applies_to_files_and_downloads(tmp_path, http_server, settings):
    settings.TNR_INGEST_MAX_BYTES = 1000
    big = tmp_path / "big.txt"
    big.write_text("x" * 5000)
    http_server.routes["/big"] = (200, {"Content-Type": "text/plain"}, b"y" * 5000)
    # a server that does not announce the length is cut off while streaming
    http_server.routes["/chunked"] = (200, {"Content-Type": "text/plain", "Content-Length": "5000"}, b"z" * 5000)
    ingest(big, f"{http_server.base}/big")
    errors = list(Document.objects.values_list("error", flat=True))
    assert all("limit of 1,000" in e for e in errors), errors
    assert not list((Path(settings.DATA_DIR) / "blobs" / "tmp").glob("*"))  # nothing half-written left


def test_blob_store_is_content_addressed_and_write_once(tmp_path):
    store = DocumentStore(tmp_path / "blobs")
    one = store.put_bytes(b"evidence", max_bytes=100)
    two = store.put_chunks([b"evi", b"dence"], max_bytes=100)
    assert one == two
    assert one.sha256 == hashlib.sha256(b"evidence").hexdigest()
    assert one.path == tmp_path / "blobs" / one.sha256[:2] / one.sha256[2:4] / one.sha256
    assert one.path.read_bytes() == b"evidence"
    assert oct(one.path.stat().st_mode & 0o777) == "0o440"
    with pytest.raises(ValueError):
        store.path_for("../../etc/passwd")


@pytest.mark.django_db
def test_sqlite_queue_runs_embedded_in_the_command(tmp_path):
    # Given the embedded SQLite queue (the default outside tests)
    doc = tmp_path / "a.txt"
    doc.write_text("Hungary said it would look into the reports.")
    # When ingest runs with it, the command itself works the queue
    out, err = ingest(doc, queue="sqlite", queue_name="test-embedded")
    # Then the document is done, and the queue file is under the data folder
    assert "1 captured" in out
    assert Document.objects.get().status == "extracted"


@pytest.mark.django_db
def test_served_charset_is_used_for_text(http_server):
    notice = "福州市公安局海外警务服务站".encode("gbk")
    http_server.routes["/notice.txt"] = (200, {"Content-Type": "text/plain; charset=gbk"}, notice)
    ingest(f"{http_server.base}/notice.txt")
    source = Source.objects.get()
    assert source.text == "福州市公安局海外警务服务站"
    assert source.language == "zh"
    assert Document.objects.get().content_type == "text/plain"


@pytest.mark.django_db
def test_job_create_queues_its_documents_after_commit(tmp_path, django_capture_on_commit_callbacks):
    from tnrwatch.ingestion.services import job_create

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("The Swedish police said they were monitoring the situation.")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_create(actor_label="test", origins=[str(tmp_path / "docs")])
    assert len(callbacks) == 1
    assert job.total == 1
    assert job.documents.get().status == "extracted"  # the default queue runs at once in tests


@pytest.mark.django_db
def test_missing_paths_and_absurd_urls_fail_alone(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("The French police opened an inquiry.")
    ingest(tmp_path / "missing.txt", "https://example.org/" + "a" * 3000, "gopher://example.org/x", good)
    statuses = list(Document.objects.order_by("pk").values_list("status", "error"))
    assert statuses[0][0] == "failed" and "No such file" in statuses[0][1]
    assert statuses[1][0] == "failed" and "longer than 2000" in statuses[1][1]
    assert statuses[2][0] == "failed" and "No fetcher" in statuses[2][1]
    assert statuses[3][0] == "extracted"
