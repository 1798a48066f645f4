"""The evidence copy of a Source: whether this instance holds it, what it is, and who may read it.

The copy is the exact bytes captured (in the content-addressed blob store, under their SHA-256);
the captured text is what was read from them (`Source.text`). Anyone may see the hash on the public
source page and check a copy they hold against it. The text and the bytes themselves are another
matter: a captured article is usually the publisher's copyrighted work.

Threat model: the bytes are hostile (a captured page may carry scripts; a PDF may carry anything)
and the reader may be anyone. So
- the text is only ever shown as escaped plain text, never the original HTML;
- the copy is only ever sent as an attachment with its recorded type, `nosniff` and a sandboxing
  CSP, so a browser neither renders it in our origin nor guesses another type;
- staff read every copy; a partner reads the copies of the sources its grants let it receive
  (marking through `sharing.outbound`, kind through its collections); the public reads only those
  of public sources an analyst has marked as republishable (`Source.republish_allowed`). Which
  sources an audience may see at all is decided by `sharing.outbound`, never here.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext

from tnrwatch.core.errors import NotFoundOrForbiddenError
from tnrwatch.registry.models import Source

from .blobs import DocumentStore, default_store
from .models import Document

# What a captured document is served as, by the format its text was read as.
FORMAT_TYPES = {"html": ("text/html", "html"), "pdf": ("application/pdf", "pdf"), "text": ("text/plain", "txt")}
UNKNOWN_TYPE = ("application/octet-stream", "bin")
_CHARSET_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")

# The download is never a page of ours: no script runs, nothing loads, it cannot be framed.
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


@dataclass(frozen=True)
class EvidenceCopy:
    sha256: str
    size: int
    path: Path
    content_type: str  # e.g. "text/html; charset=utf-8"
    filename: str  # e.g. "source-12-3f2a9c01b7de.html"

    @property
    def digest_header(self) -> str:
        """RFC 9530 `Repr-Digest`: the SHA-256 of the bytes as sent, base64 in colons."""
        return f"sha-256=:{base64.b64encode(bytes.fromhex(self.sha256)).decode('ascii')}:"


def copy_of(source: Source, *, store: DocumentStore | None = None) -> EvidenceCopy | None:
    """The evidence copy this instance holds for `source`, or None ("not captured": a source
    entered by hand, a report the instance cannot hold, or a hash received from a partner)."""
    if not source.sha256:
        return None
    store = store or default_store()
    try:
        path = store.path_for(source.sha256)
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    document = (Document.objects.filter(source=source, sha256=source.sha256).exclude(format="")
                .order_by("pk").only("format", "http_headers").first())
    content_type, ext = FORMAT_TYPES.get(document.format if document else "", UNKNOWN_TYPE)
    charset = _charset(document.http_headers if document else {})
    if charset and content_type.startswith("text/"):
        content_type = f"{content_type}; charset={charset}"
    return EvidenceCopy(sha256=source.sha256, size=size, path=path, content_type=content_type,
                        filename=f"source-{source.pk}-{source.sha256[:12]}.{ext}")


def _charset(headers: dict) -> str:
    """The charset the server declared, if it is a plain token (it goes into our header)."""
    value = next((str(v) for k, v in (headers or {}).items() if str(k).lower() == "content-type"), "")
    for part in value.split(";")[1:]:
        name, _sep, charset = part.strip().partition("=")
        charset = charset.strip().strip('"')
        if name.strip().lower() == "charset" and 0 < len(charset) <= 40 and set(charset) <= _CHARSET_CHARS:
            return charset.lower()
    return ""


def reader_by_request(request: HttpRequest):  # noqa: ANN201 - a sharing.outbound.Audience
    """Who reads: the partner whose token the request carries, else the public (a wrong or
    revoked token reads as the public, so it learns nothing)."""
    from tnrwatch.accounts.access import access_partner_by_request
    from tnrwatch.sharing.outbound import PUBLIC
    from tnrwatch.sharing.selectors import partner_audience

    partner = access_partner_by_request(request)
    return PUBLIC if partner is None else partner_audience(partner)


def texts_readable_by(audience, sources: Iterable[Source]) -> set[int]:  # noqa: ANN001 - a sharing.outbound.Audience
    """The ids of those `sources` whose captured text (and copy) `audience` may read, of sources
    it may see (which sources it may see is `sharing.outbound`'s decision): the public only where
    an analyst recorded that the source may be republished (reuse terms, not a marking); a partner
    where its collections include sources. The one home of this rule: the text and copy pages and
    the search passages ask it."""
    from tnrwatch.sharing.selectors import kinds_for

    sources = list(sources)
    if audience.is_public:
        return {s.pk for s in sources if s.republish_allowed}
    return {s.pk for s in sources} if sources and "source" in kinds_for(audience) else set()


def access_source_copy(*, audience, pk: int) -> Source:  # noqa: ANN001 - a sharing.outbound.Audience
    """The source `pk` if `audience` (the public, or a partner) may read its captured text and copy;
    otherwise NotFoundOrForbiddenError, the same whether it is missing, hidden or not republishable."""
    from tnrwatch.sharing.outbound import outbound_queryset

    source = outbound_queryset(Source, audience).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if source is None or source.pk not in texts_readable_by(audience, [source]):
        raise NotFoundOrForbiddenError(gettext("There is no captured copy you may read under this number."))
    return source


def copy_response(copy: EvidenceCopy) -> FileResponse:
    """The evidence copy, byte for byte, as a download that no browser renders as a page."""
    response = FileResponse(copy.path.open("rb"), as_attachment=True, filename=copy.filename,
                            content_type=copy.content_type)
    response["Content-Length"] = str(copy.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Repr-Digest"] = copy.digest_header
    response["X-Evidence-SHA256"] = copy.sha256
    response["ETag"] = f'"{copy.sha256}"'
    return response
