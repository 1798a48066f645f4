"""Text and metadata from captured bytes: HTML (trafilatura), PDF (pypdf), plain text. No Django import.

Threat model: the bytes are hostile. The format is sniffed from the bytes first (the name and the
served type are hints only). Archives and compressed files are refused, never expanded, so a zip
bomb costs nothing. Plain text is decoded incrementally and only up to `max_text_chars`, so a
200 MB file is never held in memory; HTML above `max_html_bytes` is refused before parsing; PDF
parsing stops after `max_pdf_pages`. Any failure of a parser becomes a `DocumentError` with a
message an analyst can act on; nothing else escapes.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

from tnrwatch.core.errors import ApplicationError
from tnrwatch.extraction.lang import language_code

from .limits import CaptureLimits


class DocumentError(ApplicationError):
    """The document's text could not be extracted."""


class EmptyDocumentError(DocumentError):
    """The document is empty."""


class UnsupportedDocumentError(DocumentError):
    """The document is of a kind that is not accepted."""


class EncodingError(DocumentError):
    """The text is not in a readable encoding."""


class BrokenDocumentError(DocumentError):
    """The document is malformed."""


class EncryptedDocumentError(DocumentError):
    """The document is encrypted."""


@dataclass
class ExtractedText:
    text: str
    format: str  # "html" | "pdf" | "text"
    title: str = ""
    published: date | None = None
    publisher: str = ""
    author: str = ""
    language: str = ""
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


_ARCHIVES: list[tuple[bytes, str]] = [
    (b"PK\x03\x04", "zip"), (b"PK\x05\x06", "zip"), (b"PK\x07\x08", "zip"),
    (b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz"), (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"), (b"\x28\xb5\x2f\xfd", "zstd"), (b"MSCF", "cab"),
]
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|article)\b", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]{2,40})""", re.I)
# C0 controls other than tab, newline and carriage return: never useful in text, and NUL
# cannot be stored in a PostgreSQL text column.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sniff(head: bytes, *, content_type: str = "", filename: str = "") -> str:
    """'pdf' | 'html' | 'text', or raises for empty, archives and binary data."""
    if not head:
        raise EmptyDocumentError("The document is empty (0 bytes).")
    for magic, name in _ARCHIVES:
        if head.startswith(magic):
            raise UnsupportedDocumentError(
                f"Archives and compressed files are not accepted ({name}): unpack them and ingest the files inside."
            )
    if len(head) > 262 and head[257:262] == b"ustar":
        raise UnsupportedDocumentError("Archives are not accepted (tar): unpack them and ingest the files inside.")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    body = head.removeprefix(codecs.BOM_UTF8)
    name = filename.lower()
    if "html" in content_type or name.endswith((".html", ".htm", ".xhtml")) or _HTML_START.match(body):
        return "html"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    if b"\x00" in head or controls > len(head) // 20:
        raise UnsupportedDocumentError(
            "This is binary data of an unsupported kind (not text, HTML or PDF)."
        )
    return "text"


def extract_document(path: Path, *, limits: CaptureLimits, content_type: str = "", charset: str = "",
                     filename: str = "", url: str = "") -> ExtractedText:
    """The text and metadata of the document at `path`, or a DocumentError saying why not."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    kind = sniff(head, content_type=content_type, filename=filename)
    try:
        if kind == "pdf":
            result = _pdf(path, limits)
        elif kind == "html":
            result = _html(path, limits, charset=charset, url=url)
        else:
            result = _plain(path, limits, charset=charset, head=head)
    except DocumentError:
        raise
    except RecursionError as exc:
        raise BrokenDocumentError(f"The {kind.upper()} is nested too deeply to be parsed.") from exc
    except MemoryError as exc:
        raise BrokenDocumentError(f"The {kind.upper()} needs too much memory to be parsed.") from exc
    except Exception as exc:  # noqa: BLE001 - a third-party parser failing on hostile input
        raise BrokenDocumentError(f"The {kind.upper()} could not be parsed ({type(exc).__name__}).") from exc
    result.text = _CONTROL.sub("", result.text).strip()
    if len(result.text) > limits.max_text_chars:
        result.text = result.text[: limits.max_text_chars]
        result.truncated = True
    if result.truncated:
        result.notes.append(f"Text cut at {limits.max_text_chars:,} characters; the full original is kept.")
    if not result.text:
        raise EmptyDocumentError(f"No readable text was found in the {kind.upper()}.")
    result.title = _CONTROL.sub("", result.title or "").strip()[:1000] or _first_line(result.text) or filename[:300]
    result.publisher = _CONTROL.sub("", result.publisher or "").strip()[:300]
    result.author = _CONTROL.sub("", result.author or "").strip()[:300]
    result.language = language_code(result.text)
    return result


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:300]
    return ""


def _decode_stream(handle, encoding: str, max_chars: int) -> tuple[str, bool]:  # noqa: ANN001 - a binary file
    """Decode up to `max_chars` characters; (text, truncated). Raises EncodingError."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    except LookupError as exc:
        raise EncodingError(f"Unknown character encoding {encoding!r}.") from exc
    parts: list[str] = []
    count = 0
    offset = 0
    while True:
        chunk = handle.read(1024 * 1024)
        final = not chunk
        try:
            piece = decoder.decode(chunk, final=final)
        except UnicodeDecodeError as exc:
            where = offset + exc.start
            name = "UTF-8" if encoding.replace("-", "").lower().startswith("utf8") else encoding
            raise EncodingError(
                f"The text is not valid {name} (bad byte at offset {where:,}). "
                "Save it as UTF-8, or serve it with its charset."
            ) from exc
        offset += len(chunk)
        parts.append(piece)
        count += len(piece)
        if count >= max_chars:
            return "".join(parts)[:max_chars], bool(handle.read(1)) or count > max_chars
        if final:
            return "".join(parts), False


def _plain(path: Path, limits: CaptureLimits, *, charset: str, head: bytes) -> ExtractedText:
    encoding = charset or "utf-8"
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    with path.open("rb") as handle:
        text, truncated = _decode_stream(handle, encoding, limits.max_text_chars)
    return ExtractedText(text=text, format="text", truncated=truncated)


def _html(path: Path, limits: CaptureLimits, *, charset: str, url: str) -> ExtractedText:
    size = path.stat().st_size
    if size > limits.max_html_bytes:
        raise UnsupportedDocumentError(
            f"The HTML has {size:,} bytes, more than the {limits.max_html_bytes:,} that are parsed."
        )
    raw = path.read_bytes()
    encoding = charset
    if not encoding:
        match = _META_CHARSET.search(raw[:4096])
        encoding = match.group(1).decode("ascii") if match else "utf-8"
    if raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    try:
        markup = raw.decode(encoding)
    except LookupError as exc:
        raise EncodingError(f"Unknown character encoding {encoding!r} declared by the page.") from exc
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"The HTML is not valid {encoding} (bad byte at offset {exc.start:,}). "
            "Serve it with its charset or save it as UTF-8."
        ) from exc
    del raw
    import trafilatura

    doc = trafilatura.bare_extraction(
        markup, url=url or None, with_metadata=True, include_comments=False, include_tables=True,
        favor_recall=True,
    )
    if doc is None:
        return ExtractedText(text=_fallback_html_text(markup), format="html")
    published = None
    doc = cast(Any, doc)  # a trafilatura Document (its dict form only with as_dict=True)
    if getattr(doc, "date", None):
        try:
            published = date.fromisoformat(str(doc.date)[:10])
        except ValueError:
            published = None
    return ExtractedText(
        text=doc.text or "", format="html", title=doc.title or "", published=published,
        publisher=doc.sitename or "", author=doc.author or "",
    )


def _fallback_html_text(markup: str) -> str:
    import lxml.html

    try:
        tree = lxml.html.fromstring(markup)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    return re.sub(r"[ \t]*\n\s*", "\n", tree.text_content()).strip()


def _pdf(path: Path, limits: CaptureLimits) -> ExtractedText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # owner-password-only PDFs open with an empty user password
            except Exception as exc:  # noqa: BLE001 - pypdf raises several kinds here
                raise EncryptedDocumentError("The PDF is encrypted and could not be opened.") from exc
            if not opened:
                raise EncryptedDocumentError("The PDF is encrypted with a password; it cannot be read.")
        parts: list[str] = []
        count = 0
        truncated = False
        notes: list[str] = []
        for number, page in enumerate(reader.pages):
            if number >= limits.max_pdf_pages:
                notes.append(f"Only the first {limits.max_pdf_pages:,} pages were read.")
                truncated = True
                break
            page_text = page.extract_text() or ""
            parts.append(page_text)
            count += len(page_text)
            if count >= limits.max_text_chars:
                truncated = True
                break
        meta: Any = reader.metadata or {}
    except DocumentError:
        raise
    except PdfReadError as exc:
        raise BrokenDocumentError(f"The PDF is malformed: {str(exc)[:200]}") from exc
    title = str(getattr(meta, "title", "") or "")
    author = str(getattr(meta, "author", "") or "")
    published = None
    try:
        created = getattr(meta, "creation_date", None)
        published = created.date() if created else None
    except (ValueError, TypeError, AttributeError):
        published = None
    return ExtractedText(text="\n\n".join(parts), format="pdf", title=title, author=author,
                         published=published, truncated=truncated, notes=notes)
