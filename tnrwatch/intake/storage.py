"""Where ciphertext blobs (encrypted attachments) live: a directory, one file per blob.

No Django import. Only age ciphertext is ever written here. A blob is written to `<id>.part`,
then renamed to `<id>.age`; the database row pointing at it is committed only afterwards. The
data is in the operating system's hands before the rename, so a killed process (kill -9) never
leaves a row without its blob. With `fsync=True` the file and then the directory are fsynced
before the rename is reported, so the same holds after a power cut; the intake turns that on when
its database fsyncs its own commits (see IntakeConfig.fsync_blobs and SECURITY.md).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import BinaryIO

from tnrwatch.core.errors import NotFoundOrForbiddenError


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class CiphertextStore:
    """A flat directory of `<hex id>.age` files."""

    def __init__(self, root: Path, *, fsync: bool = True) -> None:
        # The directory is made on the first write, not here: a store is built for every
        # submission, and a mkdir per request was a measurable part of it.
        self.root = Path(root)
        self.fsync = fsync

    def _path(self, blob_id: str, suffix: str = ".age") -> Path:
        if len(blob_id) != 32 or any(c not in "0123456789abcdef" for c in blob_id):
            raise NotFoundOrForbiddenError()
        return self.root / f"{blob_id}{suffix}"

    def create(self) -> tuple[str, BinaryIO]:
        """A new blob id and its `.part` file open for writing."""
        blob_id = secrets.token_hex(16)
        path = self._path(blob_id, ".part")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileNotFoundError:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        return blob_id, os.fdopen(fd, "wb")

    def commit(self, blob_id: str, handle: BinaryIO) -> int:
        """Make the blob durable and visible; returns its size in bytes."""
        handle.flush()
        size = handle.tell()
        if self.fsync:
            os.fsync(handle.fileno())
        handle.close()
        part, final = self._path(blob_id, ".part"), self._path(blob_id)
        os.replace(part, final)
        if self.fsync:
            _fsync_dir(self.root)
        return size

    def discard(self, blob_id: str, handle: BinaryIO | None = None) -> None:
        if handle is not None and not handle.closed:
            handle.close()
        for suffix in (".part", ".age"):
            self._path(blob_id, suffix).unlink(missing_ok=True)

    def open(self, blob_id: str) -> BinaryIO:
        try:
            return self._path(blob_id).open("rb")
        except FileNotFoundError as exc:
            raise NotFoundOrForbiddenError() from exc

    def write(self, data: bytes) -> tuple[str, int]:
        blob_id, handle = self.create()
        handle.write(data)
        return blob_id, self.commit(blob_id, handle)

    def delete(self, blob_id: str) -> None:
        """Overwrite, then unlink (the content is ciphertext already; this is belt and braces)."""
        path = self._path(blob_id)
        try:
            size = path.stat().st_size
            with path.open("r+b") as handle:
                remaining = size
                while remaining > 0:
                    step = min(remaining, 1024 * 1024)
                    handle.write(b"\0" * step)
                    remaining -= step
                handle.flush()
                os.fsync(handle.fileno())
            path.unlink()
        except FileNotFoundError:
            pass

    def exists(self, blob_id: str) -> bool:
        return self._path(blob_id).exists()

    def stale_parts(self) -> list[Path]:
        return sorted(self.root.glob("*.part"))

    def all_ids(self) -> list[str]:
        return sorted(p.stem for p in self.root.glob("*.age"))
