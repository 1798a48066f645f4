"""Capture limits: one frozen config object, read from settings, injectable in tests. No Django import.

Every number here bounds what a hostile document can cost us: bytes on disk and on the wire,
characters of text kept, pages parsed, seconds waited.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaptureLimits:
    max_bytes: int = 256 * 1024 * 1024  # largest document kept (file or download)
    max_text_chars: int = 2_000_000  # extracted text beyond this is cut, and the cut is noted
    max_html_bytes: int = 20 * 1024 * 1024  # larger HTML is refused rather than parsed
    max_pdf_pages: int = 2_000
    timeout_seconds: float = 30.0
    max_redirects: int = 5
    # One web submission of uploaded files, all files together (each is also held to max_bytes); as
    # nginx's body limit in deploy/ (less 1 MiB for the form fields). Larger files: `tnrwatch ingest`.
    max_upload_bytes: int = 100 * 1024 * 1024
    max_upload_files: int = 20  # Django's DATA_UPLOAD_MAX_NUMBER_FILES of this project
    # Off by default: a server-side fetch of an address on the local network is a classic SSRF.
    # Tests (and installations that capture from an intranet) switch it on.
    allow_private_hosts: bool = False
    user_agent: str = "tnrwatch-capture/0.1 (+https://github.com/tnrwatch)"


def limits_from_settings() -> CaptureLimits:
    from django.conf import settings

    base = CaptureLimits()
    return CaptureLimits(
        max_bytes=getattr(settings, "TNR_INGEST_MAX_BYTES", base.max_bytes),
        max_text_chars=getattr(settings, "TNR_INGEST_MAX_TEXT_CHARS", base.max_text_chars),
        max_html_bytes=getattr(settings, "TNR_INGEST_MAX_HTML_BYTES", base.max_html_bytes),
        max_pdf_pages=getattr(settings, "TNR_INGEST_MAX_PDF_PAGES", base.max_pdf_pages),
        timeout_seconds=float(getattr(settings, "TNR_INGEST_TIMEOUT", base.timeout_seconds)),
        max_upload_bytes=getattr(settings, "TNR_INGEST_MAX_UPLOAD_BYTES", base.max_upload_bytes),
        max_upload_files=getattr(settings, "DATA_UPLOAD_MAX_NUMBER_FILES", None) or base.max_upload_files,
        allow_private_hosts=bool(getattr(settings, "TNR_INGEST_ALLOW_PRIVATE_HOSTS", base.allow_private_hosts)),
    )
