"""Writes of the capture pipeline: batches, documents, captured Sources and proposed candidates.

`job_create` records a batch and queues one task per document (after commit). `document_process`
is the task body: fetch (adapter) -> blob store -> text -> registry Source (deduplicated on
SHA-256) -> extractor -> candidates. A failure of one document is recorded on that document with a
clear message and never stops the batch. Every write leaves an audit row.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ApplicationError, ValidationError
from tnrwatch.gazetteer.names import normalize_name
from tnrwatch.registry.models import Source
from tnrwatch.registry.services import source_create

from ..blobs import DocumentStore, StoredBlob, default_store
from ..capture import Capture, expand_origins, fetcher_for
from ..limits import CaptureLimits, limits_from_settings
from ..models import Candidate, Document, IngestJob
from ..text import ExtractedText, extract_document

logger = logging.getLogger(__name__)

BATCH = 500
# Bare country mentions are context only. People and addresses (issue 17) are proposed like the rest.
REVIEWED_KINDS = ("response", "station", "operator", "figure", "person", "address")
MAX_ORIGIN = 2000
MAX_CANDIDATES = 2000  # per source: a pathological document cannot flood the review queue
# The fields a candidate keeps. `body` (the acting body of a response, when the text names it) is
# not part of the candidate's key, so proposals made before it existed are still recognised.
CANDIDATE_FIELDS = ("country", "action", "city", "operator", "value", "what", "date", "body",
                    "name", "role", "organization", "basis", "address")


@transaction.atomic
def job_create(*, actor: Any = None, actor_label: str | None = None, origins: Iterable[str],
               uploads: Sequence[Upload] = (), enqueue: bool = True) -> IngestJob:
    """A batch with one queued Document per file (folders expanded lazily) or URL, and per file
    uploaded on the web (`uploads`, already in the blob store: see `job_create_from_web`).

    Documents are written in batches so a folder of 10,000 files is never a list in memory.
    With `enqueue`, one task per document is queued once the batch is committed."""
    origins = list(origins)
    user = actor if getattr(actor, "is_authenticated", False) else None
    named = origins[:3] + [u.name for u in uploads[:max(0, 3 - len(origins))]]
    job = IngestJob.objects.create(created_by=user, created_label=actor_label or "",
                                   label=", ".join(o[:200] for o in named)[:500])
    total = 0
    expanded = expand_origins(origins)
    while True:
        batch = [_new_document(job, o) for o in islice(expanded, BATCH)]
        if not batch:
            break
        Document.objects.bulk_create(batch)
        total += len(batch)
    Document.objects.bulk_create([_uploaded_document(job, u) for u in uploads], batch_size=BATCH)
    total += len(uploads)
    job.total = total
    job.save(update_fields=["total"])
    data: dict[str, Any] = {"origins": [o[:300] for o in origins[:20]], "documents": total}
    if uploads:
        data["uploads"] = [{"name": u.name[:200], "sha256": u.blob.sha256 if u.blob else None, "size": u.size}
                           for u in uploads[:100]]
    audit_record(actor=actor, actor_label=actor_label, action="ingest.job_create",
                 subject_type="ingest_job", subject_id=job.pk, data=data)
    if enqueue:
        transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
    return job


MAX_WEB_URLS = 200
UPLOAD_SCHEME = "upload://"  # origin of an uploaded file: upload://<sha256>/<name>; never a path


@dataclass(frozen=True)
class Upload:
    """A file uploaded on the web: in the blob store already (`blob`), or refused (`error`)."""

    name: str
    size: int
    blob: StoredBlob | None = None
    error: str = ""


def _uploaded_document(job: IngestJob, upload: Upload) -> Document:
    from urllib.parse import quote

    from django.utils import timezone

    if upload.blob is None:  # refused while it streamed in: the same error as `tnrwatch ingest`
        return Document(job=job, origin=f"{UPLOAD_SCHEME}refused/{quote(upload.name)}"[:MAX_ORIGIN],
                        filename=upload.name, size=upload.size, status=Document.Status.FAILED,
                        error=upload.error[:2000])
    return Document(job=job, origin=f"{UPLOAD_SCHEME}{upload.blob.sha256}/{quote(upload.name)}"[:MAX_ORIGIN],
                    filename=upload.name, sha256=upload.blob.sha256, size=upload.blob.size,
                    captured_at=timezone.now())


def job_create_from_web(*, actor: Any, urls: list[str], files: Sequence[Any] = (),
                        store: DocumentStore | None = None) -> IngestJob:
    """A batch from the web capture page: http(s) URLs and uploaded files (`UploadedDocument`s of
    `ingestion.upload`, waiting in the store's temporary folder).

    The files enter the blob store only here, and if the batch cannot be recorded the bytes this
    call added are removed again: a refused submission leaves nothing behind."""
    urls = web_urls(urls)
    if not urls and not files:
        raise ValidationError(gettext("Give at least one http(s) URL or one file."))
    store = store or default_store()
    added: list[str] = []
    try:
        with transaction.atomic():
            uploads = []
            for file in files:
                if file.error:
                    uploads.append(Upload(name=file.name, size=file.size, error=file.error))
                    continue
                blob = file.commit()
                if file.writer.created:
                    added.append(blob.sha256)
                uploads.append(Upload(name=file.name, size=blob.size, blob=blob))
            return job_create(actor=actor, origins=urls, uploads=uploads)
    except BaseException:
        for sha in added:
            _remove_unreferenced(store, sha)
        raise


def web_urls(urls: list[str]) -> list[str]:
    """The http(s) URLs submitted on the web. Never a local path: a web user must not make the
    server read its own files, so anything but an absolute http(s) URL is refused."""
    from urllib.parse import urlsplit

    cleaned = []
    for url in urls:
        url = url.strip()
        if not url:
            continue
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname or len(url) > MAX_ORIGIN or "\x00" in url:
            raise ValidationError(gettext("Not an http(s) URL: %(url)s") % {"url": repr(url[:100])})
        cleaned.append(url)
    if len(cleaned) > MAX_WEB_URLS:
        raise ValidationError(gettext("At most %(n)s URLs at once; use `tnrwatch ingest` for more.") % {"n": MAX_WEB_URLS})
    return cleaned


def job_create_from_urls(*, actor: Any, urls: list[str]) -> IngestJob:
    """A batch of http(s) URLs submitted on the web (see `web_urls`)."""
    if not web_urls(urls):
        raise ValidationError(gettext("Give at least one http(s) URL."))
    return job_create(actor=actor, origins=web_urls(urls))


def _new_document(job: IngestJob, origin: str) -> Document:
    if len(origin) > MAX_ORIGIN or "\x00" in origin:
        return Document(job=job, origin=origin[:MAX_ORIGIN].replace("\x00", ""), status=Document.Status.FAILED,
                        error=f"The path or URL is longer than {MAX_ORIGIN} characters or contains NUL; not captured.")
    return Document(job=job, origin=origin)


def job_enqueue(*, job_id: int) -> int:
    """Queue a task for every still-queued document of the job; the number queued."""
    from ..tasks import document_process_task

    count = 0
    ids = Document.objects.filter(job_id=job_id, status=Document.Status.QUEUED).values_list("pk", flat=True)
    for pk in ids.iterator(chunk_size=BATCH):
        document_process_task(pk)
        count += 1
    return count


def document_process(*, document_id: int, store: DocumentStore | None = None, limits: CaptureLimits | None = None,
                     actor_label: str = "ingest") -> Document | None:
    """Capture, extract and propose candidates for one document. Never raises for a bad document:
    the error is recorded on it (status failed) so the rest of the batch goes on."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None or document.status != Document.Status.QUEUED:
        return document  # gone, or already handled by another worker
    store = store or default_store()
    limits = limits or limits_from_settings()
    try:
        capture = fetcher_for(document.origin).fetch(document.origin, store=store, limits=limits)
        if document.captured_at is not None:  # an upload: captured when the server received it
            capture.captured_at = document.captured_at
        _record_capture(document, capture)
        extracted = extract_document(capture.blob.path, limits=limits, content_type=capture.content_type,
                                     charset=capture.charset, filename=capture.filename, url=capture.url)
        _record_source(document, capture, extracted, actor_label=actor_label)
    except ApplicationError as exc:
        _record_failure(document, exc.message, actor_label=actor_label, store=store)
    except Exception as exc:  # a bug, not bad input: still one document's failure, logged in full
        logger.exception("ingestion of document %s failed", document.pk)
        _record_failure(document, f"Internal error while processing this document ({type(exc).__name__}).",
                        actor_label=actor_label, store=store)
    return document


@transaction.atomic
def _record_capture(document: Document, capture: Capture) -> None:
    document.status = Document.Status.FETCHED
    document.sha256 = capture.blob.sha256
    document.size = capture.blob.size
    document.filename = capture.filename[:500]
    document.url = capture.url[:2000]
    document.content_type = capture.content_type[:200]
    document.http_status = capture.http_status
    document.http_headers = {k[:200]: v[:2000] for k, v in list(capture.http_headers.items())[:100]}
    document.redirects = [r[:2000] for r in capture.redirects]
    document.captured_at = capture.captured_at
    document.save()
    audit_record(actor=None, actor_label="ingest", action="document.fetch", subject_type="ingest_document",
                 subject_id=document.pk, data={"sha256": capture.blob.sha256, "size": capture.blob.size,
                                               "url": capture.url[:500], "origin": document.origin[:500]})


@transaction.atomic
def _record_source(document: Document, capture: Capture, extracted: ExtractedText, *, actor_label: str) -> None:
    existing = Source.objects.filter(sha256=capture.blob.sha256).first()
    if existing is None:
        url = capture.url if len(capture.url) <= 2000 else ""
        source = source_create(
            actor=None, actor_label=actor_label, kind="official" if extracted.format == "pdf" else "news",
            title=extracted.title[:1000] or document.origin[:300], publisher=extracted.publisher
            or _host(capture.url), author=extracted.author, url=url, published=extracted.published,
            language=extracted.language[:16], sha256=capture.blob.sha256, captured_at=capture.captured_at,
            text=extracted.text,
        )
    else:
        source = existing
    document.source = source
    document.duplicate = existing is not None
    document.format = extracted.format
    document.notes = extracted.notes
    document.status = Document.Status.EXTRACTED
    found = 0
    if existing is None:
        found = candidates_propose(source=source, document=document, candidates=_extract(source.text, source.language))
    document.candidates_found = found
    document.save()
    audit_record(actor=None, actor_label=actor_label, action="document.extract", subject_type="ingest_document",
                 subject_id=document.pk, data={"source": source.pk, "duplicate": existing is not None,
                                               "candidates": found, "format": extracted.format})


def _record_failure(document: Document, message: str, *, actor_label: str, store: DocumentStore) -> None:
    with transaction.atomic():
        document.status = Document.Status.FAILED
        document.error = message[:2000]
        document.save(update_fields=["status", "error", "updated_at"])
        audit_record(actor=None, actor_label=actor_label, action="document.fail", subject_type="ingest_document",
                     subject_id=document.pk, data={"error": message[:500], "origin": document.origin[:500]})
    if document.sha256:
        _remove_unreferenced(store, document.sha256)


def _remove_unreferenced(store: DocumentStore, sha256: str) -> None:
    """Delete the bytes of a refused document unless a Source or another document still needs
    them (the same bytes captured elsewhere, or waiting for a worker)."""
    if Source.objects.filter(sha256=sha256).exists():
        return
    if Document.objects.filter(sha256=sha256).exclude(status=Document.Status.FAILED).exists():
        return
    store.remove(sha256)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "")[:300] if url else ""


def _extract(text: str, lang: str) -> list[dict]:
    try:
        from tnrwatch.extraction import extract
    except ImportError:  # the extractor is optional for capture
        return []
    return [c.to_dict() for c in extract(text, lang or None)]


def candidate_key(*, source_id: int, kind: str, fields: dict, start: int, end: int) -> str:
    """The identity of a proposal: the same source, kind, normalised fields and offsets."""
    parts = [str(source_id), kind, str(start), str(end)]
    # People and addresses add their own fields; the other kinds' keys stay as they were.
    extra = {"person": ("name", "basis"), "address": ("address",)}.get(kind, ())
    for name in ("country", "action", "city", "operator", "value", "what", "date", *extra):
        value = fields.get(name)
        parts.append(normalize_name(str(value)) if value is not None else "")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def candidates_propose(*, source: Source, document: Document | None, candidates: list[dict]) -> int:
    """Store the extractor's candidates for `source`; the number of new ones.

    A candidate whose key is already known (pending, accepted or rejected) is not proposed again,
    and one whose quote is not the text at its offsets is dropped."""
    from ..matching import entity_match

    text = source.text
    known = set(Candidate.objects.filter(source=source).values_list("key", flat=True))
    matches: dict[tuple, Any] = {}
    rows: list[Candidate] = []
    for data in candidates:
        if len(rows) >= MAX_CANDIDATES:
            break
        kind = data.get("kind")
        if kind not in REVIEWED_KINDS:
            continue
        try:
            start, end = int(data["start"]), int(data["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if not (0 <= start < end <= len(text)):
            continue
        key = candidate_key(source_id=source.pk, kind=kind, fields=data, start=start, end=end)
        if key in known:
            continue
        known.add(key)
        match_key = (kind, *(str(data.get(k)) for k in ("country", "action", "city", "operator", "value", "what")))
        if match_key not in matches:
            matches[match_key] = entity_match(kind, data)
        match = matches[match_key]
        try:
            confidence = min(1.0, max(0.0, float(data.get("confidence") or 0.0)))
        except (TypeError, ValueError):
            confidence = 0.0
        rows.append(Candidate(
            source=source, document=document, key=key, kind=kind,
            fields={k: data.get(k) for k in CANDIDATE_FIELDS},
            quote=text[start:end], start=start, end=end, lang=str(data.get("lang") or "")[:16],
            confidence=confidence, match_type=match[0] if match else "", match_id=match[1].pk if match else None,
        ))
    Candidate.objects.bulk_create(rows, batch_size=BATCH)
    if rows:
        audit_record(actor=None, actor_label="ingest", action="candidates.propose", subject=source,
                     data={"count": len(rows)})
    return len(rows)
