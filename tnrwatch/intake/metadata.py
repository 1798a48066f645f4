"""Metadata-stripped copies of attachments, for sharing. Pure Python, no Django import.

The original stays untouched (encrypted, byte for byte); this makes a second file without the
details that identify a person or a place:

* JPEG: APP1 (EXIF with GPS, XMP), APP3-APP13 (incl. IPTC in APP13) and comments are dropped
  losslessly at the segment level; the image data is copied as is. APP0 (JFIF), APP2 (ICC colour
  profile) and APP14 (Adobe colour transform) are kept: they describe colours, not people.
* PNG: text chunks (tEXt, zTXt, iTXt), eXIf and tIME are dropped.
* PDF: the document information dictionary (author, creator, producer, dates) and every XMP
  metadata stream are removed (pypdf).
* Office Open XML (docx, xlsx, pptx) and OpenDocument: the core/app/custom property parts and
  meta.xml are replaced by empty ones; comments' author names inside the document body are not
  touched (documented limitation).

Anything else raises UnsupportedFormatError: the analyst is told no stripped copy exists.
"""

from __future__ import annotations

import io
import struct
import zipfile

from tnrwatch.core.errors import ApplicationError


class UnsupportedFormatError(ApplicationError):
    """There is no metadata stripper for this kind of file."""


class StripFailedError(ApplicationError):
    """The file looks damaged: no stripped copy could be made."""


def strip(data: bytes) -> tuple[bytes, str]:
    """(stripped copy, kind). Kind is detected from the content, never from the claimed type."""
    if data.startswith(b"\xff\xd8\xff"):
        return _strip_jpeg(data), "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _strip_png(data), "png"
    if data.startswith(b"%PDF-"):
        return _strip_pdf(data), "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _strip_office(data)
    raise UnsupportedFormatError()


_JPEG_KEEP_APP = {0xE0, 0xE2, 0xEE}


def _strip_jpeg(data: bytes) -> bytes:
    out = bytearray(b"\xff\xd8")
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise StripFailedError()
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA or marker == 0xD9:  # start of scan / end of image: copy the rest verbatim
            out += data[pos:]
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += data[pos:pos + 2]
            pos += 2
            continue
        if pos + 4 > len(data):
            raise StripFailedError()
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise StripFailedError()
        is_metadata = (0xE1 <= marker <= 0xEF and marker not in _JPEG_KEEP_APP) or marker == 0xFE
        if not is_metadata:
            out += data[pos:end]
        pos = end
    raise StripFailedError()


_PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}


def _strip_png(data: bytes) -> bytes:
    out = bytearray(data[:8])
    pos = 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise StripFailedError()
        if kind not in _PNG_DROP:
            out += data[pos:end]
        pos = end
        if kind == b"IEND":
            return bytes(out)
    raise StripFailedError()


def _strip_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.metadata = None
        writer._root_object.pop("/Metadata", None)
        for page in writer.pages:
            page.pop("/Metadata", None)
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise StripFailedError() from exc
    return out.getvalue()


_EMPTY_PARTS = {
    "docProps/core.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
    ),
    "docProps/app.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
    ),
    "docProps/custom.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
    ),
    "meta.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2">'
        "<office:meta/></office:document-meta>"
    ),
}


def _strip_office(data: bytes) -> tuple[bytes, str]:
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        names = source.namelist()
    except zipfile.BadZipFile as exc:
        raise StripFailedError() from exc
    if "[Content_Types].xml" in names:
        kind = "ooxml"
    elif "mimetype" in names and source.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
        kind = "odf"
    else:
        raise UnsupportedFormatError()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.file_size > 200 * 1024 * 1024:
                raise StripFailedError()
            content = _EMPTY_PARTS[info.filename].encode() if info.filename in _EMPTY_PARTS else source.read(info)
            clean = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            clean.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(clean, content)
    return out.getvalue(), kind
