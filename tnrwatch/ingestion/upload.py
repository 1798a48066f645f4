"""The upload handler of the web capture page: each file streams into the blob store's temporary
folder, hashed as it arrives, and is held to the same limits as `tnrwatch ingest`.

Threat model: the uploader is signed-in staff, but the files are hostile and may be huge, and a
client may lie about sizes or go away mid-upload. Nothing is ever held whole in memory. A request
that announces more than `max_upload_bytes` is refused before its body is read; a file past
`max_bytes` has its temporary file removed at once and is recorded as that document's failure
(the same error the command line gives), while the other files of the batch go on. Nothing enters
the store until the capture service takes the files (after the CSRF and form checks); the view
calls `discard_all()` on every path, so whatever was not taken is removed: a refused, invalid or
broken request leaves no byte behind. The browser's file name is kept for display only (no path,
no control characters); the browser's content type is ignored, as the command line ignores it.
"""

from __future__ import annotations

import io
import os

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from .blobs import BlobWriter, DocumentStore, DocumentTooLargeError, StoredBlob, file_too_large
from .limits import CaptureLimits

UPLOAD_FIELD = "files"
FORM_OVERHEAD_BYTES = 1024 * 1024  # the URLs and the token, on top of the files


def display_name(name: str) -> str:
    """The last path part of the browser's file name, printable characters only, bounded."""
    base = os.path.basename((name or "").replace("\\", "/"))
    printable = "".join(ch for ch in base if ch.isprintable())
    return printable.strip()[:200] or "upload"


class UploadedDocument(UploadedFile):
    """What lands in request.FILES: a file waiting in the store's temporary folder (or refused)."""

    def __init__(self, name: str, *, writer: BlobWriter | None, size: int, error: str = "") -> None:
        super().__init__(file=io.BytesIO(b""), name=name, content_type="application/octet-stream", size=size)
        self.writer = writer
        self.error = error  # set when refused (too large): recorded as that document's failure

    def commit(self) -> StoredBlob:
        """Move the bytes into the store under their hash (see BlobWriter.commit)."""
        if self.writer is None:
            raise DocumentTooLargeError(self.error)
        return self.writer.commit()

    def discard(self) -> None:
        if self.writer is not None:
            self.writer.discard()


class CaptureUploadHandler(FileUploadHandler):
    chunk_size = 64 * 1024

    def __init__(self, request=None, *, store: DocumentStore, limits: CaptureLimits) -> None:  # noqa: ANN001
        super().__init__(request)
        self.store = store
        self.limits = limits
        self.refused = ""  # a message when the whole request is refused
        self.refused_status = 413  # too large or too many; 400 for a broken body
        self.documents: list[UploadedDocument] = []
        self._writer: BlobWriter | None = None
        self._error = ""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: ANN001, N803
        if content_length and content_length > self.limits.max_upload_bytes + FORM_OVERHEAD_BYTES:
            self.refused = (f"The upload is {content_length:,} bytes, more than the limit of "
                            f"{self.limits.max_upload_bytes:,} for one submission; nothing was kept.")
            return QueryDict(), MultiValueDict()  # the body is never read
        return None

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):  # noqa: ANN001
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        if field_name != UPLOAD_FIELD:
            raise SkipFile()
        if len(self.documents) >= self.limits.max_upload_files:
            self.refused = (f"At most {self.limits.max_upload_files} files at once; nothing was kept. "
                            "Use `tnrwatch ingest` for more.")
            raise StopUpload(connection_reset=False)
        self._error = ""
        self._writer = self.store.writer(max_bytes=self.limits.max_bytes)

    def receive_data_chunk(self, raw_data, start):  # noqa: ANN001
        if self._writer is not None:
            try:
                self._writer.write(raw_data)
            except DocumentTooLargeError as exc:  # the temporary file is gone; the rest is skipped
                self._writer, self._error = None, exc.message
        return None

    def file_complete(self, file_size):  # noqa: ANN001
        if self._writer is None and not self._error:
            return None
        error = file_too_large(file_size, self.limits.max_bytes) if self._error else ""
        document = UploadedDocument(display_name(self.file_name or ""), writer=self._writer, size=file_size,
                                    error=error)
        self._writer, self._error = None, ""
        self.documents.append(document)
        return document

    def upload_interrupted(self):
        # The body ended inside a file (the client went away, or a truncated request): the whole
        # submission is refused, so a batch is never recorded with some of its files missing.
        if not self.refused:
            self.refused, self.refused_status = "The upload was interrupted before it ended; nothing was kept. Try again.", 400
        self._drop_current()

    def _drop_current(self) -> None:
        if self._writer is not None:
            self._writer.discard()
            self._writer = None

    def discard_all(self) -> None:
        """Remove every temporary file of this request that the service did not take."""
        self._drop_current()
        for document in self.documents:
            document.discard()
