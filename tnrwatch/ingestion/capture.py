"""Fetchers: get a document's bytes into the blob store, with the record of how they were captured.

One small interface (`Fetcher`), one adapter per kind of origin: a local file, an http(s) URL.
Folders are expanded into files by `expand_origins`. No Django import: the store and the limits
are passed in.

Threat model: the origin and the bytes are untrusted. Downloads are streamed with a size cap and a
timeout; `Content-Encoding` is not decoded (we ask for `identity`; compressed bodies are kept as
received and then refused as archives), so a decompression bomb is never expanded. Redirects are
followed only to http(s), at most `max_redirects` times. Hosts that resolve to private, loopback or
link-local addresses are refused unless `allow_private_hosts` is set (server-side request forgery);
the check runs before each request, so a DNS answer that changes between check and connect
(rebinding) is not fully excluded: run the capture worker without access to sensitive internal
services. Environment proxies are ignored so captures are reproducible.

Following the Berkeley Protocol, a capture keeps: the SHA-256 of the exact bytes, the capture time
(UTC), the URL as given and as finally served, the redirect chain and the HTTP response headers.
"""

from __future__ import annotations

import ipaddress
import mimetypes
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from tnrwatch.core.errors import ApplicationError

from .blobs import CHUNK, DocumentStore, DocumentTooLargeError, StoredBlob, file_too_large
from .limits import CaptureLimits


class CaptureError(ApplicationError):
    """The document could not be captured."""


@dataclass
class Capture:
    origin: str
    blob: StoredBlob
    captured_at: datetime
    filename: str = ""
    url: str = ""  # the URL finally served ("" for files)
    content_type: str = ""
    charset: str = ""
    http_status: int | None = None
    http_headers: dict[str, str] = field(default_factory=dict)
    redirects: list[str] = field(default_factory=list)


class Fetcher(Protocol):
    def can_fetch(self, origin: str) -> bool: ...

    def fetch(self, origin: str, *, store: DocumentStore, limits: CaptureLimits) -> Capture: ...


def _content_type_of(name: str) -> str:
    guessed, _enc = mimetypes.guess_type(name)
    return guessed or ""


class FileFetcher:
    """A local file (the path must exist and be a regular file)."""

    def can_fetch(self, origin: str) -> bool:
        return "://" not in origin

    def fetch(self, origin: str, *, store: DocumentStore, limits: CaptureLimits) -> Capture:
        path = Path(origin)
        try:
            if not path.is_file():
                raise CaptureError(f"No such file: {path.name or origin}")
            captured_at = datetime.now(UTC)
            blob = store.put_file(path, max_bytes=limits.max_bytes)
        except DocumentTooLargeError:
            raise
        except OSError as exc:
            raise CaptureError(f"The file could not be read: {exc.strerror or exc}") from exc
        return Capture(origin=origin, blob=blob, captured_at=captured_at, filename=path.name,
                       content_type=_content_type_of(path.name))


class UploadFetcher:
    """A file uploaded on the web, already in the blob store: `upload://<sha256>/<name>`.

    The web capture page stores the bytes while they stream in (ingestion/upload.py); this adapter
    only finds them again, so an upload goes through the same reading and errors as any file."""

    prefix = "upload://"

    def can_fetch(self, origin: str) -> bool:
        return origin.startswith(self.prefix)

    def fetch(self, origin: str, *, store: DocumentStore, limits: CaptureLimits) -> Capture:
        sha, _sep, quoted = origin[len(self.prefix):].partition("/")
        name = urllib.parse.unquote(quoted)
        try:
            path = store.path_for(sha)
            size = path.stat().st_size
        except (ValueError, OSError) as exc:
            raise CaptureError("The uploaded file is no longer in the store; upload it again.") from exc
        if size > limits.max_bytes:
            raise DocumentTooLargeError(file_too_large(size, limits.max_bytes))
        return Capture(origin=origin, blob=StoredBlob(sha256=sha, size=size, path=path), captured_at=datetime.now(UTC),
                       filename=name, content_type=_content_type_of(name))


def _check_host(url: str, limits: CaptureLimits) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise CaptureError(f"Only http and https URLs can be captured, not {parts.scheme or 'this'!r}.")
    host = parts.hostname
    if not host:
        raise CaptureError("The URL has no host.")
    if limits.allow_private_hosts:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as exc:
        raise CaptureError(f"The host {host!r} could not be resolved.") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise CaptureError(f"The host {host!r} is on a private or local network; capture from it is not allowed.")


class _RedirectPolicy(urllib.request.HTTPRedirectHandler):
    def __init__(self, limits: CaptureLimits, chain: list[str]) -> None:
        super().__init__()
        self.limits = limits
        self.chain = chain
        self.max_redirections = limits.max_redirects  # type: ignore[misc]  # per handler, not per class

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - urllib's signature
        target = urllib.parse.urljoin(req.full_url, newurl)
        scheme = urllib.parse.urlsplit(target).scheme.lower()
        if scheme not in ("http", "https"):
            raise CaptureError(f"The server redirected to a {scheme or 'schemeless'!r} URL; only http(s) is followed.")
        if len(self.chain) >= self.limits.max_redirects:
            raise CaptureError(f"More than {self.limits.max_redirects} redirects.")
        _check_host(target, self.limits)
        self.chain.append(target)
        return super().redirect_request(req, fp, code, msg, headers, target)


class HttpFetcher:
    """An http(s) URL, fetched with urllib (streamed, capped, no proxies, no decompression)."""

    def can_fetch(self, origin: str) -> bool:
        return origin.lower().startswith(("http://", "https://"))

    def fetch(self, origin: str, *, store: DocumentStore, limits: CaptureLimits) -> Capture:
        _check_host(origin, limits)
        chain: list[str] = []
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _RedirectPolicy(limits, chain))
        request = urllib.request.Request(origin, headers={  # noqa: S310 - scheme checked above
            "User-Agent": limits.user_agent, "Accept-Encoding": "identity", "Accept": "*/*",
        })
        captured_at = datetime.now(UTC)
        try:
            with opener.open(request, timeout=limits.timeout_seconds) as response:
                headers = {k: v for k, v in response.headers.items()}
                length = response.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > limits.max_bytes:
                    raise DocumentTooLargeError(
                        f"The server announces {int(length):,} bytes, more than the limit of {limits.max_bytes:,}."
                    )
                blob = store.put_chunks(_read_chunks(response), max_bytes=limits.max_bytes)
                status = response.status
                final_url = response.geturl()
                content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
                charset = response.headers.get_content_charset() or ""
        except (CaptureError, DocumentTooLargeError):
            raise
        except urllib.error.HTTPError as exc:
            if 300 <= exc.code < 400:  # urllib refuses redirects to other schemes before asking us
                location = str(exc.headers.get("Location", "") if exc.headers else "")[:200]
                raise CaptureError(
                    f"The server redirected to {location!r}; only http(s) is followed."
                ) from exc
            raise CaptureError(f"The server answered HTTP {exc.code} {exc.reason}.") from exc
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, CaptureError):
                raise reason from exc
            raise CaptureError(f"The URL could not be fetched: {reason}") from exc
        except TimeoutError as exc:
            raise CaptureError(f"No answer within {limits.timeout_seconds:g} seconds.") from exc
        except (OSError, ValueError) as exc:
            raise CaptureError(f"The URL could not be fetched: {exc}") from exc
        name = os.path.basename(urllib.parse.urlsplit(final_url).path)
        return Capture(
            origin=origin, blob=blob, captured_at=captured_at, filename=name, url=final_url,
            content_type=content_type or _content_type_of(name), charset=charset,
            http_status=status, http_headers=headers, redirects=chain,
        )


def _read_chunks(response) -> Iterator[bytes]:  # noqa: ANN001 - an http.client response
    while True:
        chunk = response.read(CHUNK)
        if not chunk:
            return
        yield chunk


FETCHERS: list[Fetcher] = [HttpFetcher(), UploadFetcher(), FileFetcher()]


def fetcher_for(origin: str) -> Fetcher:
    for fetcher in FETCHERS:
        if fetcher.can_fetch(origin):
            return fetcher
    raise CaptureError(f"No fetcher can capture {origin[:200]!r}; give a file, a folder or an http(s) URL.")


def expand_origins(origins: Iterable[str]) -> Iterator[str]:
    """Each file, each file under each folder (recursively, in name order, lazily), each URL."""
    for origin in origins:
        if "://" in origin:
            yield origin
            continue
        path = Path(origin)
        if path.is_dir():
            yield from _walk(path)
        else:
            yield str(path)


def _walk(folder: Path) -> Iterator[str]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # hidden files and folders (.git, .DS_Store) are not documents
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.is_file(follow_symlinks=False):
            yield entry.path
