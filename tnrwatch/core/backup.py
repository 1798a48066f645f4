"""Backups that restore: one age-encrypted archive of the database, both blob stores and the keys.

Threat model: a backup leaves the server (another disk, another building, a provider), so it is
written as the server's adversary will meet it. It is one age stream (X25519, to every recipient
given; pyrage) around a tar stream, written straight into the age writer: no plaintext byte of it
is ever on disk, and the database snapshot is taken into memory (SQLite's online backup API into
an in-memory database) or streamed from `pg_dump`. An archive whose name is complete is complete:
it is written under a `.partial-…` name in the destination folder and renamed only after its last
byte was fsynced; on any error (a full disk included) the partial file is removed.

A restore trusts nothing until the whole archive has been read: age authenticates every 64 KiB
chunk and the end of the stream, and the manifest (the last member) lists every member's size and
SHA-256. The first pass decrypts into a private staging folder inside the target data folder
(PostgreSQL's dump is only hashed); only when it checked out is anything moved into place and, for
PostgreSQL, the dump loaded by `pg_restore --single-transaction`. A truncated, altered or
wrongly-keyed archive is refused with the staging folder removed and the target untouched.

Archive layout (format `tnrwatch-backup/1`): `database/<vendor>.NNNNN` (the snapshot in chunks:
an SQLite image, or a `pg_dump` custom-format dump), `files/intake/…` (the intake's ciphertext
blobs), `files/blobs/…` (captured documents), `keys.json` (the instance's secrets), then
`MANIFEST.json`. The database is snapshotted first and the blob stores copied after it: a blob is
written before the row that names it commits, so every blob the snapshot names is copied.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import queue
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO, Protocol, cast

import pyrage
from django.conf import settings
from django.db import connections
from pyrage import x25519

from tnrwatch.core.errors import ApplicationError
from tnrwatch.intake import crypto
from tnrwatch.intake.storage import _fsync_dir  # the one folder-fsync helper

FORMAT = "tnrwatch-backup/1"
DB_CHUNK = 32 * 1024 * 1024  # a dump is cut into members of this size (a tar header needs the size first)
COPY_CHUNK = 1024 * 1024
MANIFEST = "MANIFEST.json"
ARCHIVE_SUFFIX = ".tar.age"


class BackupError(ApplicationError):
    """A backup could not be written, or an archive cannot be restored; nothing was left behind."""


@dataclass
class BackupResult:
    path: Path
    members: int
    bytes_in: int
    vanished: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    vendor: str
    members: int
    created_at: str
    secrets_env: Path | None = None


# --- what an instance consists of ----------------------------------------------------------------

def _database() -> tuple[str, dict[str, Any]]:
    connection = connections["default"]
    return connection.vendor, connection.settings_dict


def _stores() -> dict[str, Path]:
    from tnrwatch.ingestion.blobs import default_store
    from tnrwatch.intake.config import intake_config

    return {"intake": intake_config().blob_path, "blobs": default_store().root}


def _instance_keys() -> dict[str, str]:
    from tnrwatch.audit.services import audit_key
    from tnrwatch.intake.config import receipt_key

    return {"secret_key": settings.SECRET_KEY, "receipt_key": receipt_key().decode(),
            "audit_key": audit_key().decode()}


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", db["NAME"], "--username", db.get("USER") or "postgres"]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed; on Debian: apt-get install postgresql-client")
    return path


# --- writing -------------------------------------------------------------------------------------

class _Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


class _ArchiveWriter:
    """A tar stream whose members are hashed as they are written; the manifest goes last."""

    def __init__(self, sink: _Sink) -> None:
        # In stream mode ("w|") tarfile only ever calls write(), which is all the sink has.
        self.tar = tarfile.open(fileobj=cast(BinaryIO, sink), mode="w|", format=tarfile.PAX_FORMAT)  # noqa: SIM115 - closed in finish()
        self.members: dict[str, list[int | str]] = {}
        self.bytes_in = 0

    def add(self, name: str, source: BinaryIO, size: int, mode: int = 0o600) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = size, mode, int(time.time())
        hasher = _HashingReader(source)
        self.tar.addfile(info, hasher)
        if hasher.size != size:
            raise BackupError(f"{name} changed size while it was read")
        self.members[name] = [size, hasher.digest.hexdigest()]
        self.bytes_in += size

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add(name, io.BytesIO(data), len(data))

    def finish(self, manifest: dict[str, Any]) -> None:
        manifest = {**manifest, "members": self.members}
        data = json.dumps(manifest, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
        self.tar.addfile(info, io.BytesIO(data))
        self.tar.close()


class _HashingReader:
    def __init__(self, source: BinaryIO) -> None:
        self.source, self.digest, self.size = source, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _snapshot_sqlite(archive: _ArchiveWriter, db: dict[str, Any]) -> None:
    # The online backup API copies a consistent snapshot while writers carry on (WAL); into memory,
    # so the copy never touches a disk. It needs RAM for one copy of the database.
    source = sqlite3.connect(db["NAME"], timeout=60)
    memory = sqlite3.connect(":memory:")
    try:
        source.backup(memory)
        image = memory.serialize()
    finally:
        source.close()
        memory.close()
    view = memoryview(image)
    for index, start in enumerate(range(0, max(len(view), 1), DB_CHUNK)):
        part = view[start:start + DB_CHUNK]
        archive.add(f"database/sqlite.{index:05d}", io.BytesIO(part), len(part))


def _snapshot_postgres(archive: _ArchiveWriter, db: dict[str, Any]) -> None:
    # pg_dump takes one consistent snapshot (a repeatable-read transaction) and streams the dump.
    args, env = _pg_env(db)
    with subprocess.Popen([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *args],  # noqa: S603
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as dump:
        assert dump.stdout is not None and dump.stderr is not None
        stderr = dump.stderr
        errors: list[bytes] = []
        reader = threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True)
        reader.start()
        index = 0
        while True:
            chunk = dump.stdout.read(DB_CHUNK)
            if not chunk and index:
                break
            archive.add(f"database/postgresql.{index:05d}", io.BytesIO(chunk), len(chunk))
            index += 1
            if not chunk:
                break
        status = dump.wait()
        reader.join()
    if status:
        raise BackupError("pg_dump failed: " + b"".join(errors).decode(errors="replace").strip()[-500:])


def _add_store(archive: _ArchiveWriter, prefix: str, root: Path, vanished: list[str]) -> None:
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        # In-progress uploads and captures are not part of the record (the orphan sweep removes them).
        if not path.is_file() or path.suffix == ".part" or relative.startswith("tmp/"):
            continue
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            vanished.append(f"{prefix}/{relative}")  # deleted (retention) after the snapshot
            continue
        with handle:
            archive.add(f"files/{prefix}/{relative}", handle, os.fstat(handle.fileno()).st_size,
                        mode=path.stat().st_mode & 0o777)


def backup_recipients(extra: Sequence[str] = ()) -> list[str]:
    recipients = [r.strip() for r in [*extra, *getattr(settings, "TNR_BACKUP_RECIPIENTS", [])] if r.strip()]
    if not recipients:
        raise BackupError("No backup recipient: pass --recipient age1… or set TNR_BACKUP_RECIPIENTS. "
                          "Keep the matching identity off this server.")
    for recipient in recipients:
        try:
            crypto.recipient_parse(recipient)
        except ApplicationError as exc:
            raise BackupError(f"Not an age public key: {recipient[:20]}…") from exc
    return recipients


def backup_write(dest: Path, recipients: Sequence[str], *, now: datetime | None = None) -> BackupResult:
    """Write one encrypted archive of this instance to `dest` (a file name, or a folder for a dated one)."""
    dest = Path(dest)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    final = dest / f"tnrwatch-backup-{stamp}{ARCHIVE_SUFFIX}" if dest.is_dir() else dest
    if final.exists():
        raise BackupError(f"{final} exists; a backup never overwrites one")
    if not final.parent.is_dir():
        raise BackupError(f"{final.parent} is not a folder")
    vendor, db = _database()
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"cannot back up a {vendor} database")
    from tnrwatch.search.tasks import purge_pending

    # A deletion's text may still sit in the search engine's old segments until its purge (deferred
    # off the request, search/tasks.py): pay any purge owed, so the archive does not carry it.
    purge_pending()
    partial = final.with_name(f"{final.name}.partial-{secrets.token_hex(4)}")
    vanished: list[str] = []
    archive: _ArchiveWriter | None = None
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as sink:
            writer = crypto.EncryptingWriter(sink, recipients)
            archive = _ArchiveWriter(writer)
            (_snapshot_sqlite if vendor == "sqlite" else _snapshot_postgres)(archive, db)
            for prefix, root in _stores().items():
                _add_store(archive, prefix, root, vanished)
            archive.add_bytes("keys.json", json.dumps(_instance_keys()).encode())
            archive.finish({"format": FORMAT, "created_at": datetime.now(UTC).isoformat(), "vendor": vendor,
                            "vanished": vanished})
            writer.close()
            sink.flush()
            os.fsync(sink.fileno())
        os.rename(partial, final)
        _fsync_dir(final.parent)
    except BaseException as exc:
        if archive is not None:  # the stream is dead: keep tarfile from flushing into it again
            # `closed` is tarfile's own flag, left out of its type stubs.
            archive.tar.closed = archive.tar.fileobj.closed = True  # type: ignore[attr-defined]
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        if isinstance(exc, BackupError):
            raise
        if isinstance(exc, crypto.EncryptionError | OSError):
            raise BackupError(f"backup failed, no archive written: {_describe(exc)}") from exc
        raise
    return BackupResult(path=final, members=len(archive.members), bytes_in=archive.bytes_in, vanished=vanished)


def _describe(exc: BaseException) -> str:
    """The innermost cause: the encrypting thread's error wraps the disk's."""
    while (inner := exc.__cause__ or exc.__context__) is not None and inner is not exc:
        exc = inner
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def backups_prune(folder: Path, keep_days: int, *, now: float | None = None) -> list[Path]:
    """Delete this tool's archives in `folder` older than `keep_days` (never the newest)."""
    archives = sorted(folder.glob(f"tnrwatch-backup-*{ARCHIVE_SUFFIX}"), key=lambda p: p.stat().st_mtime)
    cutoff = (now or time.time()) - keep_days * 86400
    removed = [p for p in archives[:-1] if p.stat().st_mtime < cutoff]
    for path in removed:
        path.unlink()
    return removed


# --- reading -------------------------------------------------------------------------------------

class _DecryptingReader:
    """Pull-mode reading of an age stream: pyrage pushes plaintext from a thread into a small queue."""

    def __init__(self, source: BinaryIO, identities: Sequence[x25519.Identity]) -> None:
        self._chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
        self._buffer = b""
        self._done = False
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(source, list(identities)), daemon=True)
        self._thread.start()

    def _run(self, source: BinaryIO, identities: list[x25519.Identity]) -> None:
        try:
            pyrage.decrypt_io(source, self, identities)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the reading side
            self.error = exc
        finally:
            self._chunks.put(None)

    def write(self, data: bytes) -> int:  # called by pyrage on its thread
        self._chunks.put(bytes(data))
        return len(data)

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            item = self._chunks.get()
            if item is None:
                self._done = True
                if self.error is not None:
                    raise _age_error(self.error)
            else:
                self._buffer += item
        if size < 0:
            size = len(self._buffer)
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def drain(self) -> None:
        """Read to the end, so a stream's last chunk is authenticated (or its truncation found)."""
        while self.read(COPY_CHUNK):
            pass


def _age_error(exc: BaseException) -> BackupError:
    text = str(exc).lower()
    if "no matching keys" in text or "no identity matched" in text:
        return BackupError("the archive is not encrypted to the given identity (wrong key)")
    if "header" in text and "age" not in text:
        return BackupError("not an age-encrypted tnrwatch backup (bad header)")
    return BackupError(f"the archive is truncated or was altered: age authentication failed ({exc})")


@contextlib.contextmanager
def _members(archive: Path, identities: Sequence[x25519.Identity]) -> Iterator[Iterator[tuple[tarfile.TarInfo, IO[bytes]]]]:
    with archive.open("rb") as source:
        reader = _DecryptingReader(source, identities)
        try:
            # In stream mode ("r|") tarfile only ever calls read(), which is all the reader has.
            tar = tarfile.open(fileobj=cast(BinaryIO, reader), mode="r|")  # noqa: SIM115 - closed below
        except tarfile.TarError as exc:
            raise reader.error and _age_error(reader.error) or BackupError("not a tnrwatch backup archive") from exc

        def walk() -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
            try:
                for info in tar:
                    if not info.isfile() or not _safe_name(info.name):
                        raise BackupError(f"unexpected member {info.name!r} in the archive")
                    handle = tar.extractfile(info)
                    assert handle is not None
                    yield info, handle
                reader.drain()
            except tarfile.TarError as exc:
                if reader.error is not None:
                    raise _age_error(reader.error) from exc
                raise BackupError(f"the archive is damaged: {exc}") from exc

        yield walk()
        tar.close()


def _safe_name(name: str) -> bool:
    parts = name.split("/")
    return (not name.startswith("/") and ".." not in parts and "" not in parts
            and (name in {MANIFEST, "keys.json"} or parts[0] in {"database", "files"}))


def _copy(handle: IO[bytes], out: IO[bytes] | None, digest: hashlib._Hash) -> int:
    size = 0
    while chunk := handle.read(COPY_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if out is not None:
            out.write(chunk)
    return size


def _target_problems(vendor: str, db: dict[str, Any], stores: dict[str, Path]) -> list[str]:
    problems = []
    data_dir = Path(settings.DATA_DIR)
    if vendor == "sqlite":
        path = Path(db["NAME"])
        if path.exists() and path.stat().st_size > 0:
            problems.append(f"the database {path} exists")
    else:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")
            if cursor.fetchone()[0]:
                problems.append(f"the database {db['NAME']} has tables")
        connections["default"].close()
    for name, root in stores.items():
        if root.exists() and any(p.is_file() for p in root.rglob("*")):
            problems.append(f"the {name} store {root} is not empty")
    for key in ("receipt_key", "audit_key"):
        if (data_dir / key).exists():
            problems.append(f"{data_dir / key} exists")
    return problems


def restore(archive: Path, identities: Sequence[x25519.Identity], *, dry_run: bool = False) -> RestoreResult:
    """Restore an archive into this instance's empty data folder and empty database."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file")
    vendor, db = _database()
    stores = _stores()
    problems = [] if dry_run else _target_problems(vendor, db, stores)
    if problems:
        raise BackupError("restore needs an empty data folder and an empty database: " + "; ".join(problems))
    data_dir = Path(settings.DATA_DIR)
    staging = data_dir / f".restore-{secrets.token_hex(4)}"
    staging.mkdir(mode=0o700)
    try:
        manifest, keys = _extract(archive, identities, staging, keep_database=vendor == "sqlite")
        if manifest.get("vendor") != vendor:
            raise BackupError(f"the archive holds a {manifest.get('vendor')} database; this instance uses {vendor}")
        if dry_run:
            return RestoreResult(vendor=vendor, members=len(manifest["members"]), created_at=manifest["created_at"])
        if vendor == "postgresql":
            _load_postgres(archive, identities, db)
        else:
            _join_sqlite(staging, Path(db["NAME"]))
        for name, root in stores.items():
            _move_tree(staging / "files" / name, root)
        secrets_env = _restore_keys(keys, data_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _forget_sessions()
    return RestoreResult(vendor=vendor, members=len(manifest["members"]), created_at=manifest["created_at"],
                         secrets_env=secrets_env)


def _extract(archive: Path, identities: Sequence[x25519.Identity], staging: Path, *, keep_database: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """Pass one: decrypt everything, keep files (and an SQLite image) in `staging`, check the manifest."""
    seen: dict[str, list[int | str]] = {}
    manifest = keys = None
    with _members(archive, identities) as members:
        for info, handle in members:
            digest = hashlib.sha256()
            if info.name == MANIFEST:
                manifest = json.loads(handle.read())
                continue
            if manifest is not None:
                raise BackupError("the archive has members after its manifest")
            if info.name == "keys.json":
                data = handle.read()
                digest.update(data)
                keys, size = json.loads(data), len(data)
            elif info.name.startswith("database/") and not keep_database:
                size = _copy(handle, None, digest)
            else:
                target = staging / info.name
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                with target.open("xb") as out:
                    size = _copy(handle, out, digest)
                target.chmod(info.mode & 0o640 or 0o600)
            seen[info.name] = [size, digest.hexdigest()]
    if manifest is None or manifest.get("format") != FORMAT:
        raise BackupError("the archive has no tnrwatch manifest: truncated, or not a tnrwatch backup")
    if seen != manifest.get("members"):
        raise BackupError("the archive's members do not match its manifest")
    if not keys:
        raise BackupError("the archive has no keys")
    return manifest, keys


def _join_sqlite(staging: Path, target: Path) -> None:
    parts = sorted((staging / "database").glob("sqlite.*"))
    joined = staging / "database.sqlite3"
    with joined.open("xb") as out:
        for part in parts:
            with part.open("rb") as handle:
                shutil.copyfileobj(handle, out, COPY_CHUNK)
            part.unlink()
        out.flush()
        os.fsync(out.fileno())
    check = sqlite3.connect(joined)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the database in the archive fails SQLite's integrity check")
    finally:
        check.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    joined.chmod(0o600)
    os.replace(joined, target)


def _load_postgres(archive: Path, identities: Sequence[x25519.Identity], db: dict[str, Any]) -> None:
    """Pass two: stream the dump into pg_restore, in one transaction (all or nothing)."""
    args, env = _pg_env(db)
    command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *args]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,  # noqa: S603
                          stderr=subprocess.PIPE, env=env) as load:
        assert load.stdin is not None and load.stderr is not None
        stderr = load.stderr
        errors: list[bytes] = []
        reader = threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True)
        reader.start()
        try:
            with _members(archive, identities) as members:
                for info, handle in members:
                    if info.name.startswith("database/"):
                        shutil.copyfileobj(handle, load.stdin, COPY_CHUNK)
        except BrokenPipeError:
            pass
        finally:
            with contextlib.suppress(BrokenPipeError):
                load.stdin.close()
        status = load.wait()
        reader.join()
    if status:
        raise BackupError("pg_restore failed (nothing was loaded): "
                          + b"".join(errors).decode(errors="replace").strip()[-500:])


def _move_tree(source: Path, target: Path) -> None:
    if not source.exists():
        return
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, destination)


def _restore_keys(keys: dict[str, Any], data_dir: Path) -> Path | None:
    """Write the keys beside the data (as outside production); where the environment sets a different
    value, write the archive's values to `restored-secrets.env` for the environment file instead."""
    for name in ("secret_key", "receipt_key", "audit_key"):
        path = data_dir / name
        tmp = path.with_name(f"{name}.{secrets.token_hex(4)}")
        tmp.write_text(keys[name])
        tmp.chmod(0o600)
        os.replace(tmp, path)
    from tnrwatch.core import keys as key_files

    key_files._cache.clear()
    configured = {"TNR_SECRET_KEY": (os.environ.get("TNR_SECRET_KEY", ""), keys["secret_key"]),
                  "TNR_RECEIPT_KEY": (os.environ.get("TNR_RECEIPT_KEY", ""), keys["receipt_key"]),
                  "TNR_AUDIT_KEY": (os.environ.get("TNR_AUDIT_KEY", ""), keys["audit_key"])}
    differ = {name: archived for name, (current, archived) in configured.items() if current and current != archived}
    if not differ:
        return None
    path = data_dir / "restored-secrets.env"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.writelines(f"{name}={value}\n" for name, value in differ.items())
    return path


def _forget_sessions() -> None:
    # Sessions in the archive are not restored to life: everyone signs in (and unlocks) again.
    from django.contrib.sessions.models import Session

    Session.objects.all().delete()
