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


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    path: Path


class BlobStore:
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

    def put_chunks(self, chunks: Iterable[bytes], *, max_bytes: int) -> StoredBlob:
        """Store the bytes from `chunks`; at most `max_bytes`, else DocumentTooLargeError."""
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="blob-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    if not chunk:
                        continue
                    size += len(chunk)
                    if size > max_bytes:
                        raise DocumentTooLargeError(
                            f"The document is larger than the limit of {max_bytes:,} bytes; it was not kept."
                        )
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path_for(sha)
            if final.exists():
                os.unlink(tmp_name)  # the same bytes are already kept; the first copy stays
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp_name, stat.S_IRUSR | stat.S_IRGRP)
                os.replace(tmp_name, final)
            return StoredBlob(sha256=sha, size=size, path=final)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def put_file(self, path: Path, *, max_bytes: int) -> StoredBlob:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentTooLargeError(
                f"The file has {size:,} bytes, more than the limit of {max_bytes:,}; it was not kept."
            )
        with path.open("rb") as handle:
            return self.put_chunks(iter(lambda: handle.read(CHUNK), b""), max_bytes=max_bytes)

    def put_bytes(self, data: bytes, *, max_bytes: int) -> StoredBlob:
        return self.put_chunks([data], max_bytes=max_bytes)


def default_store() -> BlobStore:
    from django.conf import settings

    return BlobStore(Path(settings.DATA_DIR) / "blobs")
