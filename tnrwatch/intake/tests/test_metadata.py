"""Metadata-stripped copies: identifying metadata goes, content stays, the original is untouched."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tnrwatch.intake import metadata, selectors, services, tasks
from tnrwatch.intake.models import Attachment, Report

from .conftest import multipart_form

GPS = b"GPS 52.3702N 4.8952E canary-gps"
AUTHOR = "Zhang Wei canary-author"


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg() -> bytes:
    scan = b"\x12\x34\x56\x78" * 50
    return (b"\xff\xd8" + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + segment(0xE1, b"Exif\x00\x00" + GPS) + segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + AUTHOR.encode())
            + segment(0xED, b"Photoshop 3.0\x00" + AUTHOR.encode()) + segment(0xFE, b"comment " + AUTHOR.encode())
            + segment(0xDB, b"\x00" + bytes(64)) + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + scan + b"\xff\xd9"), scan


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"tEXt", b"Author\x00" + AUTHOR.encode())
            + png_chunk(b"eXIf", GPS) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")), idat


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": AUTHOR, "/Creator": "canary-creator"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("docProps/core.xml", f"<cp:coreProperties><dc:creator>{AUTHOR}</dc:creator></cp:coreProperties>")
        z.writestr("docProps/app.xml", "<Properties><Company>canary-company</Company></Properties>")
        z.writestr("word/document.xml", "<w:document>the body text</w:document>")
    return out.getvalue()


def test_jpeg_loses_exif_gps_xmp_iptc_and_comments_but_keeps_the_image():
    data, scan = jpeg()
    stripped, kind = metadata.strip(data)
    assert kind == "jpeg" and b"canary" not in stripped and b"Exif" not in stripped
    assert stripped.startswith(b"\xff\xd8\xff\xe0") and scan in stripped and stripped.endswith(b"\xff\xd9")


def test_png_pdf_and_office_lose_their_metadata():
    data, idat = png()
    stripped, _ = metadata.strip(data)
    assert b"canary" not in stripped and idat in stripped and stripped.endswith(png_chunk(b"IEND", b""))
    stripped, _ = metadata.strip(pdf())
    assert b"canary" not in stripped
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(stripped)).pages) == 1
    stripped, kind = metadata.strip(docx())
    assert kind == "ooxml"
    with zipfile.ZipFile(io.BytesIO(stripped)) as z:
        assert "canary" not in "".join(z.read(n).decode() for n in z.namelist())
        assert z.read("word/document.xml") == b"<w:document>the body text</w:document>"


def test_unknown_and_damaged_files_are_refused():
    with pytest.raises(metadata.UnsupportedFormatError):
        metadata.strip(b"just some text")
    with pytest.raises(metadata.StripFailedError):
        metadata.strip(b"\xff\xd8\xff\xe1\xff\xff short")


# transaction=True: the job runs on its own thread and connection, after commit. (Transactional
# tests may run after another one has flushed the migration-loaded countries: no country here.)
@pytest.mark.django_db(transaction=True)
def test_strip_request_makes_an_encrypted_copy_in_the_background(analyst):
    data, _ = jpeg()
    response = Client().post(reverse("intake:form"), multipart_form(country="", attachments=[SimpleUploadedFile("photo.jpg", data, "image/jpeg")]))
    assert re.search(r'id="receipt">', response.content.decode())
    attachment = Attachment.objects.get(report=Report.objects.get())
    services.attachment_strip_request(actor=analyst.user, attachment=attachment, identities=[analyst.identity])
    tasks.wait_for_background_jobs()
    attachment.refresh_from_db()
    assert attachment.stripped_state == "done"
    copy = selectors.attachment_plaintext(attachment, [analyst.identity], stripped=True)
    assert b"canary" not in copy and b"canary" not in open(services.blob_store().root / f"{attachment.stripped_blob_id}.age", "rb").read()
    # the original is kept byte for byte
    assert selectors.attachment_plaintext(attachment, [analyst.identity]) == data
    # and the job's outcome is in the audit log, like every write
    from tnrwatch.audit.models import AuditEntry

    finished = AuditEntry.objects.get(action="intake.strip_finished", subject_id=str(attachment.pk))
    assert finished.data == {"state": "done"} and finished.actor_label == "intake.strip"
