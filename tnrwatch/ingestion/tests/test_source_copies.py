"""Sources a reader can check: the public source page's facts, the captured text as plain text, the
evidence copy byte for byte, who may read them (staff, partners granted the source, the public only
where the source may be republished), "date unknown" and "not captured". Through real HTTP, a real
blob store, real files and the real capture pipeline.

Fixture strategy: one hostile HTML page (a script, a remote image, a tag spelled out in the text)
captured with the real pipeline; one undated source entered by hand with no copy at all.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io

import pytest

from tnrwatch.audit.models import AuditEntry
from tnrwatch.ingestion.models import Document
from tnrwatch.ingestion.services import document_process, job_create
from tnrwatch.registry import services
from tnrwatch.sharing.services import partner_create

PAGE = (
    b"<html><head><title>Ministry orders closure of police service station</title>"
    b'<meta name="author" content="Jan de Vries"><meta property="og:site_name" content="Het Dagblad">'
    b'<meta name="date" content="2022-11-01"><script>document.title="pwned"</script></head><body><article>'
    b"<h1>Ministry orders closure of police service station</h1>"
    b"<p>The Ministry of Justice ordered the closure of two police service stations in Rotterdam and "
    b"Amsterdam, the minister told parliament on Tuesday afternoon in a letter to the chamber.</p>"
    b"<p>Officials wrote that the stations, run by the Fuzhou Public Security Bureau, were never "
    b"notified to the Dutch authorities and that their activities were illegal in the Netherlands.</p>"
    b'<img src="http://tracker.invalid/pixel.gif"><p>A reader asked whether &lt;script&gt;alert(1)&lt;/script&gt; '
    b"would run on this page: it must never run anywhere the text is shown again.</p>"
    b"</article></body></html>"
)


@pytest.fixture
def captured(tmp_path, db):
    """A page captured by the real pipeline, its Source made public (TLP:CLEAR)."""
    path = tmp_path / "closure.html"
    path.write_bytes(PAGE)
    job = job_create(actor_label="t", origins=[str(path)], enqueue=False)
    document = document_process(document_id=Document.objects.get(job=job).pk)
    assert document.status == "extracted", document.error
    source = document.source
    services.marking_set(actor=None, actor_label="t", obj=source, marking="clear")
    return source


@pytest.fixture
def undated(db):
    """A report cited by hand: no date, no copy."""
    source = services.source_create(actor_label="t", title="A report the instance cannot hold", publisher="NGO")
    services.marking_set(actor=None, actor_label="t", obj=source, marking="clear")
    return source


def _reuse(client, source, **data):
    return client.post(f"/workspace/sources/{source.pk}/reuse/", data)


def test_public_source_page_shows_what_a_reader_needs_to_check_it(client, captured):
    html = client.get(f"/sources/{captured.pk}/").content.decode()
    assert captured.sha256 == hashlib.sha256(PAGE).hexdigest()
    for fact in (captured.sha256, "Het Dagblad", "Jan de Vries", "2022-11-01", captured.language,
                 captured.captured_at.strftime("%Y-%m-%d %H:%M:%S") + " UTC"):
        assert fact, "the capture read every field"
        assert fact in html, fact
    assert f"{len(PAGE):,} bytes" in html
    # Not republishable by default: no text, no copy for the public, and the page says why
    assert "does not republish it" in html
    assert f"/sources/{captured.pk}/text/" not in html
    assert client.get(f"/sources/{captured.pk}/text/").status_code == 404
    assert client.get(f"/sources/{captured.pk}/copy/").status_code == 404


def test_staff_read_the_text_escaped_and_download_the_copy_byte_for_byte(staff_client, captured):
    client = staff_client("read_only")
    text = client.get(f"/ingestion/sources/{captured.pk}/text/")
    assert text.status_code == 200
    html = text.content.decode()
    assert "Ministry of Justice ordered the closure" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the text's own markup-looking words, escaped
    assert "<script" not in html and "tracker.invalid" not in html and "pwned" not in html
    copy = client.get(f"/ingestion/sources/{captured.pk}/copy/")
    assert copy.status_code == 200
    body = b"".join(copy.streaming_content)
    assert body == PAGE
    assert copy["Content-Type"] == "text/html"
    assert copy["Content-Disposition"] == f'attachment; filename="source-{captured.pk}-{captured.sha256[:12]}.html"'
    assert copy["X-Content-Type-Options"] == "nosniff"
    assert copy["Content-Security-Policy"].startswith("sandbox")
    assert copy["Content-Length"] == str(len(PAGE))
    assert copy["X-Evidence-SHA256"] == hashlib.sha256(body).hexdigest()
    assert copy["Repr-Digest"] == f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:"
    assert copy["Cache-Control"] == "no-store"


def test_anonymous_cannot_use_the_staff_copy(client, captured):
    for path in (f"/ingestion/sources/{captured.pk}/text/", f"/ingestion/sources/{captured.pk}/copy/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_an_analyst_marks_a_source_republishable_with_its_terms_and_the_public_can_read_it(staff_client, client,
                                                                                             captured):
    # A reviewer or a read-only user may not change reuse terms
    assert _reuse(staff_client("reviewer", "rev"), captured, republish_allowed="on", reuse_terms="x").status_code == 403
    analyst = staff_client("analyst")
    # Republishing needs its licence or reason
    refused = _reuse(analyst, captured, republish_allowed="on", reuse_terms="  ")
    assert refused.status_code == 400 and "licence" in refused.content.decode()
    captured.refresh_from_db()
    assert not captured.republish_allowed
    assert not AuditEntry.objects.filter(action="source.reuse").exists()
    ok = _reuse(analyst, captured, republish_allowed="on", reuse_terms="Official notice of a public body")
    assert ok.status_code == 302
    entry = AuditEntry.objects.get(action="source.reuse", subject_id=str(captured.pk))
    assert entry.actor == analyst.user
    assert entry.data == {"republish_allowed": [False, True], "reuse_terms": ["", "Official notice of a public body"]}
    # The generic edit cannot set it behind the audited action's back
    with pytest.raises(services.ValidationError):
        services.source_update(actor=None, source=captured, republish_allowed=False)
    client.logout()
    page = client.get(f"/sources/{captured.pk}/").content.decode()
    assert "Official notice of a public body" in page
    assert f'href="/sources/{captured.pk}/text/"' in page and f'href="/sources/{captured.pk}/copy/"' in page
    text = client.get(f"/sources/{captured.pk}/text/")
    assert text.status_code == 200 and "<script" not in text.content.decode()
    assert "Authorization" in text["Vary"]
    copy = client.get(f"/sources/{captured.pk}/copy/")
    assert b"".join(copy.streaming_content) == PAGE
    assert copy["Content-Security-Policy"].startswith("sandbox") and copy["X-Content-Type-Options"] == "nosniff"
    api = client.get(f"/api/v1/sources/{captured.pk}").json()
    assert (api["republish_allowed"], api["reuse_terms"], api["captured"]) == (True, "Official notice of a public body", True)
    assert api["copy_url"].endswith(f"/sources/{captured.pk}/copy/")
    # Hidden again (a marking, decided by sharing.outbound): gone for the public whatever the terms
    services.marking_set(actor=None, actor_label="t", obj=captured, marking="amber")
    assert client.get(f"/sources/{captured.pk}/text/").status_code == 404
    assert client.get(f"/sources/{captured.pk}/copy/").status_code == 404


def test_a_partner_granted_the_source_reads_it_others_do_not(client, captured):
    services.marking_set(actor=None, actor_label="t", obj=captured, marking="amber")
    _granted, token = partner_create(actor=None, name="Granted", max_marking="amber", read=["record"])
    _stations_only, other = partner_create(actor=None, name="Stations only", max_marking="amber", read=["stations"])
    _clear_only, low = partner_create(actor=None, name="Clear only", max_marking="clear", read=["record"])
    response = client.get(f"/sources/{captured.pk}/copy/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PAGE
    assert response["Cache-Control"] == "private, no-store"
    text = client.get(f"/sources/{captured.pk}/text/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert text.status_code == 200 and "Ministry of Justice" in text.content.decode()
    for refused in (other, low, "not-a-token", ""):
        for path in ("text", "copy"):
            assert client.get(f"/sources/{captured.pk}/{path}/",
                              HTTP_AUTHORIZATION=f"Bearer {refused}").status_code == 404, (refused, path)
    assert client.get("/sources/999999999/copy/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404


def test_undated_and_uncaptured_sources_say_so_everywhere(client, staff_client, undated):
    page = client.get(f"/sources/{undated.pk}/").content.decode()
    assert "date unknown" in page and "not captured" in page
    assert "date unknown" in client.get("/sources/").content.decode()
    assert client.get(f"/api/v1/sources/{undated.pk}").json()["published"] is None
    assert client.get(f"/api/v1/sources/{undated.pk}").json()["captured"] is False
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get("/api/v1/export/sources.csv").streaming_content).decode())))
    assert [row["published"] for row in rows if row["id"] == str(undated.pk)] == [""]
    staff = staff_client("analyst")
    assert "date unknown" in staff.get("/workspace/sources/").content.decode()
    detail = staff.get(f"/workspace/sources/{undated.pk}/").content.decode()
    assert "date unknown" in detail and "not captured" in detail
    assert staff.get(f"/ingestion/sources/{undated.pk}/copy/").status_code == 404
    # Even republishable, a source without a copy has nothing to download
    services.source_reuse_set(actor=None, actor_label="t", source=undated, republish_allowed=True, reuse_terms="CC BY 4.0")
    assert client.get(f"/sources/{undated.pk}/copy/").status_code == 404
