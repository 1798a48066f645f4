"""Content-addressed store of captured bytes: the evidence copy. No Django import.

Threat model: the bytes are untrusted and may be large. They are streamed in chunks (never held
whole in memory), hashed with SHA-256 while written to a private temporary file in the store, and
moved into place with an atomic rename under their hash (`ab/cd/abcd...`). A stored blob is made
read-only and is never rewritten: storing the same bytes again keeps the first copy, so the evidence
copy cannot be altered through this interface. A size cap stops the write part-way and removes the
temporary file.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tnrwatch.core.errors import ApplicationError

CHUNK = 1024 * 1024


class DocumentTooLargeError(ApplicationError):
    """The document is larger than the configured limit."""


def file_too_large(size: int, max_bytes: int) -> str:
    """The error of a file over the limit (the command line's and the web upload's)."""
    return f"The file has {size:,} bytes, more than the limit of {max_bytes:,}; it was not kept."


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    path: Path


class DocumentStore:
    """The content-addressed store of captured documents: one file per SHA-256 (not encrypted:
    sources are public or partner documents; reports never come here)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def open(self, sha256: str):
        return self.path_for(sha256).open("rb")

    def writer(self, *, max_bytes: int) -> BlobWriter:
        """A push-style writer (for upload handlers): write() chunks, then commit() or discard()."""
        return BlobWriter(self, max_bytes=max_bytes)

    def put_chunks(self, chunks: Iterable[bytes], *, max_bytes: int) -> StoredBlob:
        """Store the bytes from `chunks`; at most `max_bytes`, else DocumentTooLargeError."""
        writer = self.writer(max_bytes=max_bytes)
        try:
            for chunk in chunks:
                writer.write(chunk)
            return writer.commit()
        finally:
            writer.discard()

    def remove(self, sha256: str) -> bool:
        """Delete a stored blob (only for bytes nothing refers to: a refused document's); whether it was there."""
        try:
            os.unlink(self.path_for(sha256))
        except FileNotFoundError:
            return False
        return True

    def put_file(self, path: Path, *, max_bytes: int) -> StoredBlob:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentTooLargeError(file_too_large(size, max_bytes))
        with path.open("rb") as handle:
            return self.put_chunks(iter(lambda: handle.read(CHUNK), b""), max_bytes=max_bytes)

    def put_bytes(self, data: bytes, *, max_bytes: int) -> StoredBlob:
        return self.put_chunks([data], max_bytes=max_bytes)


def default_store() -> DocumentStore:
    from django.conf import settings

    return DocumentStore(Path(settings.DATA_DIR) / "blobs")


class BlobWriter:
    """Bytes on their way into the store: a private temporary file in the store, hashed as written.

    `commit()` moves it into place under its hash (keeping the first copy when the same bytes are
    already stored) and says whether it was new; `discard()` removes whatever is left, and is safe
    to call at any time, as often as needed. Past `max_bytes`, `write` removes the temporary file
    and raises DocumentTooLargeError: nothing of a refused document stays on disk."""

    def __init__(self, store: DocumentStore, *, max_bytes: int) -> None:
        tmp_dir = store.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        self.store = store
        self.max_bytes = max_bytes
        self.size = 0
        self.created = False  # set by commit(): these bytes were not stored before
        self._digest = hashlib.sha256()
        fd, self._tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="blob-")
        self._out = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.size += len(chunk)
        if self.size > self.max_bytes:
            self.discard()
            raise DocumentTooLargeError(
                f"The document is larger than the limit of {self.max_bytes:,} bytes; it was not kept."
            )
        self._digest.update(chunk)
        self._out.write(chunk)

    def commit(self) -> StoredBlob:
        self._out.flush()
        os.fsync(self._out.fileno())
        self._out.close()
        sha = self._digest.hexdigest()
        final = self.store.path_for(sha)
        if final.exists():
            os.unlink(self._tmp_name)  # the same bytes are already kept; the first copy stays
        else:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(self._tmp_name, stat.S_IRUSR | stat.S_IRGRP)
            os.replace(self._tmp_name, final)
            self.created = True
        self._tmp_name = ""
        return StoredBlob(sha256=sha, size=self.size, path=final)

    def discard(self) -> None:
        if not self._out.closed:
            self._out.close()
        if self._tmp_name and os.path.exists(self._tmp_name):
            os.unlink(self._tmp_name)
        self._tmp_name = ""
