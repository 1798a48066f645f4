"""Bad input: every hostile or broken document gets a clear error of its own; the batch goes on."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.management import call_command
from pypdf import PdfWriter

from tnrwatch.ingestion.models import Document
from tnrwatch.registry.models import Source

from .documents import make_pdf


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    # 100 MB of zeros compresses to ~100 kB; the archive is refused unopened.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"\0" * (100 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.django_db
def test_bad_documents_each_get_a_clear_error_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    files = {
        "01-junk.bin": bytes(range(256)) * 64,
        "02-empty.txt": b"",
        "03-invalid-utf8.txt": "Présidence du Conseil".encode("latin-1"),
        "04-nested.html": b"<html><body>" + b"<div>" * 50_000 + b"deep" + b"</div>" * 50_000 + b"</body></html>",
        "05-encrypted.pdf": _encrypted_pdf(),
        "06-malformed.pdf": make_pdf("cut short")[:150],
        "07-bomb.zip": _zip_bomb(),
        "08-gzip.txt.gz": b"\x1f\x8b\x08\x00" + b"\x00" * 20,
        "09-good.txt": b"The Spanish government opened an investigation into the stations.",
        "10-broken.html": b"<html><body><p>The Portuguese police <b>said <i>they were<div>monitoring</p></span></body>",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", str(folder), stdout=out, stderr=err)
    by_name = {d.origin.rsplit("/", 1)[-1]: d for d in Document.objects.all()}
    assert len(by_name) == len(files)
    expected = {
        "01-junk.bin": "binary data of an unsupported kind",
        "02-empty.txt": "empty",
        "03-invalid-utf8.txt": "not valid UTF-8",
        "04-nested.html": "HTML",
        "05-encrypted.pdf": "encrypted",
        "06-malformed.pdf": "PDF",
        "07-bomb.zip": "Archives and compressed files are not accepted (zip)",
        "08-gzip.txt.gz": "not accepted (gzip)",
    }
    for name, phrase in expected.items():
        document = by_name[name]
        assert document.status == "failed", name
        assert phrase in document.error, (name, document.error)
        assert "Internal error" not in document.error
        assert name in err.getvalue()  # the summary lists each failure
    assert by_name["09-good.txt"].status == "extracted"
    assert by_name["10-broken.html"].status == "extracted"
    assert "monitoring" in by_name["10-broken.html"].source.text
    assert Source.objects.count() == 2


@pytest.mark.django_db
def test_200_megabyte_text_is_streamed_and_its_text_capped(tmp_path, settings):
    # Given a 200 MB text file, written in chunks
    big = tmp_path / "huge.txt"
    line = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 10 + "\n").encode()
    with big.open("wb") as out:
        written = 0
        while written < 200 * 1024 * 1024:
            out.write(line * 1000)
            written += len(line) * 1000
    settings.TNR_INGEST_MAX_TEXT_CHARS = 100_000
    # When it is ingested, with memory traced
    tracemalloc.start()
    try:
        call_command("ingest", str(big), stdout=io.StringIO(), stderr=io.StringIO())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Then the whole original is kept but never held in memory, and the text is cut with a note
    document = Document.objects.get()
    assert document.status == "extracted", document.error
    assert document.size == written
    assert peak < 64 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    assert len(document.source.text) <= 100_000
    assert any("cut at 100,000 characters" in note for note in document.notes)
