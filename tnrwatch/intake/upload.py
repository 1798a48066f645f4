"""The upload handler of /report/: attachments are encrypted as they stream in.

It replaces Django's memory and temporary-file handlers for the intake view only (the view sets
`request.upload_handlers` before the body is read). Each chunk goes straight into an age
encryption stream whose output is a `.part` file in the blob store, so no plaintext byte of an
attachment is ever written to disk. The size limit is enforced here: a request that announces a
body over the limit is refused before its body is read, and a stream that exceeds it (a lying or
missing Content-Length) is cut off at the first chunk past the limit, so at most one chunk
(64 KiB) beyond the limit is ever encrypted and written.
"""

from __future__ import annotations

import io
import os
import unicodedata

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from . import crypto
from .blobs import blob_store
from .config import intake_config
from .services import StoredUpload
from .storage import CiphertextStore

ATTACHMENT_FIELD = "attachments"
# Room for the text fields on top of the attachments before a body counts as too large.
FORM_OVERHEAD_BYTES = 1024 * 1024


class EncryptedUpload(UploadedFile):
    """What lands in request.FILES: a reference to the stored ciphertext, not the content."""

    def __init__(self, stored: StoredUpload) -> None:
        super().__init__(file=io.BytesIO(b""), name=stored.name, content_type=stored.content_type, size=stored.size)
        self.stored = stored


def clean_file_name(name: str) -> str:
    """A display name for the (encrypted) file name: no path, no control characters, bounded."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return name.strip(" .")[:200] or "attachment"


class EncryptingUploadHandler(FileUploadHandler):
    """Encrypt each attachment to the current recipients while it streams; keep only ciphertext."""

    chunk_size = 64 * 1024

    def __init__(self, request=None, *, public_keys: list[str], store: CiphertextStore | None = None) -> None:
        super().__init__(request)
        config = intake_config()
        self.limit = config.max_upload_bytes
        self.max_files = config.max_attachments
        self.public_keys = tuple(public_keys)
        self.store = store or blob_store()
        # "too_large" | "too_many_files" | "no_recipients" | "bad_file_name" | "interrupted"
        self.refused: str = ""
        self._input = None  # the request body stream, to tell a complete body from a cut-off one
        self.total = 0
        self.stored: list[StoredUpload] = []
        self._blob_id: str | None = None
        self._handle = None
        self._writer: crypto.EncryptingWriter | None = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self._input = input_data
        if content_length and content_length > self.limit + FORM_OVERHEAD_BYTES:
            self.refused = "too_large"
            return QueryDict(), MultiValueDict()  # the body is never read
        return None

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        if field_name != ATTACHMENT_FIELD:
            raise SkipFile()
        if len(self.stored) >= self.max_files:
            self.refused = "too_many_files"
            raise StopUpload(connection_reset=True)
        if not self.public_keys:
            self.refused = "no_recipients"
            raise StopUpload(connection_reset=True)
        self._blob_id, self._handle = self.store.create()
        self._writer = crypto.EncryptingWriter(self._handle, list(self.public_keys))

    def receive_data_chunk(self, raw_data, start):
        if self._writer is None:
            return None
        self.total += len(raw_data)
        if self.total > self.limit:
            self.refused = "too_large"
            self._abort()
            raise StopUpload(connection_reset=True)
        self._writer.write(raw_data)
        return None

    def file_complete(self, file_size):
        if self._writer is None:
            return None
        writer, blob_id, handle = self._writer, self._blob_id, self._handle
        self._writer = self._blob_id = self._handle = None
        try:
            writer.close()
            ciphertext_size = self.store.commit(blob_id, handle)
        except Exception:
            self.store.discard(blob_id, handle)
            raise
        stored = StoredUpload(
            blob_id=blob_id, name=clean_file_name(self.file_name or ""),
            content_type=(self.content_type or "application/octet-stream")[:100],
            size=writer.plaintext_bytes, ciphertext_size=ciphertext_size, public_keys=self.public_keys,
        )
        self.stored.append(stored)
        return EncryptedUpload(stored)

    def upload_interrupted(self):
        # The body ended inside a file: the client went away (or sent a truncated body).
        self.refused = self.refused or "interrupted"
        self._abort()

    def body_incomplete(self) -> bool:
        """Whether the body ended before its announced length (a client gone mid-upload): the
        parser then sees a short stream and would accept whatever fields arrived whole."""
        stream = getattr(self._input, "_stream", self._input)  # the parser reads the request, which reads this
        position, limit = getattr(stream, "_pos", None), getattr(stream, "limit", None)  # Django's LimitedStream
        return position is not None and limit is not None and position < limit

    def _abort(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
            except crypto.EncryptionError:
                pass
        if self._blob_id is not None:
            self.store.discard(self._blob_id, self._handle)
        self._writer = self._blob_id = self._handle = None

    def discard_all(self) -> None:
        """Remove everything this request stored (the report was not accepted)."""
        self._abort()
        for stored in self.stored:
            self.store.discard(stored.blob_id)
        self.stored = []


def unsafe_file_name(file_name: str) -> bool:
    """A file name that tries to be a path (separators, ".", "..", NUL), also when percent-encoded.
    Django would reduce it to a bare name; we refuse the whole report instead, so a hostile
    client learns nothing and nothing is kept."""
    from urllib.parse import unquote

    for name in {file_name, unquote(file_name)}:
        if any(ch in name for ch in ("/", "\\", "\x00")) or name.strip() in {".", ".."}:
            return True
    return False


def strict_multipart_parser(handler: EncryptingUploadHandler):
    """A `request.parse_file_upload` replacement that refuses path-like file names before any
    of that file is read (the raw name is only visible to the parser, not to upload handlers)."""
    from django.http.multipartparser import MultiPartParser

    class StrictFileNameParser(MultiPartParser):
        def sanitize_file_name(self, file_name):  # noqa: ANN001, ANN201 - Django's signature
            if unsafe_file_name(file_name):
                handler.refused = "bad_file_name"
                raise StopUpload(connection_reset=True)
            return super().sanitize_file_name(file_name)

    def parse_file_upload(META, post_data):  # noqa: ANN001, ANN202, N803 - HttpRequest's signature
        return StrictFileNameParser(META, post_data, [handler], handler.request.encoding).parse()

    return parse_file_upload
